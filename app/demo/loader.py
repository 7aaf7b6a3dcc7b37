"""Writes Exempelkommun into a database through the organisation's service layer.

Going through the services (not straight into the tables) means the demo passes the same rules as
data entered through the API, so a demo that loads is also a demo the engine accepts. The loader
only flushes: the caller's ``session_scope`` commits, or rolls everything back if a rule refuses.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.auth.service import person_principal
from app.demo import municipality as plan
from app.demo.cases import MEETING_DAY, Cast, load_cases
from app.demo.delegation import load_delegation
from app.organisation import service
from app.organisation.models import Membership, Organ, Person
from app.organisation.repository import holders_on
from app.organisation.schemas import (
    MembershipCreate,
    OrganCreate,
    PersonCreate,
    PositionCreate,
    UnitCreate,
)
from app.organisation.vocabulary import MembershipRole, PersonKind


@dataclass(frozen=True)
class DemoCast:
    """Usernames of the five people the demo is shown through, one per step of a case."""

    registrar: str
    committee_secretary: str
    head_of_administration: str
    chair: str
    case_officer: str

    def featured(self) -> list[tuple[str, str, str]]:
        """``(label_en, label_sv, username)`` of each featured person, in the order of a case."""
        return [
            ("Registrar (KLF)", "Registrator (KLF)", self.registrar),
            ("Case officer (UTB-GRU)", "Handläggare (UTB-GRU)", self.case_officer),
            ("Head of administration (UTB)", "Förvaltningschef (UTB)", self.head_of_administration),
            ("Committee secretary (BUN)", "Nämndsekreterare (BUN)", self.committee_secretary),
            ("Chair (BUN)", "Ordförande (BUN)", self.chair),
        ]


def is_empty(session: Session) -> bool:
    """True when no organ exists yet, i.e. the demo (or anything else) has not been loaded."""
    return session.scalar(select(Organ.id).limit(1)) is None


TERM_START = date(2023, 1, 1)
"""The demo's roles start with the committees' term of office 2023–2026, so history questions
("who was chair on …") have an answer from the first run."""


def load_demo(session: Session, valid_from: date = TERM_START) -> DemoCast:
    """Create all of Exempelkommun, every period starting on ``valid_from``; flush, never commit.

    Meant for an empty database: the organ codes, unit codes and usernames are fixed, so loading
    twice is refused by the services (ALREADY_EXISTS) and the caller's transaction rolls back.
    """
    plan.check_plan()
    for organ in plan.ORGANS:
        service.create_organ(
            session,
            OrganCreate(
                code=organ.code,
                name=organ.name,
                kind=organ.kind,
                parent=organ.parent,
                seats=organ.seats,
                valid_from=valid_from,
            ),
        )
    for unit in plan.UNITS:
        service.create_unit(
            session,
            UnitCreate(
                code=unit.code,
                name=unit.name,
                parent=unit.parent,
                serves=list(unit.serves),
                valid_from=valid_from,
            ),
        )
    elected, employees = _create_people(session)
    for roster in plan.ROSTERS:
        _seat(session, roster, elected, employees, valid_from)
    for spec in plan.POSITIONS:
        service.create_position(
            session,
            PositionCreate(
                person_id=employees[spec.holder].id,
                unit=spec.unit,
                role=spec.role,
                valid_from=valid_from,
            ),
        )
    first_vice_chairs = {r.organ: elected[r.vice_chairs[0]].id for r in plan.ROSTERS}
    load_delegation(session, valid_from, first_vice_chairs)
    load_cases(session, _cast(session, employees))
    return demo_cast()


def _cast(session: Session, employees: dict[str, Person]) -> Cast:
    """The people who move the demo's cases, as principals, and BUN's seated members on the
    day of its meeting."""
    on = date.fromisoformat(MEETING_DAY)
    bun = service.get_organ(session, "BUN")
    seated = holders_on(session, Membership, place_id=bun.id, role=None, on=on)

    def principal(key: str) -> Principal:
        return person_principal(session, employees[key], on)

    return Cast(
        head=principal(plan.FEATURED_HEAD),
        officer=principal(plan.FEATURED_CASE_OFFICER),
        manager=principal(plan.UTB_GRU_MANAGER),
        secretary=principal(plan.FEATURED_SECRETARY),
        present=[
            h.person_id
            for h in seated
            if h.role != MembershipRole.substitute and h.role != MembershipRole.secretary
        ],
    )


def demo_cast() -> DemoCast:
    """The featured people's usernames. The plan fixes them, so they are known without reading the
    database (``make run`` prints their tokens on every start)."""
    keys = plan.employee_keys()
    people = plan.identities(plan.ELECTED_COUNT + len(keys))
    employees = dict(zip(keys, people[plan.ELECTED_COUNT :], strict=True))
    return DemoCast(
        registrar=employees[plan.FEATURED_REGISTRAR].username,
        committee_secretary=employees[plan.FEATURED_SECRETARY].username,
        head_of_administration=employees[plan.FEATURED_HEAD].username,
        chair=people[plan.roster_of(plan.FEATURED_CHAIR_OF).chair].username,
        case_officer=employees[plan.FEATURED_CASE_OFFICER].username,
    )


def _create_people(session: Session) -> tuple[list[Person], dict[str, Person]]:
    """The elected people (by index, as the rosters name them), then the employees (by key)."""
    keys = plan.employee_keys()
    people = plan.identities(plan.ELECTED_COUNT + len(keys))
    created = [
        service.create_person(
            session,
            PersonCreate(
                username=person.username,
                name=person.name,
                kind=PersonKind.elected if i < plan.ELECTED_COUNT else PersonKind.employee,
                email=person.email,
            ),
        )
        for i, person in enumerate(people)
    ]
    elected = created[: plan.ELECTED_COUNT]
    employees = dict(zip(keys, created[plan.ELECTED_COUNT :], strict=True))
    return elected, employees


def _seat(
    session: Session,
    roster: plan.Roster,
    elected: list[Person],
    employees: dict[str, Person],
    valid_from: date,
) -> None:
    """One organ's memberships: chair, vice chairs, members, substitutes, then the secretary."""
    roles: list[tuple[Person, MembershipRole]] = [(elected[roster.chair], MembershipRole.chair)]
    roles += [(elected[i], MembershipRole.vice_chair) for i in roster.vice_chairs]
    roles += [(elected[i], MembershipRole.member) for i in roster.members]
    roles += [(elected[i], MembershipRole.substitute) for i in roster.substitutes]
    roles.append((employees[roster.secretary], MembershipRole.secretary))
    for person, role in roles:
        service.create_membership(
            session,
            MembershipCreate(
                person_id=person.id, organ=roster.organ, role=role, valid_from=valid_from
            ),
        )
