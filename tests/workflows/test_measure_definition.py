"""The measure flow, exhaustively and without a database: every (state, trigger) pair is
accepted with the right destination or refused with the right reason."""

import pytest

from app.workflows.definition import builtin
from app.workflows.engine import Engine
from app.workflows.errors import GuardRefused, UnknownTrigger, WrongState
from app.workflows.guards import Facts, Referral

DEFINITION = builtin("measure", 1)
ENGINE = Engine(DEFINITION)

STATES = [
    "proposed", "assessment", "valuation", "decision", "planning", "implementation",
    "follow_up", "closed", "rejected", "withdrawn",
]  # fmt: skip
OPEN = ["proposed", "assessment", "valuation", "decision", "planning"]

# The seed's flow (BRIEF §5): where each trigger leads from each state it may be fired in.
EXPECTED = {
    ("proposed", "triage"): "proposed",
    ("proposed", "scope_assessment"): "assessment",
    ("assessment", "submit_assessment"): "valuation",
    ("valuation", "prioritise"): "decision",
    ("decision", "approve"): "planning",
    ("decision", "reject"): "rejected",
    ("decision", "refer_back"): "assessment",
    ("planning", "start_implementation"): "implementation",
    ("implementation", "complete_implementation"): "follow_up",
    ("follow_up", "close"): "closed",
    **{(state, "withdraw"): "withdrawn" for state in OPEN},
}

VALID_PAYLOADS = {
    "triage": {"route": "political", "motivation": "Principiell fråga om skolskjuts"},
    "scope_assessment": {"level": "none", "motivation": "Ren verkställighet"},
    "submit_assessment": {},
    "prioritise": {"period": "2027", "score": 72.5, "motivation": "Hög nytta"},
    "approve": {"decision_text": "Nämnden bifaller förslaget", "decided_on": "2026-11-20"},
    "reject": {"decision_text": "Nämnden avslår", "motivation": "Medel saknas"},
    "refer_back": {"reason": "Belys kostnaderna", "requested_by": ["Eva Ek"]},
    "start_implementation": {"responsible_unit": "UTB-GRU", "budget_sek": 250000},
    "complete_implementation": {"outcome_summary": "Genomfört enligt plan"},
    "close": {"report": {"conclusions": "Målen nåddes", "indicators": [{"name": "n", "value": 1}]}},
    "withdraw": {"reason": "Förslagsställaren drog tillbaka"},
}

READY = Facts(
    state="proposed",
    route="political",
    assessment_level="none",
    assessment={"motivation": "Ren verkställighet"},
)


def ready_in(state: str) -> Facts:
    return Facts(
        state=state,
        route=READY.route,
        assessment_level=READY.assessment_level,
        assessment=READY.assessment,
    )


def fire(state: str, trigger: str):
    return ENGINE.fire(
        ready_in(state), trigger, ENGINE.parse_payload(trigger, VALID_PAYLOADS[trigger])
    )


def test_the_definition_has_the_seeds_states_and_triggers():
    assert [s.name for s in DEFINITION.states] == STATES
    assert {t.name for t in DEFINITION.triggers} == set(VALID_PAYLOADS)
    assert DEFINITION.final_states == {"closed", "rejected", "withdrawn"}
    assert all(s.label_sv and s.label_en for s in DEFINITION.states)
    assert all(t.label_sv and t.label_en for t in DEFINITION.triggers)


REFUSED = [
    (state, trigger)
    for state in STATES
    for trigger in sorted(VALID_PAYLOADS)
    if (state, trigger) not in EXPECTED
]


@pytest.mark.parametrize(("state", "trigger"), sorted(EXPECTED))
def test_every_edge_leads_where_the_flow_says(state, trigger):
    firing = fire(state, trigger)
    assert (firing.from_state, firing.to_state) == (state, EXPECTED[(state, trigger)])


@pytest.mark.parametrize(("state", "trigger"), REFUSED)
def test_every_other_state_and_trigger_is_the_wrong_state(state, trigger):
    with pytest.raises(WrongState):
        fire(state, trigger)
    with pytest.raises(WrongState):
        ENGINE.applicable(state, trigger)


def test_the_tables_cover_every_pair():
    assert len(EXPECTED) + len(REFUSED) == len(STATES) * len(VALID_PAYLOADS)


def test_options_list_the_triggers_of_the_state_in_definition_order():
    names = [option.trigger.name for option in ENGINE.options(ready_in("decision"))]
    assert names == ["approve", "reject", "refer_back", "withdraw"]


def test_unknown_trigger():
    with pytest.raises(UnknownTrigger):
        ENGINE.fire(
            ready_in("proposed"), "explode", ENGINE.parse_payload("withdraw", {"reason": "x"})
        )


# Guards: each refusal, and that a refusal is reported with every reason at once.


def refusal_codes(facts: Facts, trigger: str, payload: dict) -> list[str]:
    with pytest.raises(GuardRefused) as refused:
        ENGINE.fire(facts, trigger, ENGINE.parse_payload(trigger, payload))
    return [problem.code for problem in refused.value.problems]


@pytest.mark.parametrize(
    "flags",
    [{"council_reserved"}, {"goals_direction_scope_quality"}, {"proposal_to_council"},
     {"citizen_proposal"}, {"special_law_forbids_delegation"}, {"of_principle"}],
)  # fmt: skip
def test_non_delegable_flags_force_the_political_route(flags):
    facts = Facts(state="proposed", flags=frozenset(flags))
    payload = {"route": "operational", "motivation": "Verksamhetsnära"}
    assert refusal_codes(facts, "triage", payload) == ["ROUTE_MUST_BE_POLITICAL"]


def test_triage_marking_of_principle_forces_the_political_route():
    payload = {"route": "operational", "of_principle": True, "motivation": "x"}
    assert refusal_codes(Facts(state="proposed"), "triage", payload) == ["ROUTE_MUST_BE_POLITICAL"]


@pytest.mark.parametrize("flags", [set(), {"procurement"}, {"authority_over_individuals"}])
def test_delegable_cases_may_take_the_operational_route(flags):
    facts = Facts(state="proposed", flags=frozenset(flags))
    payload = ENGINE.parse_payload("triage", {"route": "operational", "motivation": "x"})
    assert ENGINE.fire(facts, "triage", payload).to_state == "proposed"


def test_scope_needs_a_route_and_none_needs_a_motivation():
    assert refusal_codes(Facts(state="proposed"), "scope_assessment", {"level": "none"}) == [
        "ROUTE_NOT_SET",
        "MOTIVATION_REQUIRED",
    ]


def test_submit_needs_a_complete_assessment():
    facts = Facts(
        state="assessment",
        route="political",
        assessment_level="simplified",
        assessment={"problem": "Trånga lokaler"},
    )
    with pytest.raises(GuardRefused) as refused:
        ENGINE.fire(facts, "submit_assessment", ENGINE.parse_payload("submit_assessment", {}))
    problem = refused.value.problems[0]
    assert problem.code == "ASSESSMENT_INCOMPLETE"
    assert problem.details["missing"][:5] == [
        "proposed_measure", "alternatives", "zero_alternative", "cost_sek", "time_horizon",
    ]  # fmt: skip
    assert "perspectives.children.children_affected" in problem.details["missing"]


def test_submit_after_a_referral_needs_an_answering_revision():
    facts = Facts(
        state="assessment",
        route="political",
        assessment_level="none",
        assessment={"motivation": "x"},
        referral=Referral("Belys kostnaden"),
    )
    assert refusal_codes(facts, "submit_assessment", {}) == ["REFERRAL_NOT_ADDRESSED"]


def test_close_needs_indicators_or_deviations():
    payload = {"report": {"conclusions": "Bra"}}
    assert refusal_codes(ready_in("follow_up"), "close", payload) == ["FOLLOW_UP_REPORT_INCOMPLETE"]


def test_options_say_what_stands_in_the_way():
    options = {o.trigger.name: o for o in ENGINE.options(Facts(state="proposed"))}
    assert options["triage"].ready
    assert [p.code for p in options["scope_assessment"].problems] == ["ROUTE_NOT_SET"]
