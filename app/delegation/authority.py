"""Who may take a step on a case, and under which authority (BRIEF §5–6). Pure: the service
reads the case, the caller, the organ and the delegation order in force, and asks here.

Four kinds of authority:
- ``organ_decision``: the organ decided in a meeting (quorum: more than half its seats present,
  KL 5:45, 6:27), recorded by its secretary or a registrar;
- ``delegated_decision``: a delegate of the order in force decided, for a matter that may be
  delegated (KL 6:37–38, 7:5), within the amount limit;
- ``urgent_decision``: the chair decided what could not wait (KL 6:39), to be reported;
- ``operational``: preparation or execution by a post in the responsible administration.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import partial
from typing import Any, NoReturn

from app.delegation.rules import MatterFacts
from app.organisation.vocabulary import PositionRole, label_sv

NON_DELEGABLE_FLAGS = frozenset(
    {
        "goals_direction_scope_quality",
        "proposal_to_council",
        "citizen_proposal",
        "special_law_forbids_delegation",
        "of_principle",
        "non_delegable_matter_type",
    }
)
DECISIONS = frozenset({"approve", "reject", "refer_back"})
URGENT_DECISIONS = frozenset({"approve", "reject"})  # never a referral back: that can wait


class AuthorityKind(StrEnum):
    organ_decision = "organ_decision"
    delegated_decision = "delegated_decision"
    urgent_decision = "urgent_decision"
    operational = "operational"


# The posts that prepare or carry out each step, by route; a step missing here is a decision,
# never mere execution (KL 13:2 2: preparation and execution are not decisions).
HEAD, MANAGER, OFFICER = "head_of_administration", "unit_manager", "case_officer"
OPERATIONAL_POSTS: dict[str, dict[str, frozenset[str]]] = {
    "triage": {"political": frozenset({HEAD}), "operational": frozenset({HEAD})},
    "scope_assessment": {
        "political": frozenset({HEAD}),
        "operational": frozenset({HEAD, MANAGER}),
    },
    "submit_assessment": {
        "political": frozenset({HEAD, MANAGER, OFFICER}),
        "operational": frozenset({HEAD, MANAGER, OFFICER}),
    },
    "prioritise": {"operational": frozenset({HEAD})},
    "start_implementation": {
        "political": frozenset({HEAD, MANAGER}),
        "operational": frozenset({HEAD, MANAGER}),
    },
    "complete_implementation": {
        "political": frozenset({HEAD, MANAGER}),
        "operational": frozenset({HEAD, MANAGER}),
    },
    "close": {"operational": frozenset({HEAD})},
}
# Steps that are not decisions of the organ at all: preparation and execution.
NOT_DECISIONS = frozenset({"submit_assessment", "start_implementation", "complete_implementation"})


@dataclass(frozen=True)
class CaseView:
    organ: str
    organ_kind: str
    units: tuple[str, ...]  # the responsible unit, then the units above it
    matter: MatterFacts | None
    flags: frozenset[str]
    route: str | None
    amount_sek: int | None
    registered_by: int | None


@dataclass(frozen=True)
class ActorView:
    person_id: int | None
    kind: str | None  # elected / employee
    seats: frozenset[tuple[str, str]]  # (organ, role)
    posts: frozenset[tuple[str, str]]  # (unit, role)
    recused: bool = False


@dataclass(frozen=True)
class OrganView:
    """The organ on the meeting day: its seats and who held them, and who is recused."""

    code: str
    seats: int
    members: frozenset[int]  # chair, vice chairs and members
    substitutes: frozenset[int]
    recused: frozenset[int] = frozenset()


@dataclass(frozen=True)
class EntryView:
    code: str
    matter_types: tuple[str, ...]
    actions: tuple[str, ...]
    delegate: Mapping[str, Any]
    amount_limit_sek: int | None
    report_to_organ: bool
    substitute: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class OrderView:
    version: int
    entries: tuple[EntryView, ...]
    absent: frozenset[str] = frozenset()  # points whose delegate is recorded absent today


@dataclass(frozen=True)
class Meeting:
    held_on: date
    paragraph: str
    present: frozenset[int]
    substitutes_serving: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Grant:
    """The authority a step was taken under, as the event records it."""

    kind: AuthorityKind
    details: dict[str, Any] = field(default_factory=dict)
    report_to_organ: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    message_en: str
    message_sv: str
    legal_reference: str | None = None


RECUSED = Reason(
    "RECUSED",
    "You are disqualified (jäv) in this case.",
    "Du är jävig i detta ärende.",
    "KL 6:28, 7:4",
)


class Refused(Exception):
    def __init__(self, reasons: list[Reason]) -> None:
        super().__init__("; ".join(r.code for r in reasons))
        self.reasons = reasons


def _refuse(code: str, en: str, sv: str, law: str | None = None) -> NoReturn:
    raise Refused([Reason(code, en, sv, law)])


def _sv(posts: frozenset[str]) -> list[str]:
    return [label_sv(PositionRole(post)) for post in sorted(posts)]


def _holds(actor: ActorView, units: Iterable[str], roles: frozenset[str]) -> str | None:
    return next(
        (
            f"{role}@{unit}"
            for unit in units
            for unit_, role in actor.posts
            if unit_ == unit and role in roles
        ),
        None,
    )


def operational(trigger: str, case: CaseView, actor: ActorView) -> Grant:
    proposer = actor.person_id is not None and actor.person_id == case.registered_by
    if trigger == "withdraw" and proposer:  # the proposer may take their own proposal back
        return Grant(AuthorityKind.operational, {"proposer": True})
    posts = OPERATIONAL_POSTS.get(trigger, {}).get(case.route or "political")
    if posts is None:
        _refuse(
            "NOT_OPERATIONAL",
            f"'{trigger}' is a decision on this route, not preparation or execution.",
            f"'{trigger}' är ett beslut i detta spår, inte beredning eller verkställighet.",
            "KL 13:2",
        )
    held = _holds(actor, case.units, posts)
    if held is None:
        _refuse(
            "NOT_IN_RESPONSIBLE_UNIT",
            f"'{trigger}' is done by {' or '.join(sorted(posts))} of the responsible unit.",
            f"'{trigger}' görs av {' eller '.join(_sv(posts))} i den ansvariga enheten.",
        )
    return Grant(AuthorityKind.operational, {"post": held})


def _non_delegable(case: CaseView) -> Reason | None:
    if _council_reserved(case):
        return Reason(
            "COUNCIL_RESERVED",
            "Only the council decides this matter.",
            "Endast fullmäktige beslutar i detta ärende.",
            "KL 5:1–2",
        )
    flags = sorted(case.flags & NON_DELEGABLE_FLAGS)
    if flags or (case.matter and case.matter.non_delegable):
        return Reason(
            "NON_DELEGABLE",
            f"The organ must decide this itself ({', '.join(flags) or 'matter type'}).",
            f"Nämnden måste själv besluta ({', '.join(flags) or 'ärendetypen'}).",
            "KL 6:38",
        )
    return None


def _is_delegate(delegate: Mapping[str, Any], case: CaseView, actor: ActorView) -> bool:
    kind = delegate.get("kind")
    if kind == "position":  # a post decides for its own unit's cases (and those below it)
        unit = delegate.get("unit")
        return unit in case.units and (unit, delegate.get("role")) in actor.posts
    if kind == "membership":
        return (case.organ, delegate.get("role")) in actor.seats
    if kind == "person":
        return delegate.get("person_id") == actor.person_id
    return False  # presidia, sub-committees and automated functions do not act as one person


def delegated(trigger: str, case: CaseView, actor: ActorView, order: OrderView | None) -> Grant:
    barrier = _non_delegable(case)
    if barrier is not None:
        raise Refused([barrier])
    if order is None:
        _refuse(
            "DELEGATION_NOT_IN_FORCE",
            f"{case.organ} has no delegation order in force.",
            f"{case.organ} har ingen delegationsordning i kraft.",
        )
    matter = case.matter.code if case.matter else None
    covering = [e for e in order.entries if matter in e.matter_types and trigger in e.actions]
    if not covering:
        _refuse(
            "NOT_DELEGATED",
            f"{case.organ}'s delegation order does not delegate '{trigger}' for this matter type.",
            f"{case.organ}:s delegationsordning delegerar inte '{trigger}' för ärendetypen.",
        )
    mine = [e for e in covering if _is_delegate(e.delegate, case, actor)]
    substituting = False
    if not mine:
        standing_in = [
            e for e in covering if e.substitute and _is_delegate(e.substitute, case, actor)
        ]
        if standing_in:
            mine = [e for e in standing_in if e.code in order.absent]
            substituting = True
            if not mine:
                codes = ", ".join(e.code for e in standing_in)
                _refuse(
                    "DELEGATE_NOT_ABSENT",
                    f"You are the substitute under point {codes}, and the delegate is not "
                    "recorded absent.",
                    f"Du är ersättare enligt punkt {codes}, och delegaten är inte "
                    "registrerad som frånvarande.",
                )
    if not mine:
        codes = ", ".join(e.code for e in covering)
        _refuse(
            "NOT_DELEGATE",
            f"The decision is not delegated to you under {case.organ}'s order, point {codes}.",
            f"Beslutet är inte delegerat till dig enligt {case.organ}:s delegationsordning "
            f"punkt {codes}.",
        )
    if case.amount_sek is None and any(e.amount_limit_sek is not None for e in mine):
        _refuse(
            "AMOUNT_REQUIRED",
            "The delegation has an amount limit, and the case states no cost (price tag).",
            "Delegationen har en beloppsgräns och ärendet saknar prislapp.",
        )
    amount = case.amount_sek or 0
    within = [e for e in mine if e.amount_limit_sek is None or amount <= e.amount_limit_sek]
    if not within:
        limit = max(e.amount_limit_sek or 0 for e in mine)
        _refuse(
            "AMOUNT_OVER_LIMIT",
            f"{amount} SEK is over the delegated limit of {limit} SEK.",
            f"{amount} kr överstiger delegationens gräns på {limit} kr.",
        )
    entry = min(  # the narrowest point that covers it
        within, key=lambda e: e.amount_limit_sek if e.amount_limit_sek is not None else math.inf
    )
    details: dict[str, Any] = {"order_version": order.version, "entry": entry.code}
    if substituting:
        details["substitute_for_absent_delegate"] = True
    return Grant(AuthorityKind.delegated_decision, details, report_to_organ=entry.report_to_organ)


def _council_reserved(case: CaseView) -> bool:
    return "council_reserved" in case.flags or bool(case.matter and case.matter.council_reserved)


def _refuse_council_matter(case: CaseView) -> None:
    if _council_reserved(case) and case.organ_kind != "council":
        _refuse(
            "COUNCIL_RESERVED",
            f"Only the council decides this matter; {case.organ} prepares it.",
            f"Endast fullmäktige beslutar i detta ärende; {case.organ} bereder det.",
            "KL 5:1–2",
        )


def urgent(trigger: str, case: CaseView, actor: ActorView) -> Grant:
    """KL 6:39: a committee's chair decides what cannot wait; the council has no such power,
    and the council's own matters were never the committee's to decide."""
    _refuse_council_matter(case)
    if (
        trigger not in URGENT_DECISIONS
        or case.organ_kind == "council"
        or (case.organ, "chair") not in actor.seats
    ):
        _refuse(
            "URGENT_POWER_NOT_HELD",
            "Only the organ's chair decides urgent matters on its behalf.",
            "Endast nämndens ordförande beslutar i brådskande ärenden på nämndens vägnar.",
            "KL 6:39",
        )
    return Grant(AuthorityKind.urgent_decision, {"organ": case.organ}, report_to_organ=True)


def is_recorder(case: CaseView, actor: ActorView) -> bool:
    """The organ's secretary, or any registrar, records the organ's decisions."""
    return (case.organ, "secretary") in actor.seats or any(
        role == "registrar" for _, role in actor.posts
    )


def organ_decision(
    trigger: str, case: CaseView, actor: ActorView, organ: OrganView, meeting: Meeting
) -> Grant:
    if trigger in NOT_DECISIONS:
        _refuse(
            "NOT_A_DECISION",
            f"'{trigger}' is preparation or execution, not the organ's.",
            f"'{trigger}' är beredning eller verkställighet.",
        )
    if trigger in DECISIONS:
        _refuse_council_matter(case)
    if not is_recorder(case, actor):
        _refuse(
            "NOT_RECORDER",
            f"{case.organ}'s decisions are recorded by its secretary or a registrar.",
            f"{case.organ}:s beslut registreras av nämndsekreteraren eller en registrator.",
        )
    strangers = sorted(
        (meeting.present - organ.members) | (meeting.substitutes_serving - organ.substitutes)
    )
    if strangers:
        _refuse(
            "NOT_MEMBER",
            f"Not members (or substitutes) of {case.organ} on {meeting.held_on}: {strangers}.",
            f"Inte ledamöter (eller ersättare) i {case.organ} {meeting.held_on}: {strangers}.",
        )
    counted = (meeting.present & organ.members) | (meeting.substitutes_serving & organ.substitutes)
    counted -= organ.recused
    if len(counted) * 2 <= organ.seats:
        _refuse(
            "QUORUM_NOT_MET",
            f"{len(counted)} of {organ.seats} seats present and not recused; more than half "
            "is needed.",
            f"{len(counted)} av {organ.seats} ledamöter närvarande och inte jäviga; mer än "
            "hälften krävs.",
            "KL 5:45, 6:27",
        )
    return Grant(
        AuthorityKind.organ_decision,
        {
            "organ": case.organ,
            "held_on": meeting.held_on.isoformat(),
            "paragraph": meeting.paragraph,
            "counted": len(counted),
            "seats": organ.seats,
        },
    )


def resolve(
    trigger: str,
    case: CaseView,
    actor: ActorView,
    *,
    kind: AuthorityKind | None,
    order: OrderView | None = None,
    organ: OrganView | None = None,
    meeting: Meeting | None = None,
) -> Grant:
    """The authority for ``actor`` to take ``trigger`` on ``case``: the kind asked for, or the
    first of operational and delegated that holds. Refused with every reason otherwise."""
    if actor.recused:
        raise Refused([RECUSED])
    if kind == AuthorityKind.organ_decision:
        if organ is None or meeting is None:
            _refuse(
                "MEETING_REQUIRED",
                "An organ decision names its meeting.",
                "Ett nämndbeslut anger sitt sammanträde.",
            )
        return organ_decision(trigger, case, actor, organ, meeting)
    if kind == AuthorityKind.urgent_decision:
        return urgent(trigger, case, actor)
    if kind == AuthorityKind.operational:
        return operational(trigger, case, actor)
    if kind == AuthorityKind.delegated_decision:
        return delegated(trigger, case, actor, order)
    # Left to choose: a post's preparation or execution where the step is one, a delegation
    # where the step is a decision; the reasons of each path tried if none holds.
    paths = []
    if trigger == "withdraw" or (
        trigger in OPERATIONAL_POSTS and case.route in (None, *OPERATIONAL_POSTS[trigger])
    ):
        paths.append(partial(operational, trigger, case, actor))
    if trigger not in NOT_DECISIONS:
        paths.append(partial(delegated, trigger, case, actor, order))
    reasons: list[Reason] = []
    for path in paths:
        try:
            return path()
        except Refused as refused:
            reasons += refused.reasons
    raise Refused(reasons)


def available(
    trigger: str, case: CaseView, actor: ActorView, order: OrderView | None
) -> tuple[list[AuthorityKind], list[Reason]]:
    """The kinds of authority under which ``actor`` could take ``trigger`` now, and, when there
    are none, every reason why not. An organ decision is offered to those who record them; its
    quorum is judged when the meeting is named."""
    if actor.recused:
        return [], [RECUSED]
    kinds: list[AuthorityKind] = []
    reasons: list[Reason] = []
    checks = [
        (AuthorityKind.operational, partial(operational, trigger, case, actor)),
        (AuthorityKind.delegated_decision, partial(delegated, trigger, case, actor, order)),
        (AuthorityKind.urgent_decision, partial(urgent, trigger, case, actor)),
    ]
    for kind, check in checks:
        try:
            check()
            kinds.append(kind)
        except Refused as refused:
            reasons += refused.reasons
    council_matter = _council_reserved(case) and case.organ_kind != "council"
    organ_may = trigger not in NOT_DECISIONS and not (council_matter and trigger in DECISIONS)
    if organ_may and is_recorder(case, actor):
        kinds.append(AuthorityKind.organ_decision)
    return kinds, ([] if kinds else reasons)
