"""A small organisation every admin-API test starts from."""

from dataclasses import dataclass

import pytest

from app.organisation.models import Membership, Organ, Person, Position, Unit
from tests.builders import (
    bearer,
    make_membership,
    make_organ,
    make_person,
    make_position,
    make_registrar,
    make_unit,
)


@dataclass
class Org:
    organ: Organ
    unit: Unit
    elected: Person
    newcomer: Person
    employee: Person
    membership: Membership
    position: Position
    admin: dict[str, str]
    not_admin: dict[str, str]


@pytest.fixture
def org(session, settings) -> Org:
    organ = make_organ(session, code="BUN", name="Barn- och utbildningsnämnden", seats=11)
    unit = make_unit(session, code="UTB", name="Utbildningsförvaltningen", serves=["BUN"])
    elected = make_person(session, username="eva.ek", name="Eva Ek", kind="elected")
    employee = make_person(session, username="olle.ny", name="Olle Ny", kind="employee")
    newcomer = make_person(session, username="sara.al", name="Sara Al", kind="elected")
    membership = make_membership(session, person_id=elected.id, organ="BUN", role="chair")
    position = make_position(session, person_id=employee.id, unit="UTB", role="case_officer")
    registrar = make_registrar(session)
    session.commit()
    return Org(
        organ=organ,
        unit=unit,
        elected=elected,
        newcomer=newcomer,
        employee=employee,
        membership=membership,
        position=position,
        admin=bearer(settings, registrar.username),
        not_admin=bearer(settings, employee.username),
    )
