"""Exempelkommun's matter types and delegation orders for BUN and SN, adopted for the term of
office: economy with amount limits, staff, procurement and operations, each to one delegate,
with the KL 6:38 and 5:1 matters registered as what may not be delegated."""

from datetime import date

from sqlalchemy.orm import Session

from app.delegation import service
from app.delegation.schemas import Adoption, Delegate, EntryWrite, MatterTypeCreate, OrderCreate

DECISIONS = ["approve", "reject"]

# (code, name, non_delegable, council_reserved, procurement, appeal route)
MATTERS = [
    ("mal", "Mål, inriktning, omfattning och kvalitet", True, False, False, "judicial_review"),
    (
        "yttrande-kf",
        "Yttranden och framställningar till fullmäktige",
        True,
        False,
        False,
        "judicial_review",
    ),
    (
        "medborgarforslag",
        "Medborgarförslag överlämnade av fullmäktige",
        True,
        False,
        False,
        "judicial_review",
    ),
    ("budget", "Budget och skatt", False, True, False, "judicial_review"),
    ("ekonomi", "Ekonomi och inköp", False, False, False, "judicial_review"),
    ("upphandling", "Upphandling", False, False, True, "judicial_review"),
    ("anstallning", "Anställning och personal", False, False, False, "not_appealable"),
    ("lokal", "Lokaler och hyresavtal", False, False, False, "judicial_review"),
    ("verksamhet", "Verksamhetens utveckling", False, False, False, "judicial_review"),
    ("myndighet", "Myndighetsutövning mot enskilda", False, False, False, "administrative_appeal"),
]


def _position(role: str, unit: str) -> Delegate:
    return Delegate(kind="position", role=role, unit=unit)


def _entries(admin: str, units: list[str]) -> list[tuple[str, EntryWrite]]:
    """About twenty points: per sub-unit, its manager decides small purchases and staff; the
    head of administration larger ones, procurement, premises and operations; the chair signs
    for the organ on routine matters of development."""
    head = _position("head_of_administration", admin)
    entries: list[tuple[str, EntryWrite]] = []
    for n, unit in enumerate(units, start=1):
        manager = _position("unit_manager", unit)
        entries += [
            (
                f"1.{n}",
                EntryWrite(
                    title=f"Inköp inom {unit} upp till 100 000 kr",
                    matter_types=["ekonomi"],
                    actions=DECISIONS,
                    delegate=manager,
                    substitute=head,
                    amount_limit_sek=100_000,
                    legal_reference="KL 6:37, 7:5",
                ),
            ),
            (
                f"2.{n}",
                EntryWrite(
                    title=f"Anställning inom {unit}",
                    matter_types=["anstallning"],
                    actions=DECISIONS,
                    delegate=manager,
                    substitute=head,
                    report_to_organ=False,
                    legal_reference="KL 7:5",
                ),
            ),
            (
                f"5.{n}",
                EntryWrite(
                    title=f"Beslut i enskilda ärenden inom {unit}",
                    matter_types=["myndighet"],
                    actions=DECISIONS,
                    delegate=manager,
                    legal_reference="SL 10 kap. 32 §, SoL 4 kap. 1 §",
                ),
            ),
        ]
    entries += [
        (
            "1.9",
            EntryWrite(
                title="Inköp upp till 1 000 000 kr",
                matter_types=["ekonomi"],
                actions=DECISIONS,
                delegate=head,
                amount_limit_sek=1_000_000,
                subdelegation_allowed=True,
                legal_reference="KL 7:5–6",
            ),
        ),
        (
            "3.1",
            EntryWrite(
                title="Upphandling upp till 2 000 000 kr",
                matter_types=["upphandling"],
                actions=DECISIONS,
                delegate=head,
                amount_limit_sek=2_000_000,
                legal_reference="LOU 2016:1145",
            ),
        ),
        (
            "4.1",
            EntryWrite(
                title="Hyresavtal upp till 3 år",
                matter_types=["lokal"],
                actions=DECISIONS,
                delegate=head,
                amount_limit_sek=3_000_000,
                conditions="Avtalstid högst tre år.",
            ),
        ),
        (
            "6.1",
            EntryWrite(
                title="Utvecklingsåtgärder inom budget",
                matter_types=["verksamhet"],
                actions=[*DECISIONS, "refer_back"],
                delegate=head,
                amount_limit_sek=500_000,
            ),
        ),
        (
            "6.2",
            EntryWrite(
                title="Utvecklingsåtgärder över 500 000 kr",
                matter_types=["verksamhet"],
                actions=DECISIONS,
                delegate=Delegate(kind="membership", role="chair"),
                amount_limit_sek=1_500_000,
                legal_reference="KL 6:37",
            ),
        ),
    ]
    return entries


ORDERS = {
    "BUN": ("UTB", ["UTB-GRU", "UTB-FSK", "UTB-GYM"]),
    "SN": ("SOC", ["SOC-IFO", "SOC-ALD"]),
}


def load_delegation(session: Session, valid_from: date) -> None:
    for organ, (admin, units) in ORDERS.items():
        for code, name, non_delegable, reserved, procurement, route in MATTERS:
            service.create_matter_type(
                session,
                organ,
                MatterTypeCreate(
                    code=code,
                    name=name,
                    non_delegable=non_delegable,
                    council_reserved=reserved,
                    procurement=procurement,
                    appeal_route=route,
                ),
            )
        order = service.create_order(
            session, organ, OrderCreate(title=f"{organ}:s delegationsordning")
        )
        for code, entry in _entries(admin, units):
            service.put_entry(session, order.id, code, entry)
        service.adopt(
            session,
            order.id,
            Adoption(
                decided_on=valid_from.replace(day=1) if valid_from.day > 1 else valid_from,
                paragraph="§ 5",
                diary_number=f"{organ} {valid_from.year}/1",
                valid_from=valid_from,
            ),
        )
