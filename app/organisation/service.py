"""Every rule and write of the organisation. Services flush, never commit: the caller's unit of work
(the request, or a CLI ``session_scope``) decides."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import partial

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import Conflict, InvalidInput, StyrkedjaError
from app.kit.clock import today
from app.kit.pagination import Slice, Window, cut
from app.organisation import errors
from app.organisation import repository as repo
from app.organisation.models import Membership, Organ, Person, Position, Unit
from app.organisation.repository import Holding, HoldingModel
from app.organisation.schemas import (
    MembershipCreate,
    OrganCreate,
    OrganUpdate,
    PeriodUpdate,
    PersonCreate,
    PersonUpdate,
    PositionCreate,
    UnitCreate,
    UnitUpdate,
)
from app.organisation.vocabulary import (
    MEMBERSHIP_ROLE_HOLDER,
    POSITION_HOLDER,
    SINGLE_HOLDER_ROLES,
    MembershipRole,
    OrganKind,
    PersonKind,
    PositionRole,
    label_sv,
)

# The chain of governance (BRIEF §4): which kinds of organ an organ of each kind may sit under.
# The council tops the chain; sub-committees and presidia always belong to an organ.
ALLOWED_PARENTS: dict[OrganKind, frozenset[OrganKind]] = {
    OrganKind.council: frozenset(),
    OrganKind.executive_board: frozenset({OrganKind.council}),
    OrganKind.committee: frozenset({OrganKind.council}),
    OrganKind.sub_committee: frozenset({OrganKind.executive_board, OrganKind.committee}),
    OrganKind.presidium: frozenset(
        {OrganKind.council, OrganKind.executive_board, OrganKind.committee}
    ),
}
PARENT_REQUIRED = {OrganKind.sub_committee, OrganKind.presidium}


@contextmanager
def _unique(session: Session, conflict: StyrkedjaError) -> Iterator[None]:
    """Make the changes in the block inside a savepoint: a unique violation, also one lost to a
    concurrent insert, becomes ``conflict`` and leaves the request's transaction usable."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as exc:
        raise conflict from exc


def _check_period(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise errors.invalid_period(valid_from, valid_to)


def _end(record: Organ | Unit | Holding, valid_to: date | None) -> None:
    if record.valid_to is not None:
        raise errors.already_ended(record.valid_to)
    end = valid_to or today()
    _check_period(record.valid_from, end)
    record.valid_to = end


# Organs


def get_organ(session: Session, code: str) -> Organ:
    organ = repo.organ_by_code(session, code)
    if organ is None:
        raise errors.organ_not_found(code)
    return organ


def _referenced_organ(session: Session, code: str, field: str) -> Organ:
    organ = repo.organ_by_code(session, code)
    if organ is None:
        raise errors.unknown_reference("organ", "Organet", code, field)
    return organ


def _check_organ_parent(session: Session, organ: Organ, parent: Organ | None) -> None:
    if parent is not None and parent.kind not in ALLOWED_PARENTS[organ.kind]:
        raise InvalidInput(
            f"A {organ.kind.value} cannot sit under a {parent.kind.value}.",
            f"Ett {label_sv(organ.kind)} kan inte ligga under {label_sv(parent.kind)}.",
            code="INVALID_PARENT",
            field="parent",
        )
    if organ.kind in PARENT_REQUIRED and parent is None:
        raise InvalidInput(
            f"A {organ.kind.value} belongs to an organ: give its parent.",
            f"Ett {label_sv(organ.kind)} hör till ett organ: ange det överordnade organet.",
            code="INVALID_PARENT",
            field="parent",
        )
    if (
        parent is not None
        and organ.id is not None
        and (parent.id == organ.id or organ.id in repo.organ_ancestor_ids(session, parent.id))
    ):
        raise InvalidInput(
            f"{parent.code} lies under {organ.code}; the chain cannot loop.",
            f"{parent.code} ligger under {organ.code}; styrkedjan kan inte gå i cirkel.",
            code="PARENT_CYCLE",
            field="parent",
        )


def list_organs(
    session: Session,
    window: Window,
    *,
    kind: OrganKind | None = None,
    parent: str | None = None,
    on: date | None = None,
) -> Slice[Organ]:
    parent_id = get_organ(session, parent).id if parent is not None else None
    return cut(repo.list_organs(session, window, kind=kind, parent_id=parent_id, on=on), window)


def create_organ(session: Session, data: OrganCreate) -> Organ:
    parent = _referenced_organ(session, data.parent, "parent") if data.parent else None
    organ = Organ(
        code=data.code,
        name=data.name,
        kind=data.kind,
        parent=parent,
        seats=data.seats,
        valid_from=data.valid_from or today(),
    )
    _check_organ_parent(session, organ, parent)
    with _unique(session, errors.already_exists("organ", "Organet", data.code)):
        session.add(organ)
    return organ


def update_organ(session: Session, code: str, data: OrganUpdate) -> Organ:
    organ = get_organ(session, code)
    given = data.model_fields_set
    if "parent" in given:
        parent = _referenced_organ(session, data.parent, "parent") if data.parent else None
        _check_organ_parent(session, organ, parent)
        organ.parent = parent
    if data.name is not None:
        organ.name = data.name
    if data.seats is not None:
        organ.seats = data.seats
    session.flush()
    return organ


def end_organ(session: Session, code: str, valid_to: date | None) -> Organ:
    organ = get_organ(session, code)
    _end(organ, valid_to)
    session.flush()
    return organ


# Units


def get_unit(session: Session, code: str) -> Unit:
    unit = repo.unit_by_code(session, code)
    if unit is None:
        raise errors.unit_not_found(code)
    return unit


def _referenced_unit(session: Session, code: str, field: str) -> Unit:
    unit = repo.unit_by_code(session, code)
    if unit is None:
        raise errors.unknown_reference("unit", "Enheten", code, field)
    return unit


def _served_organs(session: Session, codes: list[str]) -> list[Organ]:
    organs = repo.organs_by_codes(session, codes)
    missing = sorted(set(codes) - {organ.code for organ in organs})
    if missing:
        raise errors.unknown_reference("organ", "Organet", ", ".join(missing), "serves")
    return sorted(organs, key=lambda organ: organ.code)


def _check_unit_parent(session: Session, unit: Unit, parent: Unit | None) -> None:
    if (
        parent is not None
        and unit.id is not None
        and (parent.id == unit.id or unit.id in repo.unit_ancestor_ids(session, parent.id))
    ):
        raise InvalidInput(
            f"{parent.code} lies under {unit.code}; the tree cannot loop.",
            f"{parent.code} ligger under {unit.code}; förvaltningsträdet kan inte gå i cirkel.",
            code="PARENT_CYCLE",
            field="parent",
        )


def list_units(
    session: Session,
    window: Window,
    *,
    parent: str | None = None,
    serves: str | None = None,
    on: date | None = None,
) -> Slice[Unit]:
    parent_id = get_unit(session, parent).id if parent is not None else None
    organ_id = get_organ(session, serves).id if serves is not None else None
    rows = repo.list_units(session, window, parent_id=parent_id, serves_organ_id=organ_id, on=on)
    return cut(rows, window)


def create_unit(session: Session, data: UnitCreate) -> Unit:
    parent = _referenced_unit(session, data.parent, "parent") if data.parent else None
    unit = Unit(
        code=data.code,
        name=data.name,
        parent=parent,
        organs=_served_organs(session, data.serves),
        valid_from=data.valid_from or today(),
    )
    with _unique(session, errors.already_exists("unit", "Enheten", data.code)):
        session.add(unit)
    return unit


def update_unit(session: Session, code: str, data: UnitUpdate) -> Unit:
    unit = get_unit(session, code)
    if "parent" in data.model_fields_set:
        parent = _referenced_unit(session, data.parent, "parent") if data.parent else None
        _check_unit_parent(session, unit, parent)
        unit.parent = parent
    if data.name is not None:
        unit.name = data.name
    if data.serves is not None:
        unit.organs = _served_organs(session, data.serves)
    session.flush()
    return unit


def end_unit(session: Session, code: str, valid_to: date | None) -> Unit:
    unit = get_unit(session, code)
    _end(unit, valid_to)
    session.flush()
    return unit


# People


def get_person(session: Session, person_id: int) -> Person:
    person = repo.person_by_id(session, person_id)
    if person is None:
        raise errors.person_not_found(person_id)
    return person


def list_people(
    session: Session,
    window: Window,
    *,
    kind: PersonKind | None = None,
    username: str | None = None,
    name_contains: str | None = None,
) -> Slice[Person]:
    rows = repo.list_people(
        session, window, kind=kind, username=username, name_contains=name_contains
    )
    return cut(rows, window)


def create_person(session: Session, data: PersonCreate) -> Person:
    person = Person(username=data.username, name=data.name, kind=data.kind, email=data.email)
    with _unique(session, errors.already_exists("username", "Användarnamnet", data.username)):
        session.add(person)
    return person


def update_person(session: Session, person_id: int, data: PersonUpdate) -> Person:
    person = get_person(session, person_id)
    username = data.username or person.username
    with _unique(session, errors.already_exists("username", "Användarnamnet", username)):
        person.username = username
        if data.name is not None:
            person.name = data.name
        if "email" in data.model_fields_set:
            person.email = data.email
    return person


# Memberships and positions


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


def _check_holding(session: Session, holding: Holding, excluding_id: int | None = None) -> None:
    """The period is ordered and inside the organ's or unit's own; a person holds one seat in an
    organ at a time (chair, vice chair, member and substitute exclude each other) and one post of
    a kind in a unit; single-holder roles (chair, head of administration) have one holder at a
    time."""
    _check_period(holding.valid_from, holding.valid_to)
    model: HoldingModel = type(holding)
    is_membership = isinstance(holding, Membership)
    place = holding.organ if is_membership else holding.unit  # type: ignore[union-attr]
    _check_within(holding, place)
    place_id = place.id
    overlapping = partial(
        repo.overlapping_holdings,
        session,
        model,
        place_id=place_id,
        start=holding.valid_from,
        end=holding.valid_to,
        excluding_id=excluding_id,
    )
    own = overlapping(person_id=holding.person_id, role=None if is_membership else holding.role)
    if own:
        raise Conflict(
            f"The person already holds the role {own[0].role.value} there for part of the period.",
            f"Personen är redan {label_sv(own[0].role)} där under en del av perioden.",
            code="OVERLAPPING_PERIOD",
            conflicting_id=own[0].id,
        )
    if holding.role in SINGLE_HOLDER_ROLES:
        others = overlapping(role=holding.role)
        if others:
            raise Conflict(
                f"Someone else holds the role {holding.role.value} there for part of the "
                "period; end that first.",
                f"Någon annan är {label_sv(holding.role)} där under en del av perioden; "
                "avsluta det uppdraget först.",
                code="ROLE_ALREADY_HELD",
                holder_ids=sorted(other.person_id for other in others),
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


def _referenced_person(session: Session, person_id: int) -> Person:
    person = repo.person_by_id(session, person_id)
    if person is None:
        raise errors.unknown_reference("person", "Personen", str(person_id), "person_id")
    return person


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
    place_id = None
    if place is not None:
        place_id = (
            get_organ(session, place).id if model is Membership else get_unit(session, place).id
        )
    rows = repo.list_holdings(
        session, model, window, person_id=person_id, place_id=place_id, role=role, on=on
    )
    return cut(rows, window)


def create_membership(session: Session, data: MembershipCreate) -> Membership:
    person = _referenced_person(session, data.person_id)
    organ = _referenced_organ(session, data.organ, "organ")
    _check_holder_kind(person, data.role)
    membership = Membership(
        person=person,
        person_id=person.id,
        organ=organ,
        organ_id=organ.id,
        role=data.role,
        valid_from=data.valid_from or today(),
        valid_to=data.valid_to,
    )
    _check_holding(session, membership)
    session.add(membership)
    session.flush()
    return membership


def create_position(session: Session, data: PositionCreate) -> Position:
    person = _referenced_person(session, data.person_id)
    unit = _referenced_unit(session, data.unit, "unit")
    _check_holder_kind(person, data.role)
    position = Position(
        person=person,
        person_id=person.id,
        unit=unit,
        unit_id=unit.id,
        role=data.role,
        valid_from=data.valid_from or today(),
        valid_to=data.valid_to,
    )
    _check_holding(session, position)
    session.add(position)
    session.flush()
    return position


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
    _end(holding, valid_to)
    session.flush()
    return holding


def holders(
    session: Session,
    model: HoldingModel,
    place: str,
    role: MembershipRole | PositionRole | None,
    on: date,
) -> list[Holding]:
    """Who holds ``role`` (or any role) in an organ or unit on date ``on``."""
    place_id = get_organ(session, place).id if model is Membership else get_unit(session, place).id
    return repo.holders_on(session, model, place_id=place_id, role=role, on=on)
