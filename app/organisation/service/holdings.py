"""Memberships and positions ("holdings"): who holds which role in which organ or unit, when.

Checks run with the organ's or unit's row locked (PostgreSQL), so two registrars cannot both seat
a chair at the same moment.
"""

from datetime import date
from functools import partial

from sqlalchemy.orm import Session

from app.errors import Conflict, InvalidInput
from app.kit.clock import today
from app.kit.pagination import Slice, Window, cut
from app.organisation import errors
from app.organisation import repository as repo
from app.organisation.models import Membership, Organ, Person, Position, Unit
from app.organisation.repository import Holding, HoldingModel
from app.organisation.schemas import MembershipCreate, PeriodUpdate, PositionCreate
from app.organisation.service.common import check_period, end_record
from app.organisation.service.people import referenced_person
from app.organisation.service.structure import (
    get_organ,
    get_unit,
    referenced_organ,
    referenced_unit,
)
from app.organisation.vocabulary import (
    MEMBERSHIP_ROLE_HOLDER,
    POSITION_HOLDER,
    SINGLE_HOLDER_ROLES,
    MembershipRole,
    PositionRole,
    label_sv,
)


def _place_of(holding: Holding) -> Organ | Unit:
    return holding.organ if isinstance(holding, Membership) else holding.unit


def _place_id(session: Session, model: HoldingModel, code: str) -> int:
    return get_organ(session, code).id if model is Membership else get_unit(session, code).id


def _check_holder_kind(person: Person, role: MembershipRole | PositionRole) -> None:
    required = MEMBERSHIP_ROLE_HOLDER[role] if isinstance(role, MembershipRole) else POSITION_HOLDER
    if person.kind != required:
        raise InvalidInput(
            f"{person.name} is {person.kind.value}; the role {role.value} is held by "
            f"{required.value} persons only.",
            f"{person.name} är {label_sv(person.kind)}; rollen {label_sv(role)} innehas bara av "
            f"en {label_sv(required)}.",
            code="PERSON_KIND_MISMATCH",
            field="person_id",
        )


def _check_within(holding: Holding, place: Organ | Unit) -> None:
    starts_before = holding.valid_from < place.valid_from
    ends_after = place.valid_to is not None and (
        holding.valid_to is None or holding.valid_to > place.valid_to
    )
    if starts_before or ends_after:
        until = place.valid_to or "—"
        raise InvalidInput(
            f"{place.code} exists from {place.valid_from} to {until}; the role must lie within.",
            f"{place.code} finns från {place.valid_from} till {until}; rollen måste ligga inom.",
            code="OUTSIDE_PLACE_PERIOD",
            field="valid_from" if starts_before else "valid_to",
        )


def _check_holding(session: Session, holding: Holding, excluding_id: int | None = None) -> None:
    """The period is ordered and inside the organ's or unit's own; a person holds one seat in an
    organ at a time (chair, vice chair, member and substitute exclude each other) and one post of
    a kind in a unit; single-holder roles (chair, head of administration) have one holder at a
    time."""
    check_period(holding.valid_from, holding.valid_to)
    place = _place_of(holding)
    _check_within(holding, place)
    repo.lock_place(session, type(place), place.id)
    is_membership = isinstance(holding, Membership)
    overlapping = partial(
        repo.overlapping_holdings,
        session,
        type(holding),
        place_id=place.id,
        start=holding.valid_from,
        end=holding.valid_to,
        excluding_id=excluding_id,
    )
    own = overlapping(person_id=holding.person_id, role=None if is_membership else holding.role)
    if own:
        raise _clash("OVERLAPPING_PERIOD", own[0], place)
    others = overlapping(role=holding.role) if holding.role in SINGLE_HOLDER_ROLES else []
    if others:
        raise _clash("ROLE_ALREADY_HELD", others[0], place)


def _clash(code: str, existing: Holding, place: Organ | Unit) -> Conflict:
    """A conflict that names who already holds what, where and when, and the record to end."""
    until_en = f" to {existing.valid_to}" if existing.valid_to else ""
    until_sv = f" till {existing.valid_to}" if existing.valid_to else ""
    return Conflict(
        f"{existing.person.name} is {existing.role.value} of {place.code} from "
        f"{existing.valid_from}{until_en}; end or correct that first.",
        f"{existing.person.name} är {label_sv(existing.role)} i {place.code} från "
        f"{existing.valid_from}{until_sv}; avsluta eller rätta det först.",
        code=code,
        conflicting_id=existing.id,
    )


def get_holding(session: Session, model: HoldingModel, holding_id: int) -> Holding:
    holding = repo.holding_by_id(session, model, holding_id)
    if holding is None:
        raise (
            errors.membership_not_found(holding_id)
            if model is Membership
            else errors.position_not_found(holding_id)
        )
    return holding


def list_holdings(
    session: Session,
    model: HoldingModel,
    window: Window,
    *,
    person_id: int | None = None,
    place: str | None = None,
    role: MembershipRole | PositionRole | None = None,
    on: date | None = None,
) -> Slice[Holding]:
    place_id = _place_id(session, model, place) if place is not None else None
    rows = repo.list_holdings(
        session, model, window, person_id=person_id, place_id=place_id, role=role, on=on
    )
    return cut(rows, window)


def _create(
    session: Session,
    holding: Holding,
    person_id: int,
    valid_from: date | None,
    valid_to: date | None,
) -> Holding:
    person = referenced_person(session, person_id)
    _check_holder_kind(person, holding.role)
    holding.person, holding.person_id = person, person.id
    holding.valid_from, holding.valid_to = valid_from or today(), valid_to
    _check_holding(session, holding)
    session.add(holding)
    session.flush()
    return holding


def create_membership(session: Session, data: MembershipCreate) -> Holding:
    organ = referenced_organ(session, data.organ, "organ")
    membership = Membership(organ=organ, organ_id=organ.id, role=data.role)
    return _create(session, membership, data.person_id, data.valid_from, data.valid_to)


def create_position(session: Session, data: PositionCreate) -> Holding:
    unit = referenced_unit(session, data.unit, "unit")
    position = Position(unit=unit, unit_id=unit.id, role=data.role)
    return _create(session, position, data.person_id, data.valid_from, data.valid_to)


def update_holding(
    session: Session, model: HoldingModel, holding_id: int, data: PeriodUpdate
) -> Holding:
    """Correct a recorded period (a registration error); ending a role is ``end_holding``."""
    holding = get_holding(session, model, holding_id)
    valid_from = data.valid_from or holding.valid_from
    valid_to = data.valid_to if "valid_to" in data.model_fields_set else holding.valid_to
    with session.no_autoflush:
        holding.valid_from, holding.valid_to = valid_from, valid_to
        _check_holding(session, holding, excluding_id=holding.id)
    session.flush()
    return holding


def end_holding(
    session: Session, model: HoldingModel, holding_id: int, valid_to: date | None
) -> Holding:
    holding = get_holding(session, model, holding_id)
    end_record(holding, valid_to)
    session.flush()
    return holding


def holders(
    session: Session,
    model: HoldingModel,
    place: str,
    role: MembershipRole | PositionRole | None,
    on: date,
) -> list[Holding]:
    """Who holds ``role`` (or any role) in an organ or unit on date ``on``, in order of rank."""
    place_id = _place_id(session, model, place)
    return repo.holders_on(session, model, place_id=place_id, role=role, on=on)
