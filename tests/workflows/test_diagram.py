"""Workflow diagrams: the Mermaid and DOT text of a definition (every state and transition, the
current state highlighted, labels escaped, the same text every time). No database."""

import re
from typing import Any

import pytest

from app.workflows.definition import Definition, builtin, parse
from app.workflows.diagram import dot_source, mermaid

STATE_LINE = re.compile(r'^    state "([^"]*)" as (\w+)$')
# A label may hold ";" and "#" only as parts of Mermaid's entity codes (#58;), never ":" at all.
EDGE_LINE = re.compile(r"^    (\w+|\[\*\]) --> (\w+|\[\*\])(?: : ((?:[^:;#\n]|#\d+;)*))?$")


def measure() -> Definition:
    return builtin("measure", 1)


def edges_of(definition: Definition) -> list[tuple[str, str, str, str]]:
    """(source, dest, Swedish label, English label) per trigger and source; internal loops."""
    return [
        (source, trigger.dest or source, trigger.label_sv, trigger.label_en)
        for trigger in definition.triggers
        for source in trigger.sources
    ]


def small(states: list[dict[str, Any]], triggers: list[dict[str, Any]]) -> Definition:
    """A definition of the given states and triggers (the first state is the initial one)."""
    document = measure().body()
    document.update(states=states, triggers=triggers, initial=states[0]["name"])
    return parse(document)


def state(name: str, label: str, *, final: bool = False) -> dict[str, Any]:
    return {"name": name, "label_sv": label, "label_en": f"{label} (en)", "final": final}


def trigger(name: str, label: str, sources: list[str], dest: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "label_sv": label,
        "label_en": f"{label} (en)",
        "from": sources,
        "to": dest,
        "payload": "empty",
    }


def unescape_mermaid(text: str) -> str:
    return re.sub(r"#(\d+);", lambda match: chr(int(match[1])), text)


# Mermaid


def test_mermaid_draws_every_state_and_every_transition_of_measure_v1():
    definition = measure()
    lines = mermaid(definition).splitlines()

    assert lines[0] == "stateDiagram-v2"
    for each in definition.states:
        assert f'    state "{each.label_sv}" as {each.name}' in lines
    assert "    [*] --> proposed" in lines
    for source, dest, label_sv, _ in edges_of(definition):
        assert f"    {source} --> {dest} : {label_sv}" in lines
    assert "    proposed --> proposed : Vägval (politisk eller verksamhetsnära)" in lines
    finals = {"closed", "rejected", "withdrawn"}
    assert {each.name for each in definition.states if each.final} == finals
    for name in finals:
        assert f"    {name} --> [*]" in lines
    arrows = [line for line in lines if " --> " in line]
    assert len(arrows) == 1 + len(edges_of(definition)) + len(finals)


def test_mermaid_in_english():
    definition = measure()
    lines = mermaid(definition, language="en").splitlines()

    assert '    state "Proposed measure" as proposed' in lines
    for source, dest, _, label_en in edges_of(definition):
        assert f"    {source} --> {dest} : {label_en}" in lines
    assert not any("Förslag" in line for line in lines)


@pytest.mark.parametrize("current", [each.name for each in measure().states])
def test_the_current_state_is_highlighted_and_only_it(current):
    lines = mermaid(measure(), current=current).splitlines()

    assert [line for line in lines if line.lstrip().startswith("class ")] == [
        f"    class {current} current"
    ]
    assert len([line for line in lines if line.lstrip().startswith("classDef ")]) == 1


def test_nothing_is_highlighted_without_a_current_state():
    text = mermaid(measure())

    assert "classDef" not in text
    assert "class " not in text


def test_the_output_is_deterministic():
    first = measure()
    second = parse(first.body())

    assert mermaid(first, current="decision") == mermaid(second, current="decision")
    assert mermaid(first) == mermaid(first)
    assert dot_source(first, current="decision") == dot_source(second, current="decision")


def test_labels_that_mermaid_would_choke_on_are_escaped():
    tricky_state = 'Förslag "x": a; b #34; %% <<fork>> [[choice]] {z} direction LR'
    tricky_trigger = 'Vägval: "a"; b :: c #x; %%{init}%% direction tb'
    definition = small(
        [state("proposed", tricky_state), state("closed", "Avslutat", final=True)],
        [
            trigger("triage", tricky_trigger, ["proposed"], None),
            trigger("close", 'Stäng "nu": klart', ["proposed"], "closed"),
        ],
    )

    lines = mermaid(definition, current="proposed").splitlines()

    states = [match for line in lines if (match := STATE_LINE.match(line))]
    assert [unescape_mermaid(match[1]) for match in states] == [tricky_state, "Avslutat"]
    edges = [match for line in lines if (match := EDGE_LINE.match(line))]
    assert [(m[1], m[2], m[3] and unescape_mermaid(m[3])) for m in edges] == [
        ("[*]", "proposed", None),
        ("proposed", "proposed", tricky_trigger),
        ("proposed", "closed", 'Stäng "nu": klart'),
        ("closed", "[*]", None),
    ]
    # Mermaid reads a line with "direction" and TB, BT, RL or LR as a change of direction.
    assert not re.search(r"direction\s+(tb|bt|rl|lr)", "\n".join(lines), re.IGNORECASE)


def test_state_names_that_are_mermaid_keywords_get_another_id():
    definition = small(
        [state("note", "Anteckning"), state("state", "Läge"), state("closed", "Klar", final=True)],
        [
            trigger("go", "Gå", ["note"], "state"),
            trigger("close", "Stäng", ["state"], "closed"),
        ],
    )

    lines = mermaid(definition, current="state").splitlines()

    assert '    state "Anteckning" as _note' in lines
    assert '    state "Läge" as _state' in lines
    assert "    [*] --> _note" in lines
    assert "    _note --> _state : Gå" in lines
    assert "    class _state current" in lines


def test_a_small_definition_in_full():
    definition = small(
        [state("open", "Öppen"), state("done", "Klar", final=True)],
        [
            trigger("note", "Anteckna", ["open"], None),
            trigger("finish", "Avsluta", ["open"], "done"),
        ],
    )

    assert mermaid(definition, current="open") == "\n".join(
        [
            "stateDiagram-v2",
            "    accTitle: Hantering av förslag till åtgärd",
            '    state "Öppen" as open',
            '    state "Klar" as done',
            "    [*] --> open",
            "    open --> open : Anteckna",
            "    open --> done : Avsluta",
            "    done --> [*]",
            "    classDef current fill:#ffd54f,stroke:#333,stroke-width:3px,color:#000",
            "    class open current",
            "",
        ]
    )


def test_an_unknown_current_state_or_language_is_refused():
    with pytest.raises(ValueError, match="limbo"):
        mermaid(measure(), current="limbo")
    with pytest.raises(ValueError, match="language"):
        mermaid(measure(), language="de")
    with pytest.raises(ValueError, match="limbo"):
        dot_source(measure(), current="limbo")


# DOT


def test_dot_draws_every_state_and_every_transition():
    definition = measure()
    text = dot_source(definition, current="decision")

    assert text.startswith('digraph "Hantering av förslag till åtgärd" {\n')
    assert text.rstrip().endswith("}")
    for each in definition.states:
        assert f'"{each.name}" [label="{each.label_sv}"' in text
    assert '"__start" -> "proposed";' in text
    for source, dest, label_sv, _ in edges_of(definition):
        assert f'"{source}" -> "{dest}" [label="{label_sv}"];' in text


def test_dot_marks_final_states_and_fills_only_the_current_one():
    definition = measure()
    lines = dot_source(definition, current="decision").splitlines()
    node_lines = {
        each.name: next(line for line in lines if line.startswith(f'    "{each.name}" ['))
        for each in definition.states
    }

    for each in definition.states:
        assert ("peripheries=2" in node_lines[each.name]) == each.final
        assert ("filled" in node_lines[each.name]) == (each.name == "decision")
    assert "filled" not in dot_source(definition)


def test_dot_escapes_quotes_and_backslashes():
    definition = small(
        [state("open", 'Säg "hej": a\\N b'), state("done", "Klar", final=True)],
        [trigger("finish", 'Klar "nu"', ["open"], "done")],
    )

    text = dot_source(definition)

    assert '"open" [label="Säg \\"hej\\": a\\\\N b"];' in text
    assert '"open" -> "done" [label="Klar \\"nu\\""];' in text
