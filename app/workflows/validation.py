"""Checks that a parsed definition makes sense before it may be published: names that resolve,
a graph that can be walked from the start to an end, and no ambiguity."""

from collections import Counter

from app.workflows import deadlines
from app.workflows.definition import Definition
from app.workflows.errors import DefinitionInvalid, Problem
from app.workflows.guards import GUARD_PAYLOADS, GUARDS
from app.workflows.payloads import PAYLOADS

LEVELS = frozenset({"none", "simplified", "comprehensive"})


def problems_of(definition: Definition) -> list[Problem]:
    found: list[Problem] = []
    names = definition.state_names
    duplicates = sorted(n for n, c in Counter(s.name for s in definition.states).items() if c > 1)
    found += [Problem("DUPLICATE_STATE", f"state {n} is defined twice") for n in duplicates]
    if definition.initial not in names:
        found.append(Problem("UNKNOWN_STATE", f"initial state {definition.initial} is not defined"))
    if definition.initial in definition.final_states:
        found.append(Problem("FINAL_INITIAL_STATE", "the initial state cannot be final"))
    found += [
        Problem(
            "IMPORTABLE_FINAL_STATE",
            f"state {state.name} is final and cannot be importable: a case is brought in to be "
            "handled, and what ended it would be a decision no import may record",
        )
        for state in definition.states
        if state.importable and state.final
    ]

    seen: set[tuple[str, str]] = set()
    for trigger in definition.triggers:
        for state in (*trigger.sources, *([trigger.dest] if trigger.dest else [])):
            if state not in names:
                found.append(Problem("UNKNOWN_STATE", f"{trigger.name} names state {state}"))
        for source in trigger.sources:
            if source in definition.final_states:
                found.append(
                    Problem("TRIGGER_FROM_FINAL", f"{trigger.name} leaves final state {source}")
                )
            if (trigger.name, source) in seen:
                found.append(
                    Problem("DUPLICATE_TRIGGER", f"{trigger.name} is defined twice from {source}")
                )
            seen.add((trigger.name, source))
        found += [
            Problem("UNKNOWN_GUARD", f"{trigger.name} names guard {guard}, which does not exist")
            for guard in trigger.guards
            if guard not in GUARDS
        ]
        found += [
            Problem(
                "GUARD_PAYLOAD_MISMATCH",
                f"guard {guard} reads a {GUARD_PAYLOADS[guard]} payload; {trigger.name} "
                f"carries {trigger.payload}",
            )
            for guard in trigger.guards
            if guard in GUARD_PAYLOADS and GUARD_PAYLOADS[guard] != trigger.payload
        ]
        if trigger.payload not in PAYLOADS:
            found.append(
                Problem("UNKNOWN_PAYLOAD", f"{trigger.name} names payload {trigger.payload}")
            )

    reachable = _reachable(definition)
    found += [
        Problem("UNREACHABLE_STATE", f"state {s} cannot be reached from {definition.initial}")
        for s in sorted(names - reachable)
    ]
    exits = {source for t in definition.triggers if t.dest for source in t.sources}
    found += [
        Problem("DEAD_END_STATE", f"state {s} has no way out and is not final")
        for s in sorted(names - exits - definition.final_states)
    ]
    assessment_states = [s.name for s in definition.states if s.assessment]
    if len(assessment_states) != 1:
        found.append(
            Problem(
                "ASSESSMENT_STATE",
                f"exactly one state must be marked 'assessment'; found {assessment_states}",
            )
        )
    if set(definition.assessment.levels) != LEVELS:
        found.append(
            Problem("ASSESSMENT_LEVELS", f"assessment levels must be exactly {sorted(LEVELS)}")
        )
    return found + deadlines.problems_of(definition)


def _reachable(definition: Definition) -> set[str]:
    reached, frontier = {definition.initial}, [definition.initial]
    while frontier:
        state = frontier.pop()
        for trigger in definition.triggers_from(state):
            if trigger.dest and trigger.dest not in reached:
                reached.add(trigger.dest)
                frontier.append(trigger.dest)
    return reached


def validate(definition: Definition) -> Definition:
    problems = problems_of(definition)
    if problems:
        raise DefinitionInvalid(problems)
    return definition
