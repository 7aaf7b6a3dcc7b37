"""What makes a delegation order lawful, as pure functions over plain data (KL 5:1–2, 6:37–38,
7:5): checked when an order is adopted, every problem reported with the entry it belongs to."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.delegation.vocabulary import SINGLE_HOLDER_POSITIONS, SINGLE_HOLDER_SEATS, DelegateKind

URGENT_DECISIONS = frozenset({"approve", "reject"})  # never a referral back: that can wait
URGENT_DELEGATES = frozenset({DelegateKind.membership, DelegateKind.person})


@dataclass(frozen=True)
class MatterFacts:
    code: str
    non_delegable: bool
    council_reserved: bool
    procurement: bool
    appeal_route: str


@dataclass(frozen=True)
class EntryFacts:
    code: str
    matter_types: tuple[str, ...]
    actions: tuple[str, ...]
    delegate: Mapping[str, Any]
    substitute: Mapping[str, Any] | None
    amount_limit_sek: int | None
    subdelegation_allowed: bool = False
    urgent: bool = False


@dataclass(frozen=True)
class EntryProblem:
    entry: str
    code: str
    message_en: str
    message_sv: str


def _delegate_key(delegate: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted((k, v) for k, v in delegate.items() if v is not None))


def _group(delegate: Mapping[str, Any]) -> bool:
    kind = delegate.get("kind")
    if kind == DelegateKind.position:
        return delegate.get("role") not in SINGLE_HOLDER_POSITIONS
    if kind == DelegateKind.membership:
        return delegate.get("role") not in SINGLE_HOLDER_SEATS
    return False


def _entry_problems(
    entry: EntryFacts, matters: Mapping[str, MatterFacts], actions: frozenset[str]
) -> Iterable[EntryProblem]:
    def problem(code: str, en: str, sv: str) -> EntryProblem:
        return EntryProblem(entry.code, code, f"{entry.code}: {en}", f"{entry.code}: {sv}")

    for action in entry.actions:
        if action not in actions:
            yield problem(
                "UNKNOWN_ACTION",
                f"no workflow step '{action}'.",
                f"inget steg '{action}' i arbetsflödet.",
            )
    for code in entry.matter_types:
        matter = matters.get(code)
        if matter is None:
            yield problem(
                "UNKNOWN_MATTER_TYPE",
                f"no matter type '{code}' in the organ's registry.",
                f"ingen ärendetyp '{code}' i organets register.",
            )
            continue
        if matter.council_reserved:
            yield problem(
                "COUNCIL_RESERVED",
                f"'{code}' is reserved to the council (KL 5:1–2).",
                f"'{code}' är förbehållen fullmäktige (KL 5:1–2).",
            )
        elif matter.non_delegable and not entry.urgent:  # KL 6:39 reaches these too
            yield problem(
                "NON_DELEGABLE",
                f"'{code}' cannot be delegated (KL 6:38).",
                f"'{code}' får inte delegeras (KL 6:38).",
            )
        automated = any(
            d is not None and d.get("kind") == DelegateKind.automated
            for d in (entry.delegate, entry.substitute)
        )
        if automated and (matter.procurement or matter.appeal_route != "administrative_appeal"):
            yield problem(
                "AUTOMATED_DECISION_NOT_ALLOWED",
                f"'{code}' is appealable by judicial review, not appealable, or a procurement: "
                "no automated decisions (KL 6:38 second paragraph).",
                f"'{code}' kan laglighetsprövas, kan inte överklagas eller är en upphandling: "
                "inget automatiserat beslutsfattande (KL 6:38 andra stycket).",
            )
    if entry.subdelegation_allowed and not (
        entry.delegate.get("kind") == DelegateKind.position
        and entry.delegate.get("role") == "head_of_administration"
    ):
        yield problem(
            "INVALID_SUBDELEGATION",
            "only a head of administration may pass a delegation on (KL 7:6).",
            "endast en förvaltningschef får vidaredelegera (KL 7:6).",
        )
    if entry.urgent:
        yield from _urgent_problems(entry, problem)
    for role, delegate in (("delegate", entry.delegate), ("substitute", entry.substitute)):
        if delegate is not None and _group(delegate):
            yield problem(
                "INVALID_DELEGATE_GROUP",
                f"the {role} '{delegate.get('role')}' is held by several people; a delegate is "
                "one person, a presidium or a sub-committee (KL 6:37, 7:5).",
                f"{'delegaten' if role == 'delegate' else 'ersättaren'} '{delegate.get('role')}' "
                "innehas av flera; en delegat är en person, ett presidium eller ett utskott "
                "(KL 6:37, 7:5).",
            )


def _urgent_problems(
    entry: EntryFacts, problem: Callable[[str, str, str], EntryProblem]
) -> Iterable[EntryProblem]:
    """KL 6:39: the chair or another member the organ appointed decides urgent matters; an
    employee never (whether a named person has a seat is checked against the organisation)."""
    for delegate in filter(None, (entry.delegate, entry.substitute)):
        if delegate.get("kind") not in URGENT_DELEGATES or delegate.get("role") in (
            "secretary",
            "substitute",
        ):
            yield problem(
                "URGENT_DELEGATE_NOT_MEMBER",
                "urgent matters are decided by the chair or another member of the organ (KL 6:39).",
                "brådskande ärenden avgörs av ordföranden eller en annan ledamot (KL 6:39).",
            )
    extra = sorted(set(entry.actions) - URGENT_DECISIONS)
    if extra:
        yield problem(
            "URGENT_ACTION_NOT_ALLOWED",
            f"an urgent decision approves or rejects; not {', '.join(extra)}.",
            f"ett brådskande beslut bifaller eller avslår; inte {', '.join(extra)}.",
        )


def problems_of(
    entries: Iterable[EntryFacts],
    matters: Mapping[str, MatterFacts],
    actions: frozenset[str],
    above: Mapping[str, frozenset[str]] | None = None,
) -> list[EntryProblem]:
    """Every problem of every entry, then the ambiguities between entries: the same matter type,
    action and amount limit given to different delegates for the same cases. A post in a unit
    decides for the cases of that unit and the units below it (``above`` maps a unit to the
    units over it), so posts in separate branches do not compete, and posts in nested units
    do."""
    above = above or {}

    def overlap(one: str | None, other: str | None) -> bool:
        return (
            one is None
            or other is None
            or one == other
            or one in above.get(other, frozenset())
            or other in above.get(one, frozenset())
        )

    entries = list(entries)
    found = [p for entry in entries for p in _entry_problems(entry, matters, actions)]
    seen: dict[tuple[str, str, int | None, bool], list[tuple[EntryFacts, Any]]] = {}
    for entry in entries:
        if entry.urgent:  # each clause is its own power: the chair's, an appointed member's
            continue
        kind = entry.delegate.get("kind")
        scope = entry.delegate.get("unit") if kind == "position" else None
        clashes: set[str] = set()
        for matter in entry.matter_types:
            for action in entry.actions:
                key = (matter, action, entry.amount_limit_sek, entry.urgent)
                band = seen.setdefault(key, [])
                clashes |= {
                    other.code
                    for other, other_scope in band
                    if _delegate_key(other.delegate) != _delegate_key(entry.delegate)
                    and overlap(scope, other_scope)
                }
                band.append((entry, scope))
        found += [
            EntryProblem(
                entry.code,
                "AMBIGUOUS_DELEGATION",
                f"{entry.code}: the same matter type, step and limit is already delegated to "
                f"someone else in {other}.",
                f"{entry.code}: samma ärendetyp, steg och belopp är redan delegerat till någon "
                f"annan i {other}.",
            )
            for other in sorted(clashes)
        ]
    return found
