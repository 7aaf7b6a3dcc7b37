"""Subdelegation (vidaredelegation, KL 7:6): where the order allows it, the head of
administration an entry names passes its power on to one employee, one hop only. The employee
then decides under the entry, within its limits, and the event and the report list say so.

A subdelegation belongs to the order version it was made under; a newer order ends it (the
head decides anew under the new order), and the head may end it earlier."""

from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.delegation import repository as repo
from app.delegation.models import DelegationEntry, DelegationOrder, Subdelegation
from app.delegation.schemas import SubdelegationCreate, SubdelegationEnd
from app.delegation.service import get_order
from app.delegation.vocabulary import SINGLE_HOLDER_POSITIONS, DelegateKind, OrderStatus
from app.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.kit.clock import today
from app.organisation import repository as org_repo
from app.organisation.service.structure import referenced_unit
from app.organisation.vocabulary import PersonKind, PositionRole

HEAD = PositionRole.head_of_administration


def _not_authorized(entry: str) -> Forbidden:
    return Forbidden(
        f"Only the head of administration named by point {entry}, where the order allows it, "
        "may pass it on; and only once.",
        f"Endast den förvaltningschef som punkt {entry} anger får vidaredelegera, och bara där "
        "ordningen medger det; och bara ett led.",
        code="SUBDELEGATION_NOT_AUTHORIZED",
        legal_reference="KL 7:6",
    )


def _entry(order: DelegationOrder, code: str) -> DelegationEntry:
    entry = next((e for e in order.entries if e.code == code), None)
    if entry is None:
        raise NotFound(
            f"The order has no entry {code}.",
            f"Ordningen har ingen punkt {code}.",
            code="ENTRY_NOT_FOUND",
        )
    return entry


def _in_force(order: DelegationOrder, on: date) -> None:
    ended = order.valid_to is not None and order.valid_to < on
    if order.status != OrderStatus.adopted or ended:
        raise Conflict(
            "Only an adopted order in force can be passed on.",
            "Endast en antagen ordning i kraft kan vidaredelegeras.",
            code="DELEGATION_NOT_IN_FORCE",
        )


def _head_unit(session: Session, principal: Principal, entry: DelegationEntry) -> int:
    """The head's unit, if the caller is the head of administration the entry names."""
    delegate = entry.delegate
    named_head = delegate.get("kind") == DelegateKind.position and delegate.get("role") == HEAD
    unit = org_repo.unit_by_code(session, delegate.get("unit", "")) if named_head else None
    holds = unit is not None and any(
        p.unit_code == unit.code and p.role == HEAD for p in principal.positions
    )
    if principal.via_api_key or not entry.subdelegation_allowed or not holds or unit is None:
        raise _not_authorized(entry.code)
    return unit.id


def _check_recipient(session: Session, data: SubdelegationCreate, head_unit: int) -> None:
    """One employee of the head's own administration: a single-holder post in a unit at or
    below the head's, or one named employee."""
    delegate = data.delegate
    if delegate.kind == DelegateKind.position:
        if delegate.role not in SINGLE_HOLDER_POSITIONS:
            raise InvalidInput(
                f"'{delegate.role}' is held by several people; a subdelegate is one employee.",
                f"'{delegate.role}' innehas av flera; den som vidaredelegeras till är en anställd.",
                code="INVALID_DELEGATE_GROUP",
                field="delegate",
                legal_reference="KL 7:6",
            )
        assert delegate.unit is not None
        unit = referenced_unit(session, delegate.unit, "delegate.unit")
        if head_unit not in (unit.id, *org_repo.unit_ancestor_ids(session, unit.id)):
            raise InvalidInput(
                f"{unit.code} is outside the head's administration.",
                f"{unit.code} ligger utanför förvaltningschefens förvaltning.",
                code="OUTSIDE_ADMINISTRATION",
                field="delegate.unit",
            )
        if delegate.role == HEAD and unit.id == head_unit:
            raise InvalidInput(
                "The head cannot pass the entry on to themself.",
                "Förvaltningschefen kan inte vidaredelegera till sig själv.",
                code="SUBDELEGATE_IS_DELEGATE",
                field="delegate",
            )
        return
    person = (
        org_repo.person_by_id(session, delegate.person_id)
        if delegate.kind == DelegateKind.person and delegate.person_id
        else None
    )
    if person is None or person.kind != PersonKind.employee:
        raise InvalidInput(
            "A head of administration passes a delegation on to an employee only.",
            "En förvaltningschef vidaredelegerar bara till en anställd.",
            code="SUBDELEGATE_NOT_EMPLOYEE",
            field="delegate",
            legal_reference="KL 7:6",
        )


def subdelegate(
    session: Session,
    principal: Principal,
    order_id: int,
    entry_code: str,
    data: SubdelegationCreate,
) -> Subdelegation:
    order = get_order(session, order_id)
    entry = _entry(order, entry_code)
    starts = data.valid_from or today()
    if starts < today():
        raise InvalidInput(
            "A subdelegation applies from today or later, never backwards.",
            "En vidaredelegering gäller från i dag eller senare, aldrig bakåt.",
            code="VALID_FROM_IN_PAST",
            field="valid_from",
        )
    _in_force(order, starts)
    head_unit = _head_unit(session, principal, entry)
    _check_recipient(session, data, head_unit)
    assert principal.person_id is not None
    row = Subdelegation(
        order_id=order.id,
        entry_code=entry.code,
        delegate=data.delegate.stored(),
        granted_by_person_id=principal.person_id,
        valid_from=starts,
        note=data.note,
    )
    session.add(row)
    session.flush()
    return row


def listed(session: Session, order_id: int) -> list[Subdelegation]:
    return repo.subdelegations(session, get_order(session, order_id).id)


def end(
    session: Session, principal: Principal, sub_id: int, data: SubdelegationEnd
) -> Subdelegation:
    """The head who holds the post (or an administrator) ends a subdelegation; history stays."""
    row = repo.subdelegation_by_id(session, sub_id)
    if row is None:
        raise NotFound(
            f"No subdelegation with id {sub_id}.",
            f"Det finns ingen vidaredelegering med id {sub_id}.",
            code="SUBDELEGATION_NOT_FOUND",
        )
    order = get_order(session, row.order_id)
    if not principal.is_admin:
        _head_unit(session, principal, _entry(order, row.entry_code))
    last = data.valid_to or today() - timedelta(days=1)  # left out: it ends at once
    if data.valid_to is not None and data.valid_to < today():
        raise InvalidInput(
            "A subdelegation ends today or later, never backwards.",
            "En vidaredelegering upphör i dag eller senare, aldrig bakåt.",
            code="VALID_TO_IN_PAST",
            field="valid_to",
        )
    if row.valid_to is not None and row.valid_to < today():
        raise Conflict(
            "The subdelegation has already ended.",
            "Vidaredelegeringen har redan upphört.",
            code="ALREADY_ENDED",
        )
    row.valid_to = last if row.valid_to is None else min(row.valid_to, last)
    session.flush()
    return row
