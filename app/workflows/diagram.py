"""A workflow definition drawn as a state diagram, so that people can see the flow a case follows
and where a case stands in it.

Two text forms are made from the definition alone: Mermaid (``stateDiagram-v2``, rendered in the
browser) and Graphviz DOT (rendered to SVG by ``app.integrations.graphviz``, outside this pure
package). Labels are in Swedish by default, since people read them; English on request.

The text is deterministic (states and transitions in the definition's own order), so the same
definition always gives the same diagram, which can then be cached or compared. Labels come from
definitions that administrators write, so everything taken from them is escaped: a label can never
end a statement or add one (in DOT that would also let it set attributes that read files).
"""

import re
from typing import Protocol

from app.workflows.definition import Definition

CURRENT_FILL = "#ffd54f"
"""The current state's fill, in both forms."""

LANGUAGES = ("sv", "en")

# Mermaid words that cannot be a state's id (its lexer reads them as keywords), and the ids
# Mermaid gives the start and end pseudo-states itself. A state with one of these names is drawn
# under the name with a leading underscore, which no definition's state name can have.
_MERMAID_RESERVED = frozenset(
    {
        "accdescr",
        "acctitle",
        "class",
        "classdef",
        "click",
        "default",
        "direction",
        "href",
        "note",
        "root_end",
        "root_start",
        "scale",
        "state",
        "statediagram",
        "style",
    }
)

# Characters that end or change a Mermaid statement, written as Mermaid's numeric entity codes
# (``#34;``), which Mermaid turns back into the characters when it draws. ``#`` comes first so
# that the codes themselves are not escaped again.
_MERMAID_ESCAPED = '#"%:;<>[]{}'
_MERMAID_DIRECTION = re.compile(r"(directio)(n)", re.IGNORECASE)

_DOT_START = "__start"
"""The DOT node of the start marker (no state name begins with an underscore)."""


class _Labelled(Protocol):
    @property
    def label_sv(self) -> str: ...

    @property
    def label_en(self) -> str: ...


def mermaid(definition: Definition, *, current: str | None = None, language: str = "sv") -> str:
    """The definition as a Mermaid ``stateDiagram-v2``: every state with its label, one arrow per
    (source, trigger) labelled with the trigger (an internal trigger, which leaves the state as it
    is, as an arrow back to its own state), the start marker into the initial state and every final
    state into the end marker. ``current``, a state's name, is highlighted."""
    _check(definition, current, language)
    ids = {state.name: _mermaid_id(state.name) for state in definition.states}
    lines = ["stateDiagram-v2", f"    accTitle: {_mermaid_text(_label(definition, language))}"]
    for state in definition.states:
        label = _mermaid_text(_label(state, language) or state.name)
        lines.append(f'    state "{label}" as {ids[state.name]}')
    lines.append(f"    [*] --> {ids[definition.initial]}")
    for source, dest, label in _edges(definition, language):
        lines.append(f"    {ids[source]} --> {ids[dest]} : {_mermaid_text(label)}")
    lines += [f"    {ids[state.name]} --> [*]" for state in definition.states if state.final]
    if current is not None:
        lines.append(
            f"    classDef current fill:{CURRENT_FILL},stroke:#333,stroke-width:3px,color:#000"
        )
        lines.append(f"    class {ids[current]} current")
    return "\n".join(lines) + "\n"


def dot_source(definition: Definition, *, current: str | None = None, language: str = "sv") -> str:
    """The same diagram as Graphviz DOT: states as rounded boxes, final states with a double
    border, a dot as the start marker, and ``current`` filled."""
    _check(definition, current, language)
    lines = [
        f"digraph {_dot_string(_label(definition, language))} {{",
        "    rankdir=TB;",
        '    node [shape=box, style=rounded, fontname="Helvetica", fontsize=11];',
        '    edge [fontname="Helvetica", fontsize=9];',
        f'    {_dot_string(_DOT_START)} [shape=point, width=0.15, label=""];',
    ]
    for state in definition.states:
        attributes = [f"label={_dot_string(_label(state, language) or state.name)}"]
        if state.final:
            attributes.append("peripheries=2")
        if state.name == current:
            attributes += ['style="rounded,filled,bold"', f'fillcolor="{CURRENT_FILL}"']
        lines.append(f"    {_dot_string(state.name)} [{', '.join(attributes)}];")
    lines.append(f"    {_dot_string(_DOT_START)} -> {_dot_string(definition.initial)};")
    for source, dest, label in _edges(definition, language):
        lines.append(
            f"    {_dot_string(source)} -> {_dot_string(dest)} [label={_dot_string(label)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _check(definition: Definition, current: str | None, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    if current is not None and current not in {state.name for state in definition.states}:
        raise ValueError(f"{current!r} is not a state of {definition.key} v{definition.version}")


def _label(item: _Labelled, language: str) -> str:
    """The label in ``language``, on one line (line breaks would end a Mermaid statement)."""
    return " ".join((item.label_sv if language == "sv" else item.label_en).split())


def _edges(definition: Definition, language: str) -> list[tuple[str, str, str]]:
    """One (source, dest, label) per trigger and source, in the definition's order; an internal
    trigger (no ``dest``) loops back to its source."""
    return [
        (source, trigger.dest or source, _label(trigger, language) or trigger.name)
        for trigger in definition.triggers
        for source in trigger.sources
    ]


def _mermaid_id(name: str) -> str:
    return f"_{name}" if name in _MERMAID_RESERVED else name


def _mermaid_text(text: str) -> str:
    """``text`` safe inside a Mermaid state description, transition label or title.

    Besides the characters that end a statement, "direction" is broken up: Mermaid reads any line
    with "direction" followed by TB, BT, RL or LR as a change of the diagram's direction."""
    escaped = "".join(f"#{ord(char)};" if char in _MERMAID_ESCAPED else char for char in text)
    return _MERMAID_DIRECTION.sub(lambda m: f"{m[1]}#{ord(m[2])};", escaped)


def _dot_string(text: str) -> str:
    """``text`` as a quoted DOT string, shown as written (a backslash would otherwise start one
    of Graphviz's label escapes, such as ``\\N`` for the node's name)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
