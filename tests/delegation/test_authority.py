"""Who may take which step: the authority resolver as pure functions, table-driven over actors
and triggers, and one named test per rule of KL."""

import dataclasses
from datetime import date

import pytest

from app.delegation.authority import resolve
from app.delegation.meetings import Meeting, OrganView
from app.delegation.reasons import Refused
from app.delegation.rules import MatterFacts
from app.delegation.views import (
    ActorView,
    AuthorityKind,
    CaseView,
    EntryView,
    OrderView,
    SubView,
)

SKOLSKJUTS = MatterFacts("skolskjuts", False, False, False, "administrative_appeal")
CASE = CaseView(
    organ="BUN",
    organ_kind="committee",
    units=("UTB-GRU", "UTB"),
    matter=SKOLSKJUTS,
    flags=frozenset(),
    route="political",
    amount_sek=100_000,
    registered_by=99,
)
ORDER = OrderView(
    version=3,
    entries=(
        EntryView(
            "3.2",
            ("skolskjuts",),
            ("approve", "reject"),
            {"kind": "position", "role": "head_of_administration", "unit": "UTB"},
            500_000,
            True,
        ),
        EntryView(
            "3.3",
            ("skolskjuts",),
            ("approve",),
            {"kind": "position", "role": "unit_manager", "unit": "UTB-GRU"},
            50_000,
            True,
        ),
        EntryView(
            "3.4",
            ("skolskjuts",),
            ("refer_back",),
            {"kind": "membership", "role": "chair"},
            None,
            False,
        ),
        EntryView(  # the clause for urgent matters: every matter type
            "1.1",
            (),
            ("approve", "reject"),
            {"kind": "membership", "role": "chair"},
            None,
            True,
            substitute={"kind": "membership", "role": "vice_chair"},
            urgent=True,
        ),
    ),
)


def actor(person_id: int, kind: str, seats=(), posts=(), recused=False) -> ActorView:
    return ActorView(person_id, kind, frozenset(seats), frozenset(posts), recused)


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
}

OP, DEL = "operational", "delegated_decision"
# Without naming an authority (the API picks: operational, then delegated), on the political
# route: the kind granted, or the reason codes of the refusal.
EXPECTED = {
    "triage": {"head": OP},
    "scope_assessment": {"head": OP},
    "submit_assessment": {"head": OP, "manager": OP, "officer": OP},
    "prioritise": {},
    "approve": {"head": DEL},
    "reject": {"head": DEL},
    "refer_back": {"chair": DEL},
    "start_implementation": {"head": OP, "manager": OP},
    "complete_implementation": {"head": OP, "manager": OP},
    "close": {},
    "withdraw": {"proposer": OP},
}
CELLS = [(trigger, name) for trigger in EXPECTED for name in ACTORS]


@pytest.mark.parametrize(("trigger", "name"), CELLS)
def test_authorization_matrix(trigger, name):
    expected = EXPECTED[trigger].get(name)
    outcome = _outcome(trigger, ACTORS[name])
    assert outcome == (expected or "refused"), (trigger, name)


def _outcome(trigger: str, who: ActorView) -> str:
    try:
        return resolve(trigger, CASE, who, kind=None, order=ORDER).kind.value
    except Refused:
        return "refused"


def refusal(trigger, who, case=CASE, **kwargs) -> list[str]:
    with pytest.raises(Refused) as refused:
        resolve(trigger, case, who, **kwargs)
    return [reason.code for reason in refused.value.reasons]


def test_the_manager_decides_small_amounts_and_the_head_larger_ones():
    small = CaseView(**{**CASE.__dict__, "amount_sek": 20_000})
    grant = resolve("approve", small, ACTORS["manager"], kind=None, order=ORDER)
    assert grant.details == {"order_version": 3, "entry": "3.3"}
    assert grant.report_to_organ


def test_amount_over_the_limit():
    big = CaseView(**{**CASE.__dict__, "amount_sek": 600_000})
    assert refusal(
        "approve", ACTORS["head"], big, kind=AuthorityKind.delegated_decision, order=ORDER
    ) == ["AMOUNT_OVER_LIMIT"]


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        ({"of_principle"}, "NON_DELEGABLE"),
        ({"goals_direction_scope_quality"}, "NON_DELEGABLE"),
        ({"council_reserved"}, "COUNCIL_RESERVED"),
    ],
)
def test_non_delegable_matters_are_refused_to_delegates(flags, code):
    flagged = CaseView(**{**CASE.__dict__, "flags": frozenset(flags)})
    assert refusal(
        "approve", ACTORS["head"], flagged, kind=AuthorityKind.delegated_decision, order=ORDER
    ) == [code]


def test_no_order_in_force():
    assert refusal(
        "approve", ACTORS["head"], kind=AuthorityKind.delegated_decision, order=None
    ) == ["DELEGATION_NOT_IN_FORCE"]


def test_not_the_delegate_names_the_points():
    with pytest.raises(Refused) as refused:
        resolve(
            "approve", CASE, ACTORS["officer"], kind=AuthorityKind.delegated_decision, order=ORDER
        )
    reason = refused.value.reasons[0]
    assert reason.code == "NOT_DELEGATE"
    assert "punkt 3.2, 3.3" in reason.message_sv


def test_employee_cannot_take_urgent_decision():
    assert refusal("approve", ACTORS["head"], kind=AuthorityKind.urgent_decision, order=ORDER) == [
        "URGENT_POWER_NOT_HELD"
    ]


def test_chair_takes_an_urgent_decision_even_on_a_non_delegable_matter():
    flagged = CaseView(**{**CASE.__dict__, "flags": frozenset({"goals_direction_scope_quality"})})
    grant = resolve(
        "approve", flagged, ACTORS["chair"], kind=AuthorityKind.urgent_decision, order=ORDER
    )
    assert grant.kind == AuthorityKind.urgent_decision
    assert grant.report_to_organ


BUN = OrganView(
    "BUN", seats=11, members=frozenset(range(100, 111)), substitutes=frozenset(range(200, 206))
)


def meeting(present, substitutes=()):
    return Meeting(date(2027, 2, 10), "§ 12", frozenset(present), frozenset(substitutes))


def test_quorum_is_more_than_half_the_seats():
    five = meeting(range(100, 105))
    assert refusal(
        "approve", ACTORS["secretary"], kind=AuthorityKind.organ_decision, organ=BUN, meeting=five
    ) == ["QUORUM_NOT_MET"]
    six = meeting(range(100, 105), substitutes=[200])
    grant = resolve(
        "approve",
        CASE,
        ACTORS["secretary"],
        kind=AuthorityKind.organ_decision,
        organ=BUN,
        meeting=six,
    )
    assert grant.details["counted"] == 6


def test_recused_members_are_not_counted():
    recused = OrganView(**{**BUN.__dict__, "recused": frozenset({100})})
    six = meeting(range(100, 106))
    assert refusal(
        "approve",
        ACTORS["registrar"],
        kind=AuthorityKind.organ_decision,
        organ=recused,
        meeting=six,
    ) == ["QUORUM_NOT_MET"]


def test_people_who_hold_no_seat_cannot_be_counted_present():
    outsiders = meeting([*range(100, 103), 300, 301, 302])
    assert refusal(
        "approve",
        ACTORS["secretary"],
        kind=AuthorityKind.organ_decision,
        organ=BUN,
        meeting=outsiders,
    ) == ["NOT_MEMBER"]


@pytest.mark.parametrize("name", ["chair", "head", "member"])
def test_only_the_secretary_or_a_registrar_records_organ_decisions(name):
    assert refusal(
        "approve",
        ACTORS[name],
        kind=AuthorityKind.organ_decision,
        organ=BUN,
        meeting=meeting(range(100, 110)),
    ) == ["NOT_RECORDER"]


def test_execution_is_not_an_organ_decision():
    assert refusal(
        "start_implementation",
        ACTORS["secretary"],
        kind=AuthorityKind.organ_decision,
        organ=BUN,
        meeting=meeting(range(100, 110)),
    ) == ["NOT_A_DECISION"]


def test_a_recused_person_may_do_nothing():
    recused = ActorView(**{**ACTORS["head"].__dict__, "recused": True})
    assert refusal("triage", recused, kind=None, order=ORDER) == ["RECUSED"]


def test_the_operational_route_lets_the_head_prioritise_and_close():
    operational = CaseView(**{**CASE.__dict__, "route": "operational"})
    assert resolve("prioritise", operational, ACTORS["head"], kind=None).kind == OP
    assert resolve("close", operational, ACTORS["head"], kind=None).kind == OP
    assert resolve("scope_assessment", operational, ACTORS["manager"], kind=None).kind == OP


def test_a_refusal_gives_the_reasons_of_every_path_tried():
    assert refusal("approve", ACTORS["officer"], kind=None, order=ORDER) == ["NOT_DELEGATE"]
    assert refusal("triage", ACTORS["officer"], kind=None, order=ORDER) == [
        "NOT_IN_RESPONSIBLE_UNIT",
        "NOT_DELEGATED",
    ]
    assert refusal("start_implementation", ACTORS["officer"], kind=None, order=ORDER) == [
        "NOT_IN_RESPONSIBLE_UNIT"
    ]


# Every actor approving under each named authority, with a quorate meeting: granted ("ok") or
# the exact reason code.
U, R, NOT_DEL = "URGENT_POWER_NOT_HELD", "NOT_RECORDER", "NOT_DELEGATE"
DECISION_MATRIX = {
    #                  delegated            urgent  organ
    "registrar": (NOT_DEL, U, "ok"),
    "secretary": (NOT_DEL, U, "ok"),
    "chair": (NOT_DEL, "ok", R),
    "vice_chair": (NOT_DEL, "DELEGATE_NOT_ABSENT", R),
    "member": (NOT_DEL, U, R),
    "substitute": (NOT_DEL, U, R),
    "head": ("ok", U, R),
    "manager": ("AMOUNT_OVER_LIMIT", U, R),
    "officer": (NOT_DEL, U, R),
    "other_employee": (NOT_DEL, U, R),
    "other_politician": (NOT_DEL, U, R),
    "proposer": (NOT_DEL, U, R),
}
KINDS = [
    AuthorityKind.delegated_decision,
    AuthorityKind.urgent_decision,
    AuthorityKind.organ_decision,
]
DECISION_CELLS = [
    (name, kind, DECISION_MATRIX[name][i]) for name in ACTORS for i, kind in enumerate(KINDS)
]


@pytest.mark.parametrize(("name", "kind", "expected"), DECISION_CELLS)
def test_decision_matrix(name, kind, expected):
    quorate = meeting(range(100, 108))
    try:
        in_meeting = (
            {"organ": BUN, "meeting": quorate} if kind == AuthorityKind.organ_decision else {}
        )
        resolve("approve", CASE, ACTORS[name], kind=kind, order=ORDER, **in_meeting)
        outcome = "ok"
    except Refused as refused:
        outcome = ",".join(reason.code for reason in refused.reasons)
    assert outcome == expected


def test_a_committee_cannot_decide_a_council_matter():
    reserved = CaseView(**{**CASE.__dict__, "flags": frozenset({"council_reserved"})})
    assert refusal(
        "approve",
        ACTORS["secretary"],
        reserved,
        kind=AuthorityKind.organ_decision,
        organ=BUN,
        meeting=meeting(range(100, 110)),
    ) == ["COUNCIL_RESERVED"]
    council = CaseView(**{**reserved.__dict__, "organ": "KF", "organ_kind": "council"})
    kf_secretary = ActorView(2, "employee", frozenset({("KF", "secretary")}), frozenset())
    kf = OrganView(
        "KF", seats=11, members=frozenset(range(100, 111)), substitutes=frozenset(), kind="council"
    )
    prepared = Meeting(
        date(2027, 2, 10), "§ 12", frozenset(range(100, 110)), executive_board_statement="KS § 3"
    )
    grant = resolve(
        "approve",
        council,
        kf_secretary,
        kind=AuthorityKind.organ_decision,
        organ=kf,
        meeting=prepared,
    )
    assert grant.kind == AuthorityKind.organ_decision


def test_a_post_decides_only_for_its_own_units_cases():
    other_unit = ActorView(12, "employee", frozenset(), frozenset({("UTB-FSK", "unit_manager")}))
    order = OrderView(
        version=1,
        entries=(
            EntryView(
                "1.2",
                ("skolskjuts",),
                ("approve",),
                {"kind": "position", "role": "unit_manager", "unit": "UTB-FSK"},
                None,
                True,
            ),
        ),
    )
    assert refusal("approve", other_unit, kind=AuthorityKind.delegated_decision, order=order) == [
        "NOT_DELEGATE"
    ]


def test_urgent_power_is_for_decisions_of_a_committee_on_its_own_matters():
    chair = ACTORS["chair"]
    assert refusal("refer_back", chair, kind=AuthorityKind.urgent_decision, order=ORDER) == [
        "URGENT_POWER_NOT_HELD"
    ]
    reserved = CaseView(**{**CASE.__dict__, "flags": frozenset({"council_reserved"})})
    assert refusal("approve", chair, reserved, kind=AuthorityKind.urgent_decision, order=ORDER) == [
        "COUNCIL_RESERVED"
    ]
    council = CaseView(**{**CASE.__dict__, "organ": "KF", "organ_kind": "council"})
    kf_chair = ActorView(3, "elected", frozenset({("KF", "chair")}), frozenset())
    assert refusal(
        "approve", kf_chair, council, kind=AuthorityKind.urgent_decision, order=ORDER
    ) == ["URGENT_POWER_NOT_HELD"]


def test_a_limited_delegation_needs_the_price_tag():
    unpriced = CaseView(**{**CASE.__dict__, "amount_sek": None})
    assert refusal(
        "approve", ACTORS["head"], unpriced, kind=AuthorityKind.delegated_decision, order=ORDER
    ) == ["AMOUNT_REQUIRED"]


def test_a_non_delegable_matter_type_is_not_delegated():
    flagged = CaseView(**{**CASE.__dict__, "flags": frozenset({"non_delegable_matter_type"})})
    assert refusal(
        "approve", ACTORS["head"], flagged, kind=AuthorityKind.delegated_decision, order=ORDER
    ) == ["NON_DELEGABLE"]


def test_the_organ_is_not_offered_a_council_matter():
    from app.delegation.authority import available

    reserved = CaseView(**{**CASE.__dict__, "flags": frozenset({"council_reserved"})})
    kinds, _ = available("approve", reserved, ACTORS["secretary"], ORDER)
    assert AuthorityKind.organ_decision not in kinds


def test_the_narrowest_covering_point_is_recorded():
    order = OrderView(
        version=1,
        entries=(
            EntryView(
                "9.1",
                ("skolskjuts",),
                ("approve",),
                {"kind": "position", "role": "head_of_administration", "unit": "UTB"},
                None,
                False,
            ),
            EntryView(
                "9.2",
                ("skolskjuts",),
                ("approve",),
                {"kind": "position", "role": "head_of_administration", "unit": "UTB"},
                200_000,
                True,
            ),
        ),
    )
    grant = resolve(
        "approve", CASE, ACTORS["head"], kind=AuthorityKind.delegated_decision, order=order
    )
    assert grant.details["entry"] == "9.2"


SUBSTITUTED = OrderView(
    version=2,
    entries=(
        EntryView(
            "3.2",
            ("skolskjuts",),
            ("approve",),
            {"kind": "position", "role": "head_of_administration", "unit": "UTB"},
            500_000,
            True,
            substitute={"kind": "position", "role": "unit_manager", "unit": "UTB-GRU"},
        ),
    ),
)


def test_the_substitute_acts_only_while_the_delegate_is_absent():
    assert refusal(
        "approve", ACTORS["manager"], kind=AuthorityKind.delegated_decision, order=SUBSTITUTED
    ) == ["DELEGATE_NOT_ABSENT"]
    absent = dataclasses.replace(SUBSTITUTED, absent=frozenset({"3.2"}))
    grant = resolve(
        "approve", CASE, ACTORS["manager"], kind=AuthorityKind.delegated_decision, order=absent
    )
    assert grant.details == {
        "order_version": 2,
        "entry": "3.2",
        "substitute_for_absent_delegate": True,
    }
    assert (
        resolve(
            "approve", CASE, ACTORS["head"], kind=AuthorityKind.delegated_decision, order=absent
        ).details["entry"]
        == "3.2"
    )


# What a review found: each a rule of the law the resolver now keeps.

UTB_HEAD = {"kind": "position", "role": "head_of_administration", "unit": "UTB"}


def test_a_subdelegate_decides_no_further_than_the_post_that_passed_it_on():
    """KL 7:6: the employee holds the head's power, within the head's administration."""
    order = OrderView(
        1,
        (EntryView("4.1", ("skolskjuts",), ("approve",), UTB_HEAD, None, True),),
        subdelegations=(SubView(7, "4.1", {"kind": "person", "person_id": 9}, granted_by=7),),
    )
    elsewhere = dataclasses.replace(CASE, units=("KULT-BIB", "KULT"))
    assert refusal("approve", ACTORS["officer"], elsewhere, kind=DEL, order=order) == [
        "NOT_DELEGATE"
    ]
    assert (
        resolve("approve", CASE, ACTORS["officer"], kind=DEL, order=order).details["subdelegation"]
        == 7
    )


def test_an_automated_function_decides_only_appealable_non_procurement_cases():
    """KL 6:38 second paragraph, judged on the case as well as at adoption."""
    order = OrderView(
        1,
        (
            EntryView(
                "7.1",
                ("skolskjuts",),
                ("approve",),
                {"kind": "automated", "function": "e-tjanst"},
                None,
                True,
            ),
        ),
    )
    machine = ActorView(None, None, frozenset(), frozenset(), function="e-tjanst")
    appealable = dataclasses.replace(CASE, appeal_route="administrative_appeal")
    assert resolve("approve", appealable, machine, kind=DEL, order=order).kind == DEL
    for case in (
        CASE,  # judicial review
        dataclasses.replace(appealable, flags=frozenset({"procurement"})),
    ):
        assert refusal("approve", machine, case, kind=DEL, order=order) == ["NOT_DELEGATE"]


def test_a_named_delegate_decides_only_while_holding_a_seat_or_a_post():
    order = OrderView(
        1,
        (
            EntryView(
                "5.1", ("skolskjuts",), ("approve",), {"kind": "person", "person_id": 5}, None, True
            ),
        ),
    )
    seated = ACTORS["member"]
    assert resolve("approve", CASE, seated, kind=DEL, order=order).kind == DEL
    unseated = ActorView(5, "elected", frozenset(), frozenset())
    assert refusal("approve", unseated, kind=DEL, order=order) == ["NOT_DELEGATE"]


def test_the_proposer_withdraws_only_before_the_decision():
    proposer = ACTORS["proposer"]
    for state in ("proposed", "decision"):
        undecided = dataclasses.replace(CASE, state=state)
        assert resolve("withdraw", undecided, proposer, kind=None, order=ORDER).kind == OP
    decided = dataclasses.replace(CASE, state="planning")
    assert "NOT_OPERATIONAL" in refusal("withdraw", proposer, decided, kind=None, order=ORDER)


def test_an_unlimited_point_needs_no_price_tag():
    order = OrderView(
        1,
        (
            EntryView("3.2", ("skolskjuts",), ("approve",), UTB_HEAD, 500_000, True),
            EntryView("3.5", ("skolskjuts",), ("approve",), UTB_HEAD, None, True),
        ),
    )
    unpriced = dataclasses.replace(CASE, amount_sek=None)
    assert (
        resolve("approve", unpriced, ACTORS["head"], kind=DEL, order=order).details["entry"]
        == "3.5"
    )


def test_substitutes_serve_only_for_absent_members():
    crowded = meeting(range(100, 106), substitutes=range(200, 206))  # 12 for 11 seats
    assert refusal(
        "approve",
        ACTORS["secretary"],
        kind=AuthorityKind.organ_decision,
        organ=BUN,
        meeting=crowded,
    ) == ["MORE_SEATED_THAN_SEATS"]
