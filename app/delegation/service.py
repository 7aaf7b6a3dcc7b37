"""Matter types and delegation orders: drafted, adopted by the organ's decision, never changed
after. Adoption checks every entry against the law (``rules``) and against the organisation."""

from datetime import date, timedelta

from sqlalchemy.orm import Session

from app.cases.service.definitions import current, engine_of
from app.delegation import repository as repo
from app.delegation.models import DelegationEntry, DelegationOrder, MatterType
from app.delegation.rules import EntryFacts, problems_of
from app.delegation.schemas import (
    Adoption,
    EntryWrite,
    MatterTypeCreate,
    MatterTypeUpdate,
    OrderCreate,
)
from app.delegation.vocabulary import DelegateKind, OrderStatus
from app.errors import Conflict, InvalidInput, NotFound
from app.kit.clock import today
from app.organisation import repository as org_repo
from app.organisation.models import Membership, Organ
from app.organisation.service.common import unique
from app.organisation.service.structure import get_organ
from app.organisation.vocabulary import ELECTED_SEATS, MembershipRole, OrganKind, PersonKind

WORKFLOW = "measure"


# Matter types


def list_matter_types(session: Session, organ: str) -> list[MatterType]:
    return repo.matter_types(session, get_organ(session, organ).id)


def create_matter_type(session: Session, organ: str, data: MatterTypeCreate) -> MatterType:
    organ_row = get_organ(session, organ)
    matter = MatterType(
        organ_id=organ_row.id,
        **data.model_dump(mode="json"),
    )
    conflict = Conflict(
        f"{organ_row.code} already has a matter type '{data.code}'.",
        f"{organ_row.code} har redan ärendetypen '{data.code}'.",
        code="ALREADY_EXISTS",
    )
    with unique(session, conflict):
        session.add(matter)
    return matter


def update_matter_type(
    session: Session, organ: str, code: str, data: MatterTypeUpdate
) -> MatterType:
    matter = repo.matter_type(session, get_organ(session, organ).id, code)
    if matter is None:
        raise NotFound(
            f"{organ} has no matter type '{code}'.",
            f"{organ} har ingen ärendetyp '{code}'.",
            code="MATTER_TYPE_NOT_FOUND",
        )
    for name, value in data.model_dump(mode="json", exclude_unset=True).items():
        setattr(matter, name, value)
    session.flush()
    return matter


# Orders


def get_order(session: Session, order_id: int, *, for_update: bool = False) -> DelegationOrder:
    order = repo.order_by_id(session, order_id, for_update=for_update)
    if order is None:
        raise NotFound(
            f"No delegation order with id {order_id}.",
            f"Det finns ingen delegationsordning med id {order_id}.",
            code="DELEGATION_ORDER_NOT_FOUND",
        )
    return order


def list_orders(session: Session, organ: str) -> list[DelegationOrder]:
    return repo.orders(session, get_organ(session, organ).id)


def in_force(session: Session, organ: str, on: date) -> DelegationOrder:
    order = repo.in_force(session, get_organ(session, organ).id, on)
    if order is None:
        raise NotFound(
            f"{organ} had no delegation order in force on {on}.",
            f"{organ} hade ingen delegationsordning i kraft {on}.",
            code="DELEGATION_NOT_IN_FORCE",
        )
    return order


def create_order(session: Session, organ: str, data: OrderCreate) -> DelegationOrder:
    organ_row = get_organ(session, organ)
    order = DelegationOrder(
        organ=organ_row,
        organ_id=organ_row.id,
        version=repo.next_version(session, organ_row.id),
        title=data.title,
        status=OrderStatus.draft.value,
        entries=[],
    )
    conflict = Conflict(
        "Another draft was started at the same moment; try again.",
        "Ett annat utkast påbörjades i samma ögonblick; försök igen.",
        code="VERSION_CONFLICT",
    )
    with unique(session, conflict):
        session.add(order)
    return order


def _draft(session: Session, order_id: int) -> DelegationOrder:
    order = get_order(session, order_id, for_update=True)
    if order.status != OrderStatus.draft:
        raise Conflict(
            "An adopted delegation order is not changed; draft a new version.",
            "En antagen delegationsordning ändras inte; gör ett nytt utkast.",
            code="ORDER_NOT_DRAFT",
        )
    return order


def put_entry(session: Session, order_id: int, code: str, data: EntryWrite) -> DelegationOrder:
    order = _draft(session, order_id)
    values = data.model_dump(mode="json", exclude={"delegate", "substitute"}) | {
        "delegate": data.delegate.stored(),
        "substitute": data.substitute.stored() if data.substitute else None,
    }
    entry = next((e for e in order.entries if e.code == code), None)
    if entry is None:
        order.entries.append(DelegationEntry(code=code, **values))
    else:
        for name, value in values.items():
            setattr(entry, name, value)
    session.flush()
    return order


def delete_entry(session: Session, order_id: int, code: str) -> DelegationOrder:
    order = _draft(session, order_id)
    entry = next((e for e in order.entries if e.code == code), None)
    if entry is None:
        raise NotFound(
            f"The order has no entry {code}.",
            f"Ordningen har ingen punkt {code}.",
            code="ENTRY_NOT_FOUND",
        )
    order.entries.remove(entry)
    session.flush()
    return order


def _may_be_named(session: Session, organ: Organ, person_id: int, *, urgent: bool) -> bool:
    """KL 6:37, 7:5: one employee, or one member or substitute of the organ itself; for urgent
    matters (KL 6:39) a member only."""
    person = org_repo.person_by_id(session, person_id)
    if person is None:
        return False
    if person.kind == PersonKind.employee:
        return not urgent
    seats = org_repo.holders_on(session, Membership, place_id=organ.id, role=None, on=today())
    allowed = ELECTED_SEATS if urgent else ELECTED_SEATS | {MembershipRole.substitute}
    return any(h.person_id == person_id and h.role in allowed for h in seats)


def _reference_problems(session: Session, organ: Organ, entry: DelegationEntry) -> list[str]:
    """Delegates must exist and belong to the organ: its own sub-committee or presidium, a unit
    of the administration, one registered person."""
    missing = []
    for delegate in filter(None, (entry.delegate, entry.substitute)):
        kind = delegate["kind"]
        if (
            kind == DelegateKind.position
            and org_repo.unit_by_code(session, delegate["unit"]) is None
        ):
            missing.append(f"unit {delegate['unit']}")
        if kind in (DelegateKind.presidium, DelegateKind.sub_committee):
            body = org_repo.organ_by_code(session, delegate["organ"])
            if body is None or body.parent_id != organ.id or body.kind != OrganKind(kind):
                missing.append(f"{kind} {delegate['organ']} of {organ.code}")
        if kind == DelegateKind.person and not _may_be_named(
            session, organ, delegate["person_id"], urgent=entry.urgent
        ):
            who = "member" if entry.urgent else "employee, or member or substitute"
            missing.append(f"{who} of {organ.code} with id {delegate['person_id']}")
    return missing


def adopt(session: Session, order_id: int, data: Adoption) -> DelegationOrder:
    """Record the organ's decision; the order applies from ``valid_from`` and the one it
    replaces ends the day before."""
    order = _draft(session, order_id)
    matters = {m.code: m.facts() for m in repo.matter_types(session, order.organ_id)}
    actions = frozenset(t.name for t in engine_of(current(session, WORKFLOW)).definition.triggers)
    facts = [
        EntryFacts(
            e.code,
            tuple(e.matter_types),
            tuple(e.actions),
            e.delegate,
            e.substitute,
            e.amount_limit_sek,
            e.subdelegation_allowed,
            e.urgent,
        )
        for e in order.entries
    ]
    posted = {e.delegate["unit"] for e in order.entries if e.delegate.get("kind") == "position"}
    above = {
        unit.code: frozenset(org_repo.unit_chain(session, unit.id)[1:])
        for code in sorted(posted)
        if (unit := org_repo.unit_by_code(session, code)) is not None
    }
    problems = [
        {"entry": p.entry, "code": p.code, "message": p.message_en, "message_sv": p.message_sv}
        for p in problems_of(facts, matters, actions, above)
    ] + [
        {
            "entry": e.code,
            "code": "UNKNOWN_REFERENCE",
            "message": f"{e.code}: no {what}",
            "message_sv": f"{e.code}: {what} finns inte",
        }
        for e in order.entries
        for what in _reference_problems(session, order.organ, e)
    ]
    if problems:
        raise InvalidInput(
            f"The order cannot be adopted: {problems[0]['message']}",
            f"Ordningen kan inte antas: {problems[0]['message_sv']}",
            code=problems[0]["code"],
            problems=problems,
        )
    if data.valid_from < data.decided_on:
        raise InvalidInput(
            "An order cannot apply before it was adopted.",
            "En ordning kan inte gälla innan den antogs.",
            code="VALID_FROM_TOO_EARLY",
            field="valid_from",
        )
    org_repo.lock_place(session, Organ, order.organ_id)  # one adoption per organ at a time
    previous = repo.latest_adopted(session, order.organ_id)
    if previous is not None:
        assert previous.valid_from is not None
        if data.valid_from <= previous.valid_from or data.valid_from < today():
            raise Conflict(
                f"The order in force since {previous.valid_from} can only be replaced from a "
                "later day, and not backwards: decisions were taken under it.",
                f"Ordningen som gäller sedan {previous.valid_from} kan bara ersättas från en "
                "senare dag, inte bakåt i tiden: beslut har fattats med stöd av den.",
                code="VALID_FROM_TOO_EARLY",
            )
        previous.valid_to = data.valid_from - timedelta(days=1)
    order.status = OrderStatus.adopted.value
    order.decided_on, order.paragraph, order.diary_number = (
        data.decided_on,
        data.paragraph,
        data.diary_number,
    )
    order.valid_from = data.valid_from
    session.flush()
    return order
