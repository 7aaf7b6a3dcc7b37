"""Organs (the political chain) and units (the administration tree): create, change, end."""

from datetime import date

from sqlalchemy.orm import Session

from app.errors import Conflict, InvalidInput
from app.kit.clock import today
from app.kit.pagination import Slice, Window, cut
from app.organisation import errors
from app.organisation import repository as repo
from app.organisation.diary_format import check_format
from app.organisation.models import Membership, Organ, Position, Unit
from app.organisation.schemas import OrganCreate, OrganUpdate, UnitCreate, UnitUpdate
from app.organisation.service.common import end_record, unique
from app.organisation.vocabulary import OrganKind, label_sv

# The chain of governance (BRIEF §4): the kinds of organ an organ of each kind may sit under.
# Every step goes down the chain, so the chain can never loop.
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


def get_organ(session: Session, code: str) -> Organ:
    organ = repo.organ_by_code(session, code)
    if organ is None:
        raise errors.organ_not_found(code)
    return organ


def organ_id(session: Session, code: str) -> int:
    """The organ's id, 404 if there is none (as ``get_organ``)."""
    found = repo.organ_id_by_code(session, code)
    if found is None:
        raise errors.organ_not_found(code)
    return found


def referenced_organ(session: Session, code: str, field: str) -> Organ:
    """An organ named in a request body: if it does not exist the body is wrong (422)."""
    organ = repo.organ_by_code(session, code)
    if organ is None:
        raise errors.unknown_reference("organ", "Organet", code, field)
    return organ


def _check_organ_parent(organ: Organ, parent: Organ | None) -> None:
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
    parent = referenced_organ(session, data.parent, "parent") if data.parent else None
    organ = Organ(
        code=data.code,
        name=data.name,
        kind=data.kind,
        parent=parent,
        seats=data.seats,
        valid_from=data.valid_from or today(),
        diary_format=data.diary_format,
    )
    _check_organ_parent(organ, parent)
    if data.diary_format is not None:
        check_format(data.diary_format)
    with unique(session, errors.already_exists("organ", "Organet", data.code)):
        session.add(organ)
    return organ


def update_organ(session: Session, code: str, data: OrganUpdate) -> Organ:
    organ = get_organ(session, code)
    if "parent" in data.model_fields_set:
        parent = referenced_organ(session, data.parent, "parent") if data.parent else None
        _check_organ_parent(organ, parent)
        organ.parent = parent
    if data.name is not None:
        organ.name = data.name
    if data.seats is not None:
        organ.seats = data.seats
    if "diary_format" in data.model_fields_set:
        if data.diary_format is not None:
            check_format(data.diary_format)
        organ.diary_format = data.diary_format
    session.flush()
    return organ


def _close_place(session: Session, place: Organ | Unit, end: date) -> None:
    """An organ or unit that ends takes its open roles with it; sub-organs and sub-units must be
    ended first, and roles that would only begin after the end are a registration to correct."""
    model = type(place)
    children = repo.children_open_after(session, model, place.id, end)
    if children:
        raise Conflict(
            f"{place.code} has parts that go on after {end}: end them first.",
            f"{place.code} har delar som fortsätter efter {end}: avsluta dem först.",
            code="HAS_ACTIVE_CHILDREN",
            children=sorted(child.code for child in children),
        )
    holding_model = Membership if model is Organ else Position
    holdings = repo.holdings_open_after(session, holding_model, place.id, end)
    later = [holding.id for holding in holdings if holding.valid_from > end]
    if later:
        raise Conflict(
            f"Roles in {place.code} begin after {end}; correct or remove them first.",
            f"Roller i {place.code} börjar efter {end}; rätta dem först.",
            code="HAS_LATER_HOLDINGS",
            holding_ids=later,
        )
    for holding in holdings:
        holding.valid_to = end


def end_organ(session: Session, code: str, valid_to: date | None) -> Organ:
    organ = get_organ(session, code)
    _close_place(session, organ, end_record(organ, valid_to))
    session.flush()
    return organ


# Units


def unit_id(session: Session, code: str) -> int:
    """The unit's id, 404 if there is none (as ``get_unit``)."""
    found = repo.unit_id_by_code(session, code)
    if found is None:
        raise errors.unit_not_found(code)
    return found


def get_unit(session: Session, code: str) -> Unit:
    unit = repo.unit_by_code(session, code)
    if unit is None:
        raise errors.unit_not_found(code)
    return unit


def referenced_unit(session: Session, code: str, field: str) -> Unit:
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
    if parent is not None and (
        parent.id == unit.id or unit.id in repo.unit_ancestor_ids(session, parent.id)
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
    parent = referenced_unit(session, data.parent, "parent") if data.parent else None
    unit = Unit(
        code=data.code,
        name=data.name,
        parent=parent,
        organs=_served_organs(session, data.serves),
        valid_from=data.valid_from or today(),
    )
    with unique(session, errors.already_exists("unit", "Enheten", data.code)):
        session.add(unit)
    return unit


def update_unit(session: Session, code: str, data: UnitUpdate) -> Unit:
    unit = get_unit(session, code)
    if "parent" in data.model_fields_set:
        parent = referenced_unit(session, data.parent, "parent") if data.parent else None
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
    _close_place(session, unit, end_record(unit, valid_to))
    session.flush()
    return unit
