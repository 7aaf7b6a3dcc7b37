"""Writes Exempelkommun's matter types and the delegation orders of BUN and SN (the tables in
``orders``) through the delegation service, and adopts them for the term of office: adoption
checks every point against the law, so a demo that loads is a lawful order."""

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from app.delegation import service
from app.delegation.schemas import Adoption, Delegate, EntryWrite, MatterTypeCreate, OrderCreate
from app.delegation.vocabulary import DelegateKind
from app.demo import municipality as plan
from app.demo.orders import ORDERS, OrderPlan, Point, Who
from app.organisation.vocabulary import MembershipRole, OrganKind, PositionRole


def _delegate(who: Who, order: OrderPlan, unit: str | None, vice_chair: int) -> Delegate:
    if who == "head":
        return Delegate(
            kind=DelegateKind.position,
            role=PositionRole.head_of_administration,
            unit=order.administration,
        )
    if who == "manager":
        return Delegate(kind=DelegateKind.position, role=PositionRole.unit_manager, unit=unit)
    if who == "chair":
        return Delegate(kind=DelegateKind.membership, role=MembershipRole.chair)
    if who == "first_vice_chair":
        return Delegate(kind=DelegateKind.person, person_id=vice_chair)
    presidium = next(
        o.code for o in plan.ORGANS if o.parent == order.organ and o.kind == OrganKind.presidium
    )
    return Delegate(kind=DelegateKind.presidium, organ=presidium)


def _units(point: Point, order: OrderPlan) -> list[plan.UnitSpec | None]:
    """The units a point is written out for: a manager's point without a unit of its own is
    repeated for each unit of the administration; any other point is written once."""
    if point.delegate != "manager":
        return [None]
    if point.unit:
        return [u for u in plan.UNITS if u.code == point.unit]
    return [u for u in plan.UNITS if u.parent == order.administration]


def _entry(
    point: Point, order: OrderPlan, unit: plan.UnitSpec | None, vice_chair: int
) -> EntryWrite:
    code = unit.code if unit else None
    return EntryWrite(
        title=point.title.format(unit=unit.name if unit else ""),
        matter_types=list(point.matters),
        actions=list(point.actions),
        delegate=_delegate(point.delegate, order, code, vice_chair),
        substitute=(
            _delegate(point.substitute, order, code, vice_chair) if point.substitute else None
        ),
        amount_limit_sek=point.amount,
        conditions=point.conditions,
        legal_reference=point.law,
        report_to_organ=point.reported,
        subdelegation_allowed=point.subdelegation,
        urgent=point.urgent,
    )


def entries(order: OrderPlan, vice_chair: int) -> list[tuple[str, EntryWrite]]:
    """The order's points, numbered by section: "2.3" is the third point of section 2."""
    written: list[tuple[str, EntryWrite]] = []
    for number, section in enumerate(order.sections, start=1):
        rows = [(point, unit) for point in section for unit in _units(point, order)]
        written += [
            (f"{number}.{n}", _entry(point, order, unit, vice_chair))
            for n, (point, unit) in enumerate(rows, start=1)
        ]
    return written


def load_delegation(session: Session, valid_from: date, vice_chairs: Mapping[str, int]) -> None:
    """Each committee's matter types, then its order, adopted from ``valid_from``.
    ``vice_chairs`` is the person id of each organ's first vice chair, named as the chair's
    substitute."""
    for order in ORDERS:
        for matter in order.matters:
            service.create_matter_type(
                session,
                order.organ,
                MatterTypeCreate(
                    code=matter.code,
                    name=matter.name,
                    non_delegable=matter.non_delegable,
                    council_reserved=matter.council_reserved,
                    procurement=matter.procurement,
                    appeal_route=matter.appeal_route,
                ),
            )
        draft = service.create_order(
            session, order.organ, OrderCreate(title=f"{order.organ}:s delegationsordning")
        )
        for code, entry in entries(order, vice_chairs[order.organ]):
            service.put_entry(session, draft.id, code, entry)
        service.adopt(
            session,
            draft.id,
            Adoption(
                decided_on=valid_from.replace(day=1) if valid_from.day > 1 else valid_from,
                paragraph="§ 5",
                diary_number=f"{order.organ} {valid_from.year}/1",
                valid_from=valid_from,
            ),
        )
