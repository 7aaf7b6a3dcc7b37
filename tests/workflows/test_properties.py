"""Random walks through the flow (hypothesis): the engine never leaves the graph, and final
states accept nothing."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.workflows.errors import WrongState
from app.workflows.guards import Facts
from tests.workflows.test_measure_definition import (
    DEFINITION,
    ENGINE,
    EXPECTED,
    READY,
    VALID_PAYLOADS,
)

TRIGGERS = sorted(VALID_PAYLOADS)
EDGES = {(source, t.name) for t in DEFINITION.triggers for source in t.sources}


def walk(sequence: list[str]) -> list[tuple[str, str, str | None]]:
    """Fire each trigger in turn from the initial state; (state, trigger, where it led or None
    when refused as the wrong state)."""
    steps: list[tuple[str, str, str | None]] = []
    state = DEFINITION.initial
    for trigger in sequence:
        facts = Facts(state=state, route=READY.route, assessment_level=READY.assessment_level,
                      assessment=READY.assessment)  # fmt: skip
        payload = ENGINE.parse_payload(trigger, VALID_PAYLOADS[trigger])
        try:
            state_after = ENGINE.fire(facts, trigger, payload).to_state
        except WrongState:
            state_after = None
        steps.append((state, trigger, state_after))
        state = state_after or state
    return steps


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TRIGGERS), max_size=40))
def test_random_trigger_sequences_follow_the_graph(sequence):
    steps = walk(sequence)
    assert all(
        (after is None) == ((state, trigger) not in EDGES) for state, trigger, after in steps
    )
    assert all(
        after == EXPECTED[(state, trigger)] for state, trigger, after in steps if after is not None
    )
    assert all(state not in DEFINITION.final_states for state, _, after in steps if after)


@pytest.mark.parametrize("state", sorted(DEFINITION.final_states))
def test_final_states_accept_nothing(state):
    assert all((state, trigger) not in EDGES for trigger in TRIGGERS)
    assert ENGINE.options(Facts(state=state)) == []
