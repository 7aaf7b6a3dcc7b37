"""Random walks through the flow (hypothesis): the engine never leaves the graph, and final
states accept nothing."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.workflows.errors import WrongState
from app.workflows.guards import Facts
from tests.workflows.test_measure_definition import DEFINITION, ENGINE, READY, VALID_PAYLOADS

TRIGGERS = sorted(VALID_PAYLOADS)
EDGES = {(source, t.name) for t in DEFINITION.triggers for source in t.sources}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TRIGGERS), max_size=40))
def test_random_trigger_sequences_stay_in_the_graph(sequence):
    state = DEFINITION.initial
    for trigger in sequence:
        facts = Facts(
            state=state,
            route=READY.route,
            assessment_level=READY.assessment_level,
            assessment=READY.assessment,
        )
        try:
            firing = ENGINE.fire(
                facts, trigger, ENGINE.parse_payload(trigger, VALID_PAYLOADS[trigger])
            )
        except WrongState:
            assert (state, trigger) not in EDGES
            continue
        assert state not in DEFINITION.final_states
        assert firing.to_state in DEFINITION.state_names
        state = firing.to_state
    if state in DEFINITION.final_states:
        assert ENGINE.options(Facts(state=state)) == []
