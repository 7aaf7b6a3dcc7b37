"""The resolver's authorization matrix, written down: every step of the default workflow × every
kind of actor × route × the case's flags × its price tag, under each authority a caller may name
(or none, letting the API pick). The expectations are rules read from BRIEF §5–6 and the law,
first match wins; they are never derived from the code under test. The cells where the code
disagrees with the brief or the law are strict xfails, one per step and disagreement, saying why.
Named tests cover what the matrix does not: subdelegation, substitutes, bodies deciding in
meetings, the council, KL 5:46, KL 5:50, votes and reservations."""

import dataclasses
import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from app.delegation.authority import resolve
from app.delegation.meetings import Meeting, OrganView, Votes
from app.delegation.reasons import Refused
from app.delegation.rules import MatterFacts
from app.delegation.views import (
    ActorView,
    AuthorityKind,
    CaseView,
    EntryView,
    Grant,
    OrderView,
    SubView,
)

OP, DEL = AuthorityKind.operational, AuthorityKind.delegated_decision
URG, ORG = AuthorityKind.urgent_decision, AuthorityKind.organ_decision

HEAD = {"kind": "position", "role": "head_of_administration", "unit": "UTB"}
MANAGER = {"kind": "position", "role": "unit_manager", "unit": "UTB-GRU"}
CHAIR = {"kind": "membership", "role": "chair"}
ORDER = OrderView(
    version=3,
    entries=(
        EntryView("3.2", ("skolskjuts",), ("approve", "reject"), HEAD, 500_000, True),
        EntryView("3.3", ("skolskjuts",), ("approve",), MANAGER, 50_000, True),
        EntryView("3.4", ("skolskjuts",), ("refer_back",), CHAIR, None, False),
        EntryView("1.1", (), ("approve", "reject"), CHAIR, None, True, urgent=True),
    ),
)


def actor(person_id, kind, seats=(), posts=()) -> ActorView:
    return ActorView(person_id, kind, frozenset(seats), frozenset(posts))


ACTORS = {
    "registrar": actor(1, "employee", posts=[("KLF", "registrar")]),
    "secretary": actor(2, "employee", seats=[("BUN", "secretary")]),
    "chair": actor(3, "elected", seats=[("BUN", "chair")]),
    "vice_chair": actor(4, "elected", seats=[("BUN", "vice_chair")]),
    "member": actor(5, "elected", seats=[("BUN", "member")]),
    "substitute": actor(6, "elected", seats=[("BUN", "substitute")]),
    "head": actor(7, "employee", posts=[("UTB", "head_of_administration")]),
    "manager": actor(8, "employee", posts=[("UTB-GRU", "unit_manager")]),
    "officer": actor(9, "employee", posts=[("UTB-GRU", "case_officer")]),
    "other_employee": actor(10, "employee", posts=[("SOC", "head_of_administration")]),
    "other_politician": actor(11, "elected", seats=[("SN", "chair")]),
    "proposer": actor(99, "elected", seats=[("KF", "member")]),
    "api_key": actor(None, None),  # a key acts as nobody, whoever owns it
}
FLAGS = {
    "none": frozenset(),
    "of_principle": frozenset({"of_principle"}),
    "goals": frozenset({"goals_direction_scope_quality"}),
    "council_reserved": frozenset({"council_reserved"}),
    "non_delegable_type": frozenset({"non_delegable_matter_type"}),
}
AMOUNTS = {"manager_limit": 20_000, "head_limit": 200_000, "over_limits": 600_000, "none": None}
ROUTES = ("political", "operational")
KINDS = {"picked": None, "operational": OP, "delegated": DEL, "urgent": URG, "organ": ORG}
TRIGGERS = frozenset(
    {"triage", "scope_assessment", "submit_assessment", "prioritise", "approve", "reject"}
    | {"refer_back", "start_implementation", "complete_implementation", "close", "withdraw"}
)
CASE = CaseView(
    organ="BUN",
    organ_kind="committee",
    units=("UTB-GRU", "UTB"),
    matter=MatterFacts("skolskjuts", False, False, False, "administrative_appeal"),
    flags=frozenset(),
    route="political",
    amount_sek=200_000,
    registered_by=99,
    council="KF",
)
BUN = OrganView(
    "BUN", seats=11, members=frozenset(range(100, 111)), substitutes=frozenset(), chair=100
)
QUORATE = Meeting(date(2027, 2, 10), "§ 12", frozenset(range(100, 108)))


@dataclass(frozen=True)
class Granted:
    kind: AuthorityKind
    entry: str | None = None  # the point of the order, for a delegated or urgent decision


@dataclass(frozen=True)
class Denied:
    codes: tuple[str, ...]


class AnyRefusal:
    """Only in an xfail cell the code allows: which reason the fix gives is its own choice."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Denied)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "refused (any reason)"


REFUSED = AnyRefusal()


def denied(*codes: str) -> Denied:
    return Denied(codes)


@dataclass(frozen=True)
class Rule:
    outcome: Any
    triggers: frozenset[str]
    actors: frozenset[str]
    routes: frozenset[str]
    flags: frozenset[str]
    amounts: frozenset[str]
    xfail: str | None

    def covers(self, trigger, who, route, flags, amount) -> bool:
        return (
            trigger in self.triggers
            and who in self.actors
            and route in self.routes
            and flags in self.flags
            and amount in self.amounts
        )


def rule(
    outcome,
    triggers=TRIGGERS,
    actors=ACTORS,
    routes=ROUTES,
    flags=FLAGS,
    amounts=AMOUNTS,
    xfail=None,
) -> Rule:
    sets = (frozenset(s) for s in (triggers, actors, routes, flags, amounts))
    return Rule(outcome, *sets, xfail)


# The expectations. A rule is an outcome — Granted(kind, point of the order) or denied(the exact
# reason codes, in order) — then the steps, actors, routes, flag sets and price tags it covers
# (every one when left out). The first rule covering a cell decides it.
PREPARATION = {"submit_assessment", "start_implementation", "complete_implementation"}
IMPLEMENTATION = {"start_implementation", "complete_implementation"}
DECIDE = {"approve", "reject"}
DECISIONS = DECIDE | {"refer_back"}
BY_ROUTE = {"prioritise", "close"}  # the organ's on the political route, the head's otherwise
KL_6_38 = {"of_principle", "goals", "non_delegable_type"}
RESERVED = {"council_reserved"}
RECORDERS = {"registrar", "secretary"}

# A case flagged after triage (a matter type made non-delegable or council-reserved) stays on
# the operational route; the posts may still prepare and execute, but its decisions are the
# organ's (BRIEF §5-6, KL 6:38).
MISROUTED = [
    rule(
        denied("COUNCIL_RESERVED"),
        BY_ROUTE | {"scope_assessment"},
        routes={"operational"},
        flags=RESERVED,
    ),
    rule(
        denied("NON_DELEGABLE"),
        BY_ROUTE | {"scope_assessment"},
        routes={"operational"},
        flags=KL_6_38,
    ),
]


def withdrawn_by_delegate(*first: str) -> list[Rule]:
    """BRIEF §5: on the operational route the deciding delegate withdraws, under the point that
    lets them approve or reject the case (``first``: the reasons of a path tried before)."""
    head_or_manager = {"head", "manager"}
    return [
        rule(
            Granted(DEL, "3.2"),
            {"withdraw"},
            {"head"},
            {"operational"},
            {"none"},
            {"manager_limit", "head_limit"},
        ),
        rule(
            Granted(DEL, "3.3"),
            {"withdraw"},
            {"manager"},
            {"operational"},
            {"none"},
            {"manager_limit"},
        ),
        rule(
            denied(*first, "AMOUNT_REQUIRED"),
            {"withdraw"},
            head_or_manager,
            {"operational"},
            {"none"},
            {"none"},
        ),
        rule(
            denied(*first, "AMOUNT_OVER_LIMIT"),
            {"withdraw"},
            head_or_manager,
            {"operational"},
            {"none"},
        ),
        rule(denied(*first, "NOT_DELEGATE"), {"withdraw"}, routes={"operational"}, flags={"none"}),
    ]


# What stands before any delegation (KL 5:1–2, 6:38), then the order's own entries.
BARRIERS = [
    rule(denied("COUNCIL_RESERVED"), flags=RESERVED),
    rule(denied("NON_DELEGABLE"), flags=KL_6_38),
]
DELEGATIONS = [
    rule(Granted(DEL, "3.4"), {"refer_back"}, {"chair"}),
    rule(denied("NOT_DELEGATE"), {"refer_back"}),
    rule(denied("NOT_DELEGATE"), DECIDE, set(ACTORS) - {"head", "manager"}),
    rule(denied("NOT_DELEGATE"), {"reject"}, {"manager"}),
    rule(denied("AMOUNT_REQUIRED"), DECIDE, amounts={"none"}),
    rule(denied("AMOUNT_OVER_LIMIT"), DECIDE, amounts={"over_limits"}),
    rule(denied("AMOUNT_OVER_LIMIT"), DECIDE, {"manager"}, amounts={"head_limit"}),
    rule(Granted(DEL, "3.3"), DECIDE, {"manager"}),
    rule(Granted(DEL, "3.2"), DECIDE, {"head"}),
]
# Preparation and execution by a post in the responsible unit (or the unit above it).
POSTS = [
    rule(Granted(OP), {"withdraw"}, {"proposer"}),
    rule(Granted(OP), {"triage", "scope_assessment"}, {"head"}),
    rule(Granted(OP), {"scope_assessment"}, {"manager"}, {"operational"}),
    rule(Granted(OP), {"submit_assessment"}, {"head", "manager", "officer"}),
    rule(Granted(OP), IMPLEMENTATION, {"head", "manager"}),
    rule(Granted(OP), BY_ROUTE, {"head"}, {"operational"}),
]


def refused_twice(first: str, triggers, routes=ROUTES) -> list[Rule]:
    """Tried as preparation, then as a delegation: refused with the reason of each."""
    return [
        rule(denied(first, "COUNCIL_RESERVED"), triggers, routes=routes, flags=RESERVED),
        rule(denied(first, "NON_DELEGABLE"), triggers, routes=routes, flags=KL_6_38),
        rule(denied(first, "NOT_DELEGATED"), triggers, routes=routes),
    ]


EXPECTED: dict[str, list[Rule]] = {
    "operational": [
        *MISROUTED,
        *POSTS,
        rule(denied("NOT_OPERATIONAL"), DECISIONS | {"withdraw"}),
        rule(denied("NOT_OPERATIONAL"), BY_ROUTE, routes={"political"}),
        rule(denied("NOT_IN_RESPONSIBLE_UNIT")),
    ],
    "delegated": [
        *BARRIERS,
        *withdrawn_by_delegate(),
        rule(denied("NOT_DELEGATED"), TRIGGERS - DECISIONS),
        *DELEGATIONS,
    ],
    "urgent": [  # KL 6:39: the chair, under the urgent clause, even a non-delegable matter
        rule(denied("COUNCIL_RESERVED"), flags=RESERVED),
        rule(Granted(URG, "1.1"), DECIDE, {"chair"}),
        rule(denied("URGENT_POWER_NOT_HELD")),
    ],
    "organ": [  # BUN in a quorate meeting, recorded by the actor
        rule(denied("NOT_A_DECISION"), PREPARATION),
        # The council decides a council matter; the committee may refer its preparation back.
        rule(denied("COUNCIL_RESERVED"), DECIDE, flags=RESERVED),
        rule(Granted(ORG), actors=RECORDERS),
        rule(denied("NOT_RECORDER")),
    ],
    "picked": [  # preparation by the caller's post where the step is one, else a delegation
        *MISROUTED,
        *POSTS,
        *withdrawn_by_delegate("NOT_OPERATIONAL"),
        rule(denied("NOT_IN_RESPONSIBLE_UNIT"), PREPARATION),
        *refused_twice("NOT_OPERATIONAL", {"withdraw"}),
        *refused_twice("NOT_IN_RESPONSIBLE_UNIT", {"triage", "scope_assessment"}),
        # (flagged, the organ's: MISROUTED above)
        rule(denied("NOT_IN_RESPONSIBLE_UNIT", "NOT_DELEGATED"), BY_ROUTE, routes={"operational"}),
        *BARRIERS,
        rule(denied("NOT_DELEGATED"), BY_ROUTE),
        *DELEGATIONS,
    ],
}

Cell = tuple[str, str, str, str, str]  # trigger, actor, route, flags, amount
CELLS: list[Cell] = list(itertools.product(sorted(TRIGGERS), ACTORS, ROUTES, FLAGS, AMOUNTS))


def first_rule(kind: str, cell: Cell) -> Rule:
    return next(r for r in EXPECTED[kind] if r.covers(*cell))


RULED = {(kind, cell): first_rule(kind, cell) for kind in KINDS for cell in CELLS}
# One test per kind × step, over every actor, route, flag set and price tag; the cells where the
# code disagrees with the brief or the law apart, a strict xfail per kind × step × disagreement.
GROUPS: dict[tuple[str, str, str | None], dict[Cell, Any]] = {}
for (kind, cell), found in RULED.items():
    GROUPS.setdefault((kind, cell[0], found.xfail), {})[cell] = found.outcome
ITEMS = [
    pytest.param(
        kind,
        expected,
        id=f"{kind}-{trigger}" + (f"-disputed-{len(expected)}-cells" if disputed else ""),
        marks=[pytest.mark.xfail(strict=True, reason=disputed)] if disputed else [],
    )
    for (kind, trigger, disputed), expected in GROUPS.items()
]


def outcome(kind: str, cell: Cell) -> Granted | Denied:
    trigger, who, route, flags, amount = cell
    case = dataclasses.replace(CASE, route=route, flags=FLAGS[flags], amount_sek=AMOUNTS[amount])
    meeting = {"organ": BUN, "meeting": QUORATE} if kind == "organ" else {}
    try:
        grant = resolve(trigger, case, ACTORS[who], kind=KINDS[kind], order=ORDER, **meeting)
    except Refused as refused:
        return Denied(tuple(reason.code for reason in refused.reasons))
    return Granted(grant.kind, grant.details.get("entry"))


@pytest.mark.parametrize(("kind", "expected"), ITEMS)
def test_authorization_matrix(kind, expected):
    assert {cell: outcome(kind, cell) for cell in expected} == expected


def test_every_rule_decides_some_cell():
    deciding = {id(found) for found in RULED.values()}
    assert {id(r) for rules in EXPECTED.values() for r in rules} == deciding


# Named tests: the paths a matrix over one order cannot show.


def priced(amount: int | None, **changes: Any) -> CaseView:
    return dataclasses.replace(CASE, amount_sek=amount, **changes)


def refusal(trigger, actor, case=CASE, **kwargs) -> list[str]:
    with pytest.raises(Refused) as refused:
        resolve(trigger, case, actor, **kwargs)
    return [reason.code for reason in refused.value.reasons]


PASSED_ON = dataclasses.replace(  # the head passes 3.2 on to the case officer (KL 7:6)
    ORDER, subdelegations=(SubView(41, "3.2", {"kind": "person", "person_id": 9}, granted_by=7),)
)


def test_a_subdelegation_lets_the_named_employee_decide_under_the_entry():
    grant = resolve("reject", CASE, ACTORS["officer"], kind=DEL, order=PASSED_ON)
    details = {"order_version": 3, "entry": "3.2", "subdelegation": 41, "subdelegated_by": 7}
    assert grant == Grant(DEL, details, report_to_organ=True)
    picked = resolve("approve", CASE, ACTORS["officer"], kind=None, order=PASSED_ON)
    assert picked.details["subdelegation"] == 41
    assert resolve("approve", CASE, ACTORS["head"], kind=DEL, order=PASSED_ON).details == {
        "order_version": 3,
        "entry": "3.2",
    }


def test_a_subdelegation_keeps_the_entrys_amount_limit():
    officer = ACTORS["officer"]
    assert refusal("approve", officer, priced(600_000), kind=DEL, order=PASSED_ON) == [
        "AMOUNT_OVER_LIMIT"
    ]
    assert refusal("approve", officer, priced(None), kind=DEL, order=PASSED_ON) == [
        "AMOUNT_REQUIRED"
    ]


@pytest.mark.parametrize(("who", "trigger"), [("other_employee", "approve"), ("manager", "reject")])
def test_only_the_holder_of_a_subdelegation_decides_under_it(who, trigger):
    assert refusal(trigger, ACTORS[who], kind=DEL, order=PASSED_ON) == ["NOT_DELEGATE"]


def test_a_delegate_of_a_narrower_entry_also_decides_under_a_subdelegation():
    passed_on = SubView(42, "3.2", {"kind": "person", "person_id": 8}, granted_by=7)
    order = dataclasses.replace(ORDER, subdelegations=(passed_on,))
    grant = resolve("approve", CASE, ACTORS["manager"], kind=DEL, order=order)
    assert grant.details == {
        "order_version": 3,
        "entry": "3.2",
        "subdelegation": 42,
        "subdelegated_by": 7,
    }


VICE_CHAIR = {"kind": "membership", "role": "vice_chair"}
STANDING_IN = OrderView(
    version=4,
    entries=(
        EntryView("3.2", ("skolskjuts",), ("approve",), HEAD, 500_000, True, substitute=MANAGER),
        EntryView("1.1", (), ("approve",), CHAIR, None, True, substitute=VICE_CHAIR, urgent=True),
    ),
)


def test_a_substitute_acts_only_while_the_delegate_is_absent():
    manager, vice_chair = ACTORS["manager"], ACTORS["vice_chair"]
    assert refusal("approve", manager, kind=DEL, order=STANDING_IN) == ["DELEGATE_NOT_ABSENT"]
    assert refusal("approve", vice_chair, kind=URG, order=STANDING_IN) == ["DELEGATE_NOT_ABSENT"]
    absent = dataclasses.replace(STANDING_IN, absent=frozenset({"3.2", "1.1"}))
    assert resolve("approve", CASE, manager, kind=DEL, order=absent).details == {
        "order_version": 4,
        "entry": "3.2",
        "substitute_for_absent_delegate": True,
    }
    urgent = resolve("approve", CASE, vice_chair, kind=URG, order=absent)
    assert urgent.details["substitute_for_absent_delegate"] is True
    assert refusal("approve", manager, priced(600_000), kind=DEL, order=absent) == [
        "AMOUNT_OVER_LIMIT"
    ]


def test_a_delegate_of_a_narrower_entry_also_stands_in_for_an_absent_delegate():
    order = dataclasses.replace(
        ORDER,
        entries=(STANDING_IN.entries[0], *ORDER.entries[1:]),
        absent=frozenset({"3.2"}),
    )
    grant = resolve("approve", CASE, ACTORS["manager"], kind=DEL, order=order)
    assert grant.details["substitute_for_absent_delegate"] is True


AU = OrganView(
    "BUN-AU",
    seats=5,
    members=frozenset(range(300, 305)),
    substitutes=frozenset({310}),
    kind="sub_committee",
)
BY_AU = OrderView(
    version=1,
    entries=(
        EntryView(
            "5.1",
            ("skolskjuts",),
            ("approve", "reject"),
            {"kind": "sub_committee", "organ": "BUN-AU"},
            1_000_000,
            True,
        ),
    ),
)


def au_meeting(*present: int) -> Meeting:
    return Meeting(date(2027, 2, 10), "AU § 4", frozenset(present))


def in_au(who, case=CASE, body=AU, meeting=None) -> dict[str, Any]:
    meeting = meeting or au_meeting(300, 301, 302)
    return {
        "actor": ACTORS[who],
        "case": case,
        "kind": DEL,
        "order": BY_AU,
        "organ": body,
        "meeting": meeting,
    }


def test_a_sub_committee_decides_in_its_meeting_recorded_by_a_registrar():
    grant = resolve("approve", **in_au("registrar"))
    assert grant == Grant(
        DEL,
        {
            "order_version": 1,
            "entry": "5.1",
            "organ": "BUN-AU",
            "held_on": "2027-02-10",
            "paragraph": "AU § 4",
            "present": [300, 301, 302],
            "substitutes_serving": [],
            "counted": 3,
            "seats": 5,
        },
        report_to_organ=True,
    )


def test_a_sub_committee_needs_its_own_quorum():
    assert refusal("approve", **in_au("registrar", meeting=au_meeting(300, 301))) == [
        "QUORUM_NOT_MET"
    ]


def test_a_body_the_entry_does_not_name_decides_nothing():
    presidium = dataclasses.replace(AU, code="BUN-PR", kind="presidium")
    assert refusal("approve", **in_au("registrar", body=presidium)) == ["NOT_DELEGATE"]
    assert refusal("refer_back", **in_au("registrar")) == ["NOT_DELEGATED"]


def test_a_sub_committee_decision_is_recorded_by_a_registrar_within_the_entry():
    assert refusal("approve", **in_au("chair")) == ["NOT_RECORDER"]
    assert refusal("approve", **in_au("registrar", case=priced(1_500_000))) == ["AMOUNT_OVER_LIMIT"]
    flagged = dataclasses.replace(CASE, flags=FLAGS["goals"])
    assert refusal("approve", **in_au("registrar", case=flagged)) == ["NON_DELEGABLE"]


def test_a_body_without_its_meeting_decides_nothing():
    assert refusal("approve", ACTORS["api_key"], kind=DEL, order=BY_AU, organ=AU) == [
        "MEETING_REQUIRED"
    ]


KF = OrganView(
    "KF", seats=11, members=frozenset(range(500, 511)), substitutes=frozenset(), kind="council"
)
KF_SECRETARY = actor(20, "employee", seats=[("KF", "secretary")])
COUNCIL_MATTER = dataclasses.replace(CASE, flags=FLAGS["council_reserved"])


def kf_meeting(present=range(500, 509), **more: Any) -> Meeting:
    return Meeting(date(2027, 3, 1), "KF § 30", frozenset(present), **more)


PREPARED = {"executive_board_statement": "KS 2027-02-15 § 12"}


@pytest.mark.parametrize("recorder", [KF_SECRETARY, ACTORS["registrar"]])
def test_the_council_decides_a_council_matter_once_the_board_has_commented(recorder):
    grant = resolve(
        "approve", COUNCIL_MATTER, recorder, kind=ORG, organ=KF, meeting=kf_meeting(**PREPARED)
    )
    assert (grant.kind, grant.details["organ"]) == (ORG, "KF")
    assert grant.details["executive_board_statement"] == "KS 2027-02-15 § 12"
    assert refusal(
        "approve", recorder, COUNCIL_MATTER, kind=ORG, organ=KF, meeting=kf_meeting()
    ) == ["NOT_PREPARED"]


def test_only_the_councils_recorders_record_its_decisions():
    meeting = kf_meeting(**PREPARED)
    assert refusal(
        "approve", ACTORS["secretary"], COUNCIL_MATTER, kind=ORG, organ=KF, meeting=meeting
    ) == ["NOT_RECORDER"]


@pytest.mark.parametrize(
    ("trigger", "case", "body"),
    [
        ("approve", COUNCIL_MATTER, dataclasses.replace(BUN, code="SN")),
        ("approve", COUNCIL_MATTER, dataclasses.replace(KF, code="KS", kind="executive_board")),
        ("approve", CASE, KF),
        ("prioritise", COUNCIL_MATTER, KF),
    ],
    ids=["another_committee", "the_executive_board", "not_a_council_matter", "not_a_decision"],
)
def test_any_other_organ_does_not_decide_the_case(trigger, case, body):
    meeting = kf_meeting(present=body.members, **PREPARED)
    assert refusal(trigger, ACTORS["registrar"], case, kind=ORG, organ=body, meeting=meeting) == [
        "NOT_CASE_ORGAN"
    ]


def test_kl_5_46_the_council_goes_on_when_only_recusals_take_it_below_quorum():
    recused = dataclasses.replace(KF, recused=frozenset({500}))
    six = kf_meeting(present=range(500, 506), **PREPARED)
    grant = resolve("approve", COUNCIL_MATTER, KF_SECRETARY, kind=ORG, organ=recused, meeting=six)
    assert (grant.details["counted"], grant.details["quorum_exception"]) == (5, "KL 5:46")
    five = kf_meeting(present=range(500, 505), **PREPARED)
    assert refusal("approve", KF_SECRETARY, COUNCIL_MATTER, kind=ORG, organ=KF, meeting=five) == [
        "QUORUM_NOT_MET"
    ]
    committee = dataclasses.replace(BUN, recused=frozenset({100}))
    six_in_bun = Meeting(date(2027, 2, 10), "§ 3", frozenset(range(100, 106)))
    assert refusal(
        "approve", ACTORS["secretary"], kind=ORG, organ=committee, meeting=six_in_bun
    ) == ["QUORUM_NOT_MET"]


REQUESTERS = frozenset({500, 501, 502})  # a third of the nine present
LOSING = Votes(in_favour=REQUESTERS, against=frozenset(range(503, 509)))
WINNING = Votes(in_favour=frozenset(range(500, 505)), against=frozenset(range(505, 509)))


def referral(requesters=REQUESTERS, votes=None, used=False, case=COUNCIL_MATTER, body=KF) -> Grant:
    case = dataclasses.replace(case, minority_referral_used=used)
    meeting = kf_meeting(requesters=requesters, votes=votes)
    return resolve("refer_back", case, ACTORS["registrar"], kind=ORG, organ=body, meeting=meeting)


def referral_refused(**kwargs: Any) -> list[str]:
    with pytest.raises(Refused) as refused:
        referral(**kwargs)
    return [reason.code for reason in refused.value.reasons]


def test_council_minority_referral_back_only_once():
    first = referral(votes=LOSING)
    assert first.details["minority_referral"] is True
    assert first.details["requesters"] == [500, 501, 502]
    assert referral_refused(used=True) == ["MINORITY_RIGHT_EXHAUSTED"]
    assert referral_refused(used=True, votes=LOSING) == ["MOTION_NOT_CARRIED"]
    second = referral(used=True, votes=WINNING)
    assert "minority_referral" not in second.details


def test_fewer_than_a_third_need_a_majority():
    assert referral_refused(requesters=frozenset({500, 501})) == ["MINORITY_TOO_SMALL"]
    few = Votes(frozenset({500, 501}), frozenset(range(502, 509)))
    assert referral_refused(requesters=frozenset({500, 501}), votes=few) == ["MOTION_NOT_CARRIED"]


def test_a_committee_refers_back_by_majority_only():
    committee = dataclasses.replace(KF, code="BUN", kind="committee")
    assert referral_refused(votes=LOSING, case=CASE, body=committee) == ["MOTION_NOT_CARRIED"]


def bun_vote(votes: Votes, reservations=(), body=BUN) -> dict[str, Any]:
    meeting = Meeting(
        date(2027, 2, 10),
        "§ 12",
        frozenset(range(100, 106)),
        votes=votes,
        reservations=reservations,
    )
    return {"actor": ACTORS["secretary"], "kind": ORG, "organ": body, "meeting": meeting}


FOR, AGAINST = frozenset({100, 101, 102, 103}), frozenset({104, 105})


@pytest.mark.parametrize(
    ("votes", "body", "code"),
    [
        (Votes(FOR, AGAINST | {103}), BUN, "VOTED_TWICE"),
        (Votes(FOR, AGAINST, frozenset({103})), BUN, "VOTED_TWICE"),
        (Votes(FOR | {107}, AGAINST), BUN, "NOT_PRESENT"),
        (
            Votes(FOR, AGAINST),
            dataclasses.replace(BUN, seats=7, recused=frozenset({101})),
            "RECUSED_IN_RECORD",
        ),
    ],
    ids=["for_and_against", "for_and_abstaining", "absent_voter", "recused_voter"],
)
def test_each_member_present_and_not_recused_votes_once(votes, body, code):
    assert refusal("approve", **bun_vote(votes, body=body)) == [code]


def test_a_reservation_is_for_those_who_did_not_vote_for_the_decision():
    in_favour = ((100, "Jag reserverar mig"),)
    assert refusal("approve", **bun_vote(Votes(FOR, AGAINST), in_favour)) == [
        "RESERVATION_NOT_ALLOWED"
    ]
    against = ((104, "Till förmån för eget yrkande"),)
    grant = resolve("approve", CASE, **bun_vote(Votes(FOR, AGAINST), against))
    assert grant.details["reservations"] == [{"person_id": 104, "text": against[0][1]}]
    assert grant.details["votes"]["in_favour"] == [100, 101, 102, 103]


def test_one_who_abstained_cannot_reserve():
    votes = Votes(FOR, frozenset({104}), frozenset({105}))
    with pytest.raises(Refused):
        resolve("approve", CASE, **bun_vote(votes, ((105, "Reservation"),)))


def test_the_chairs_casting_vote_decides_a_tie():
    tie = Votes(frozenset({100, 101, 102}), frozenset({103, 104, 105}))
    grant = resolve("approve", CASE, **bun_vote(tie))
    assert grant.details["votes"]["in_favour"] == [100, 101, 102]
