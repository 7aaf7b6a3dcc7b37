"""Plain builder functions: sensible defaults, any field overridable, written through the services
so test data obeys the same rules as real data."""

import itertools
from datetime import date, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy.orm import Session

from app.auth.tokens import mint
from app.config import Settings
from app.organisation import service
from app.organisation.models import Membership, Organ, Person, Position, Unit
from app.organisation.schemas import (
    MembershipCreate,
    OrganCreate,
    PersonCreate,
    PositionCreate,
    UnitCreate,
)

_counter = itertools.count(1)
START = date(2026, 1, 1)


def _n() -> int:
    return next(_counter)


def make_organ(session: Session, **overrides: Any) -> Organ:
    n = _n()
    data: dict[str, Any] = {
        "code": f"N{n}",
        "name": f"Nämnd {n}",
        "kind": "committee",
        "seats": 9,
        "valid_from": START,
    }
    return service.create_organ(session, OrganCreate(**(data | overrides)))


def make_unit(session: Session, **overrides: Any) -> Unit:
    n = _n()
    data: dict[str, Any] = {"code": f"U{n}", "name": f"Enhet {n}", "valid_from": START}
    return service.create_unit(session, UnitCreate(**(data | overrides)))


def make_person(session: Session, **overrides: Any) -> Person:
    n = _n()
    data: dict[str, Any] = {"username": f"person{n}", "name": f"Person {n}", "kind": "employee"}
    return service.create_person(session, PersonCreate(**(data | overrides)))


def make_membership(session: Session, **overrides: Any) -> Membership:
    data: dict[str, Any] = {"role": "member", "valid_from": START}
    if "person_id" not in overrides:
        data["person_id"] = make_person(session, kind="elected").id
    if "organ" not in overrides:
        data["organ"] = make_organ(session).code
    return service.create_membership(session, MembershipCreate(**(data | overrides)))


def make_position(session: Session, **overrides: Any) -> Position:
    data: dict[str, Any] = {"role": "case_officer", "valid_from": START}
    if "person_id" not in overrides:
        data["person_id"] = make_person(session).id
    if "unit" not in overrides:
        data["unit"] = make_unit(session).code
    return service.create_position(session, PositionCreate(**(data | overrides)))


def make_registrar(session: Session) -> Person:
    person = make_person(session)
    make_position(session, person_id=person.id, role="registrar")
    return person


def bearer(
    settings: Settings, username: str, ttl: timedelta = timedelta(minutes=10)
) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(settings, username, ttl)}"}


def other_secret_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"jwt_secret": SecretStr("another-secret-" + "x" * 40)})
