"""Who may take a step on a case, and under which authority (BRIEF §5–6). Pure: the service
reads the case, the caller, the organ and the delegation order in force, and asks here.

Four kinds of authority:
- ``organ_decision``: the organ decided in a meeting (quorum: more than half its seats present,
  KL 5:45, 6:27), recorded by its secretary or a registrar;
- ``delegated_decision``: a delegate of the order in force decided, for a matter that may be
  delegated (KL 6:37–38, 7:5), within the amount limit;
- ``urgent_decision``: the chair, or a member the organ appointed in its order, decided what
  could not wait (KL 6:39), to be reported;
- ``operational``: preparation or execution by a post in the responsible administration.

A delegation reaches the one who decides in one of four ways: as the entry's delegate, as its
substitute while the delegate is absent, as the employee the head of administration passed it on
to (KL 7:6), or as the sub-committee or presidium the entry names, deciding in a meeting.
"""

import math
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from app.delegation.meetings import COUNCIL, Meeting, OrganView, judge
from app.delegation.reasons import RECUSED, Reason, Refused, refuse
from app.delegation.rules import URGENT_DECISIONS
from app.delegation.views import (
    ActorView,
    AuthorityKind,
    CaseView,
    EntryView,
    Grant,
    OrderView,
)
from app.organisation.vocabulary import ELECTED_SEATS, PositionRole, label_sv

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
# Where a case is still a proposal its proposer may take back (after, the decision stands).
UNDECIDED = frozenset({None, "proposed", "assessment", "valuation", "decision"})
# Steps that are not decisions of the organ at all: preparation and execution.
NOT_DECISIONS = frozenset({"submit_assessment", "start_implementation", "complete_implementation"})
# What a post does whatever the flags say: preparation, execution, and the triage that reads
# the flags to choose the route.
OPERATIONAL_ANYWAY = NOT_DECISIONS | {"triage"}


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
    undecided = case.state in UNDECIDED
    if trigger == "withdraw" and proposer and undecided:  # a proposal, not yet a decision
        return Grant(AuthorityKind.operational, {"proposer": True})
    posts = OPERATIONAL_POSTS.get(trigger, {}).get(case.route or "political")
    barrier = _non_delegable(case)
    if (
        case.route == "operational"
        and barrier is not None
        and posts is not None
        and trigger not in OPERATIONAL_ANYWAY
    ):
        raise Refused([barrier])  # flagged after triage: the organ takes its decisions
    if posts is None:
        refuse(
            "NOT_OPERATIONAL",
            f"'{trigger}' is a decision on this route, not preparation or execution.",
            f"'{trigger}' är ett beslut i detta spår, inte beredning eller verkställighet.",
            "KL 13:2",
        )
    held = _holds(actor, case.units, posts)
    if held is None:
        refuse(
            "NOT_IN_RESPONSIBLE_UNIT",
            f"'{trigger}' is done by {' or '.join(sorted(posts))} of the responsible unit.",
            f"'{trigger}' görs av {' eller '.join(_sv(posts))} i den ansvariga enheten.",
        )
    return Grant(AuthorityKind.operational, {"post": held})


def _non_delegable(case: CaseView) -> Reason | None:
    if _council_reserved(case):
        return _council_matter(case)
    flags = sorted(case.flags & NON_DELEGABLE_FLAGS)
    if flags or (case.matter and case.matter.non_delegable):
        return Reason(
            "NON_DELEGABLE",
            f"The organ must decide this itself ({', '.join(flags) or 'matter type'}).",
            f"Nämnden måste själv besluta ({', '.join(flags) or 'ärendetypen'}).",
            "KL 6:38",
        )
    return None


COUNCIL_DECIDES = frozenset({"approve", "reject"})  # a committee may still refer back its own
BODIES = frozenset({"sub_committee", "presidium"})  # delegates that decide in a meeting
Acting = tuple[EntryView, dict[str, Any]]  # an entry, and what the event says of how it reached


def _is_delegate(delegate: Mapping[str, Any], case: CaseView, actor: ActorView) -> bool:
    kind = delegate.get("kind")
    if kind == "position":  # a post decides for its own unit's cases (and those below it)
        unit = delegate.get("unit")
        return unit in case.units and (unit, delegate.get("role")) in actor.posts
    if kind == "membership":
        return (case.organ, delegate.get("role")) in actor.seats
    if kind == "person":  # while they hold a seat in the organ, or a post (employees)
        placed = any(organ == case.organ for organ, _ in actor.seats) or bool(actor.posts)
        return delegate.get("person_id") == actor.person_id and placed
    if kind == "automated":  # KL 6:38 second paragraph, whatever the adoption judged
        lawful = case.appeal_route == "administrative_appeal" and "procurement" not in case.flags
        lawful = lawful and not (case.matter and case.matter.procurement)
        return lawful and actor.function is not None and delegate.get("function") == actor.function
    return False  # presidia and sub-committees decide in meetings


def _in_scope(entry: EntryView, case: CaseView) -> bool:
    """A post's entry covers the cases of its unit and those below: whoever stands in for the
    post, or was passed its power, decides no further than the post itself."""
    delegate = entry.delegate
    return delegate.get("kind") != "position" or delegate.get("unit") in case.units


def _acting(
    entries: list[EntryView], case: CaseView, actor: ActorView, order: OrderView
) -> list[Acting]:
    """Every way the actor holds the entries: as the delegate; as the substitute while the
    delegate is recorded absent; as the employee the head of administration passed the entry
    on to (KL 7:6). The caller picks the narrowest that holds the case."""
    entries_here = [e for e in entries if _in_scope(e, case)]
    standing_in = [
        e for e in entries_here if e.substitute and _is_delegate(e.substitute, case, actor)
    ]
    held: list[Acting] = [
        *((e, {}) for e in entries if _is_delegate(e.delegate, case, actor)),
        *(
            (e, {"substitute_for_absent_delegate": True})
            for e in standing_in
            if e.code in order.absent
        ),
        *(
            (e, {"subdelegation": sub.id, "subdelegated_by": sub.granted_by})
            for e in entries_here
            for sub in order.passed_on(e.code)
            if _is_delegate(sub.delegate, case, actor)
        ),
    ]
    if not held and standing_in:
        codes = ", ".join(e.code for e in standing_in)
        refuse(
            "DELEGATE_NOT_ABSENT",
            f"You are the substitute under point {codes}, and the delegate is not recorded absent.",
            f"Du är ersättare enligt punkt {codes}, och delegaten är inte registrerad som "
            "frånvarande.",
        )
    return held


def _within_limit(acting: list[Acting], case: CaseView) -> Acting:
    """The narrowest entry whose amount limit holds the case's cost (without a price tag, only
    an entry without a limit holds it)."""
    if case.amount_sek is None and all(e.amount_limit_sek is not None for e, _ in acting):
        refuse(
            "AMOUNT_REQUIRED",
            "The delegation has an amount limit, and the case states no cost (price tag).",
            "Delegationen har en beloppsgräns och ärendet saknar prislapp.",
        )
    amount = case.amount_sek
    within = [
        a
        for a in acting
        if a[0].amount_limit_sek is None or (amount is not None and amount <= a[0].amount_limit_sek)
    ]
    if not within:
        limit = max(e.amount_limit_sek or 0 for e, _ in acting)
        refuse(
            "AMOUNT_OVER_LIMIT",
            f"{amount} SEK is over the delegated limit of {limit} SEK.",
            f"{amount} kr överstiger delegationens gräns på {limit} kr.",
        )
    return min(
        within,
        key=lambda a: a[0].amount_limit_sek if a[0].amount_limit_sek is not None else math.inf,
    )


def delegated(
    trigger: str,
    case: CaseView,
    actor: ActorView,
    order: OrderView | None,
    body: OrganView | None = None,
    meeting: Meeting | None = None,
) -> Grant:
    """A decision under the order in force: by one delegate, or, with ``body`` and its
    ``meeting``, by the sub-committee or presidium an entry names."""
    barrier = _non_delegable(case)
    if barrier is not None:
        raise Refused([barrier])
    if order is None:
        refuse(
            "DELEGATION_NOT_IN_FORCE",
            f"{case.organ} has no delegation order in force.",
            f"{case.organ} har ingen delegationsordning i kraft.",
        )
    matter = case.matter.code if case.matter else None
    covering = order.covering(matter, trigger)
    if trigger == "withdraw" and case.route == "operational":  # the deciding delegate (§5)
        covering += [e for t in URGENT_DECISIONS for e in order.covering(matter, t)]
        covering = list({e.code: e for e in covering}.values())
    if not covering:
        refuse(
            "NOT_DELEGATED",
            f"{case.organ}'s delegation order does not delegate '{trigger}' for this matter type.",
            f"{case.organ}:s delegationsordning delegerar inte '{trigger}' för ärendetypen.",
        )
    if body is not None and meeting is None:
        refuse(
            "MEETING_REQUIRED",
            f"{body.code} decides in a meeting: name it.",
            f"{body.code} beslutar vid sammanträde: ange det.",
        )
    if body is not None:
        acting: list[Acting] = [
            (e, {})
            for e in covering
            if e.delegate.get("kind") in BODIES and e.delegate.get("organ") == body.code
        ]
    else:
        acting = _acting(covering, case, actor, order)
    if not acting:
        codes = ", ".join(e.code for e in covering)
        refuse(
            "NOT_DELEGATE",
            f"The decision is not delegated to {body.code if body else 'you'} under "
            f"{case.organ}'s order, point {codes}.",
            f"Beslutet är inte delegerat till {body.code if body else 'dig'} enligt "
            f"{case.organ}:s delegationsordning punkt {codes}.",
        )
    entry, how = _within_limit(acting, case)
    details: dict[str, Any] = {"order_version": order.version, "entry": entry.code, **how}
    if body is not None and meeting is not None:
        _require_recorder(body.code, actor)
        details |= judge(trigger, body, meeting, minority_referral_used=case.minority_referral_used)
    return Grant(AuthorityKind.delegated_decision, details, report_to_organ=entry.report_to_organ)


def _council_reserved(case: CaseView) -> bool:
    return "council_reserved" in case.flags or bool(case.matter and case.matter.council_reserved)


def _refuse_council_matter(case: CaseView) -> None:
    if _council_reserved(case) and case.organ_kind != COUNCIL:
        raise Refused([_council_matter(case)])


def _council_matter(case: CaseView) -> Reason:
    return Reason(
        "COUNCIL_RESERVED",
        f"Only the council decides this matter; {case.organ} prepares it.",
        f"Endast fullmäktige beslutar i detta ärende; {case.organ} bereder det.",
        "KL 5:1–2",
    )


def urgent(trigger: str, case: CaseView, actor: ActorView, order: OrderView | None) -> Grant:
    """KL 6:39: the chair, or a member the committee appointed, decides what cannot wait, under
    the order's clause for urgent matters; never the council (which has no such power), never
    an employee, never a referral back, and never the council's own matters."""
    _refuse_council_matter(case)
    elected = any(organ == case.organ and role in ELECTED_SEATS for organ, role in actor.seats)
    clauses = (
        order.covering(case.matter.code if case.matter else None, trigger, urgent=True)
        if order is not None and trigger in URGENT_DECISIONS and case.organ_kind != COUNCIL
        else []
    )
    acting = _acting(clauses, case, actor, order) if order is not None and elected else []
    if not acting:
        refuse(
            "URGENT_POWER_NOT_HELD",
            f"{case.organ} has not given you power to decide urgent matters on its behalf.",
            f"{case.organ} har inte gett dig rätt att besluta i brådskande ärenden på "
            "nämndens vägnar.",
            "KL 6:39",
        )
    assert order is not None
    entry, how = _within_limit(acting, case)
    details = {"organ": case.organ, "order_version": order.version, "entry": entry.code, **how}
    return Grant(AuthorityKind.urgent_decision, details, report_to_organ=True)


def is_recorder(organ: str, actor: ActorView) -> bool:
    """The organ's secretary, or any registrar, records the organ's decisions."""
    return (organ, "secretary") in actor.seats or any(
        role == "registrar" for _, role in actor.posts
    )


def _require_recorder(organ: str, actor: ActorView) -> None:
    if not is_recorder(organ, actor):
        refuse(
            "NOT_RECORDER",
            f"{organ}'s decisions are recorded by its secretary or a registrar.",
            f"{organ}:s beslut registreras av sekreteraren eller en registrator.",
        )


def organ_decision(
    trigger: str, case: CaseView, actor: ActorView, body: OrganView, meeting: Meeting
) -> Grant:
    """The organ decided in its meeting; the council decides council matters, once the
    executive board has had its say (KL 5:26)."""
    if trigger in NOT_DECISIONS:
        refuse(
            "NOT_A_DECISION",
            f"'{trigger}' is preparation or execution, not the organ's.",
            f"'{trigger}' är beredning eller verkställighet.",
        )
    if body.code != case.organ and not (
        body.code == case.council and _council_reserved(case) and trigger in DECISIONS
    ):
        refuse(
            "NOT_CASE_ORGAN",
            f"{body.code} does not decide {case.organ}'s '{trigger}'.",
            f"{body.code} beslutar inte '{trigger}' i {case.organ}:s ärende.",
        )
    if body.kind != COUNCIL and trigger in COUNCIL_DECIDES:
        _refuse_council_matter(case)
    if (
        body.kind == COUNCIL
        and trigger in ("approve", "reject")
        and case.organ_kind != "executive_board"
        and not meeting.executive_board_statement
    ):
        refuse(
            "NOT_PREPARED",
            "The council decides once the executive board has had the chance to comment: name "
            "its statement.",
            "Fullmäktige beslutar först när kommunstyrelsen fått yttra sig: ange yttrandet.",
            "KL 5:26",
        )
    _require_recorder(body.code, actor)
    return Grant(
        AuthorityKind.organ_decision,
        judge(trigger, body, meeting, minority_referral_used=case.minority_referral_used),
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
    first of operational and delegated that holds. Refused with every reason otherwise.
    ``organ`` and ``meeting`` are the deciding body's: the organ (or the council) for an organ
    decision, the sub-committee or presidium for a delegated one."""
    if actor.recused:
        raise Refused([RECUSED])
    if kind == AuthorityKind.organ_decision:
        if organ is None or meeting is None:
            refuse(
                "MEETING_REQUIRED",
                "An organ decision names its meeting.",
                "Ett nämndbeslut anger sitt sammanträde.",
            )
        return organ_decision(trigger, case, actor, organ, meeting)
    if kind == AuthorityKind.urgent_decision:
        return urgent(trigger, case, actor, order)
    if kind == AuthorityKind.operational:
        return operational(trigger, case, actor)
    if kind == AuthorityKind.delegated_decision:
        return delegated(trigger, case, actor, order, organ, meeting)
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
    raise Refused(list(dict.fromkeys(reasons)))  # each reason once, whichever path gave it


def _records_for_body(
    trigger: str, case: CaseView, actor: ActorView, order: OrderView | None
) -> bool:
    """A sub-committee or presidium holds the step, and the caller records its decisions."""
    if order is None or _non_delegable(case) is not None:
        return False
    return any(
        e.delegate.get("kind") in BODIES and is_recorder(str(e.delegate.get("organ")), actor)
        for e in order.covering(case.matter.code if case.matter else None, trigger)
    )


def available(
    trigger: str, case: CaseView, actor: ActorView, order: OrderView | None
) -> tuple[list[AuthorityKind], list[Reason]]:
    """The kinds of authority under which ``actor`` could take ``trigger`` now, and, when there
    are none, every reason why not. A decision in a meeting is offered to those who record the
    deciding body's decisions; quorum and votes are judged when the meeting is named."""
    if actor.recused:
        return [], [RECUSED]
    kinds: list[AuthorityKind] = []
    reasons: list[Reason] = []
    checks = [
        (AuthorityKind.operational, partial(operational, trigger, case, actor)),
        (AuthorityKind.delegated_decision, partial(delegated, trigger, case, actor, order)),
        (AuthorityKind.urgent_decision, partial(urgent, trigger, case, actor, order)),
    ]
    for kind, check in checks:
        try:
            check()
            kinds.append(kind)
        except Refused as refused:
            reasons += refused.reasons
    if AuthorityKind.delegated_decision not in kinds and _records_for_body(
        trigger, case, actor, order
    ):
        kinds.append(AuthorityKind.delegated_decision)
    if trigger not in NOT_DECISIONS:
        council_matter = _council_reserved(case) and case.organ_kind != COUNCIL
        deciders = [case.organ] if not council_matter or trigger not in COUNCIL_DECIDES else []
        if council_matter and trigger in DECISIONS and case.council:
            deciders.append(case.council)
        if any(is_recorder(decider, actor) for decider in deciders):
            kinds.append(AuthorityKind.organ_decision)
    return kinds, ([] if kinds else reasons)
