"""Every query of matter types and delegation orders."""

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Date, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.db import read_rows
from app.delegation.models import DelegationOrder, MatterType, Subdelegation
from app.delegation.views import SubView
from app.delegation.vocabulary import OrderStatus

ORDER_LOADS = (joinedload(DelegationOrder.organ), selectinload(DelegationOrder.entries))


def matter_types(session: Session, organ_id: int) -> list[MatterType]:
    query = select(MatterType).where(MatterType.organ_id == organ_id).order_by(MatterType.code)
    return list(session.scalars(query))


_MATTER_TYPE = select(MatterType).where(
    MatterType.organ_id == bindparam("organ_id"), MatterType.code == bindparam("code")
)
"""Built once, as the other statements every step asks (``cases.repository._CASE``)."""


def matter_type(session: Session, organ_id: int, code: str) -> MatterType | None:
    params = {"organ_id": organ_id, "code": code}
    return session.scalars(_MATTER_TYPE, params).one_or_none()


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


class InForce(NamedTuple):
    """What an authority question needs of the order in force on a day: the row's id, version
    and creation time (its entries come from ``entries_cache``), and the entries passed on
    (KL 7:6) that day."""

    id: int
    version: int
    created_at: datetime
    passed_on: tuple[SubView, ...]


def _in_force_view_statement() -> Select[Any]:
    o, s, on = DelegationOrder, Subdelegation, bindparam("on", type_=Date)
    passed = and_(
        s.order_id == o.id, s.valid_from <= on, or_(s.valid_to.is_(None), s.valid_to >= on)
    )
    return (
        select(
            o.id, o.version, o.created_at, s.id, s.entry_code, s.delegate, s.granted_by_person_id
        )
        .outerjoin(s, passed)
        .where(
            o.organ_id == bindparam("organ_id"),
            o.status == OrderStatus.adopted,
            o.valid_from <= on,
            or_(o.valid_to.is_(None), o.valid_to >= on),
        )
        .order_by(s.id)
    )


_IN_FORCE_VIEW = _in_force_view_statement()
"""Built once: every step's authority asks it (``cases.repository._CASE``)."""


def in_force_view(session: Session, organ_id: int, on: date) -> InForce | None:
    """The adopted order that applied on ``on`` and its subdelegations of that day, in one
    round trip (the order row, joined to each subdelegation, if any)."""
    rows = read_rows(session, _IN_FORCE_VIEW, {"organ_id": organ_id, "on": on}).all()
    if not rows:
        return None
    order_id, version, created_at = rows[0][:3]
    subs = tuple(SubView(*row[3:]) for row in rows if row[3] is not None)
    return InForce(order_id, version, created_at, subs)


def latest_adopted(session: Session, organ_id: int) -> DelegationOrder | None:
    query = (
        select(DelegationOrder)
        .where(DelegationOrder.organ_id == organ_id, DelegationOrder.status == OrderStatus.adopted)
        .order_by(DelegationOrder.valid_from.desc())
        .limit(1)
    )
    return session.scalars(query).one_or_none()


def subdelegations(session: Session, order_id: int) -> list[Subdelegation]:
    query = (
        select(Subdelegation).where(Subdelegation.order_id == order_id).order_by(Subdelegation.id)
    )
    return list(session.scalars(query))


def subdelegation_by_id(session: Session, sub_id: int) -> Subdelegation | None:
    return session.get(Subdelegation, sub_id)
