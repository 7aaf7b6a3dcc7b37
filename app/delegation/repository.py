"""Every query of matter types and delegation orders."""

from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.delegation.models import DelegationOrder, MatterType, Subdelegation
from app.delegation.views import SubView
from app.delegation.vocabulary import OrderStatus

ORDER_LOADS = (joinedload(DelegationOrder.organ), selectinload(DelegationOrder.entries))


def matter_types(session: Session, organ_id: int) -> list[MatterType]:
    query = select(MatterType).where(MatterType.organ_id == organ_id).order_by(MatterType.code)
    return list(session.scalars(query))


def matter_type(session: Session, organ_id: int, code: str) -> MatterType | None:
    query = select(MatterType).where(MatterType.organ_id == organ_id, MatterType.code == code)
    return session.scalars(query).one_or_none()


def order_by_id(
    session: Session, order_id: int, *, for_update: bool = False
) -> DelegationOrder | None:
    query = select(DelegationOrder).options(*ORDER_LOADS).where(DelegationOrder.id == order_id)
    if for_update:
        query = query.with_for_update(of=DelegationOrder)
    return session.scalars(query).one_or_none()


def orders(session: Session, organ_id: int) -> list[DelegationOrder]:
    query = (
        select(DelegationOrder)
        .options(*ORDER_LOADS)
        .where(DelegationOrder.organ_id == organ_id)
        .order_by(DelegationOrder.version)
    )
    return list(session.scalars(query))


def next_version(session: Session, organ_id: int) -> int:
    query = select(func.max(DelegationOrder.version)).where(DelegationOrder.organ_id == organ_id)
    return int(session.scalar(query) or 0) + 1


def in_force(session: Session, organ_id: int, on: date) -> DelegationOrder | None:
    """The adopted order that applied on ``on``, if any."""
    query = (
        select(DelegationOrder)
        .options(*ORDER_LOADS)
        .where(
            DelegationOrder.organ_id == organ_id,
            DelegationOrder.status == OrderStatus.adopted,
            DelegationOrder.valid_from <= on,
            or_(DelegationOrder.valid_to.is_(None), DelegationOrder.valid_to >= on),
        )
    )
    return session.scalars(query).one_or_none()


def in_force_stamp(session: Session, organ_id: int, on: date) -> tuple[int, int, datetime] | None:
    """The id, version and creation time of the adopted order that applied on ``on``: what an
    authority question needs of the order row, without loading it (its entries come from
    ``entries_cache``)."""
    o = DelegationOrder
    query = select(o.id, o.version, o.created_at).where(
        o.organ_id == organ_id,
        o.status == OrderStatus.adopted,
        o.valid_from <= on,
        or_(o.valid_to.is_(None), o.valid_to >= on),
    )
    row = session.execute(query).one_or_none()
    return None if row is None else (row.id, row.version, row.created_at)


def latest_adopted(session: Session, organ_id: int) -> DelegationOrder | None:
    query = (
        select(DelegationOrder)
        .where(DelegationOrder.organ_id == organ_id, DelegationOrder.status == OrderStatus.adopted)
        .order_by(DelegationOrder.valid_from.desc())
        .limit(1)
    )
    return session.scalars(query).one_or_none()


def passed_on(session: Session, order_id: int, on: date) -> list[SubView]:
    """The order's entries passed on (KL 7:6) and in force on ``on``, as the resolver sees
    them."""
    s = Subdelegation
    query = (
        select(s.id, s.entry_code, s.delegate, s.granted_by_person_id)
        .where(
            s.order_id == order_id,
            s.valid_from <= on,
            or_(s.valid_to.is_(None), s.valid_to >= on),
        )
        .order_by(s.id)
    )
    return [SubView(*row) for row in session.execute(query)]


def subdelegations(session: Session, order_id: int) -> list[Subdelegation]:
    query = (
        select(Subdelegation).where(Subdelegation.order_id == order_id).order_by(Subdelegation.id)
    )
    return list(session.scalars(query))


def subdelegation_by_id(session: Session, sub_id: int) -> Subdelegation | None:
    return session.get(Subdelegation, sub_id)
