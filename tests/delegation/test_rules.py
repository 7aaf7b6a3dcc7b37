"""The law of delegation orders as pure rules: each refusal with its code and entry."""

import pytest

from app.delegation.rules import EntryFacts, MatterFacts, problems_of

MATTERS = {
    "skolskjuts": MatterFacts("skolskjuts", False, False, False, "administrative_appeal"),
    "mal": MatterFacts("mal", True, False, False, "judicial_review"),
    "budget": MatterFacts("budget", False, True, False, "judicial_review"),
    "inkop": MatterFacts("inkop", False, False, True, "administrative_appeal"),
}
ACTIONS = frozenset({"approve", "reject"})
HEAD = {"kind": "position", "role": "head_of_administration", "unit": "UTB"}
CHAIR = {"kind": "membership", "role": "chair"}


def entry(
    code="1.1",
    matters=("skolskjuts",),
    actions=("approve",),
    delegate=HEAD,
    substitute=None,
    limit=None,
) -> EntryFacts:
    return EntryFacts(code, tuple(matters), tuple(actions), delegate, substitute, limit)


def codes(*entries: EntryFacts) -> list[tuple[str, str]]:
    return [(p.entry, p.code) for p in problems_of(entries, MATTERS, ACTIONS)]


def test_a_lawful_order_has_no_problems():
    assert codes(entry(), entry("1.2", actions=("reject",), delegate=CHAIR)) == []


def test_non_delegable_matter():
    assert codes(entry(matters=("mal",))) == [("1.1", "NON_DELEGABLE")]


def test_council_reserved_matter():
    assert codes(entry(matters=("budget",))) == [("1.1", "COUNCIL_RESERVED")]


@pytest.mark.parametrize(
    "delegate",
    [
        {"kind": "position", "role": "case_officer", "unit": "UTB"},
        {"kind": "position", "role": "registrar", "unit": "UTB"},
        {"kind": "membership", "role": "member"},
        {"kind": "membership", "role": "substitute"},
    ],
)
def test_a_group_is_not_a_delegate(delegate):
    assert codes(entry(delegate=delegate)) == [("1.1", "INVALID_DELEGATE_GROUP")]
    assert codes(entry(substitute=delegate)) == [("1.1", "INVALID_DELEGATE_GROUP")]


@pytest.mark.parametrize("matter", ["inkop", "mal"])
def test_no_automated_decisions_on_procurement_or_judicial_review(matter):
    automated = {"kind": "automated", "function": "Beslutsmotor"}
    assert ("1.1", "AUTOMATED_DECISION_NOT_ALLOWED") in codes(
        entry(matters=(matter,), delegate=automated)
    )


def test_automated_decisions_where_the_law_allows_them():
    automated = {"kind": "automated", "function": "Beslutsmotor"}
    assert codes(entry(delegate=automated)) == []


def test_the_same_matter_action_and_limit_to_two_delegates_is_ambiguous():
    assert codes(entry(), entry("1.2", delegate=CHAIR)) == [("1.2", "AMBIGUOUS_DELEGATION")]


def test_amount_tiers_are_not_ambiguous():
    tiers = [
        entry(
            limit=100_000, delegate={"kind": "position", "role": "unit_manager", "unit": "UTB-GRU"}
        ),
        entry("1.2", limit=1_000_000),
    ]
    assert codes(*tiers) == []


def test_unknown_matter_type_and_action():
    assert codes(entry(matters=("okand",), actions=("teleport",))) == [
        ("1.1", "UNKNOWN_ACTION"),
        ("1.1", "UNKNOWN_MATTER_TYPE"),
    ]


def test_posts_in_different_units_do_not_compete():
    managers = [
        entry(
            f"1.{n}",
            delegate={"kind": "position", "role": "unit_manager", "unit": unit},
            limit=100_000,
        )
        for n, unit in enumerate(["UTB-GRU", "UTB-FSK"], start=1)
    ]
    assert codes(*managers) == []


def test_vice_chairs_are_a_group():
    assert codes(entry(delegate={"kind": "membership", "role": "vice_chair"})) == [
        ("1.1", "INVALID_DELEGATE_GROUP")
    ]


def test_no_automated_decisions_on_matters_that_cannot_be_appealed():
    matters = {**MATTERS, "intern": MatterFacts("intern", False, False, False, "not_appealable")}
    automated = {"kind": "automated", "function": "Beslutsmotor"}
    problems = problems_of([entry(matters=("intern",), delegate=automated)], matters, ACTIONS)
    assert [p.code for p in problems] == ["AUTOMATED_DECISION_NOT_ALLOWED"]
    as_substitute = entry(matters=("intern",), substitute=automated)
    assert [p.code for p in problems_of([as_substitute], matters, ACTIONS)] == [
        "AUTOMATED_DECISION_NOT_ALLOWED"
    ]


def test_only_a_head_of_administration_may_pass_a_delegation_on():
    manager = {"kind": "position", "role": "unit_manager", "unit": "UTB-GRU"}
    subdelegating = EntryFacts("1.1", ("skolskjuts",), ("approve",), manager, None, None, True)
    assert [p.code for p in problems_of([subdelegating], MATTERS, ACTIONS)] == [
        "INVALID_SUBDELEGATION"
    ]


def test_posts_in_nested_units_compete_for_the_lower_units_cases():
    """The head of UTB decides for UTB-GRU's cases too: the same band to both is ambiguous."""
    nested = [
        entry(limit=100_000),
        entry(
            "1.2",
            delegate={"kind": "position", "role": "unit_manager", "unit": "UTB-GRU"},
            limit=100_000,
        ),
    ]
    above = {"UTB-GRU": frozenset({"UTB"}), "UTB": frozenset()}
    found = [(p.entry, p.code) for p in problems_of(nested, MATTERS, ACTIONS, above)]
    assert found == [("1.2", "AMBIGUOUS_DELEGATION")]


def test_urgent_clauses_cover_every_matter_and_only_decisions_by_members():
    clause = EntryFacts("9.1", (), ("approve", "reject"), CHAIR, None, None, urgent=True)
    assert codes(clause) == []
    by_employee = EntryFacts("9.2", (), ("approve",), HEAD, None, None, urgent=True)
    assert codes(by_employee) == [("9.2", "URGENT_DELEGATE_NOT_MEMBER")]
    referral = EntryFacts("9.3", (), ("refer_back",), CHAIR, None, None, urgent=True)
    assert ("9.3", "URGENT_ACTION_NOT_ALLOWED") in codes(referral)


def test_an_urgent_clause_reaches_non_delegable_matters_but_not_the_councils():
    goals = EntryFacts("9.1", ("mal",), ("approve",), CHAIR, None, None, urgent=True)
    assert codes(goals) == []
    budget = EntryFacts("9.2", ("budget",), ("approve",), CHAIR, None, None, urgent=True)
    assert codes(budget) == [("9.2", "COUNCIL_RESERVED")]
