"""The engine: one ``transitions.Machine`` per definition version, shared by every case.

A case's state lives in the database, not in a machine. To fire a trigger the engine wraps the
case's current state and facts in a throwaway subject and lets the shared machine move it: the
machine holds no per-case data, so it is built once and never grows. Guards run as a single
condition per transition, so every failing guard's reasons are reported, not just the first.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from transitions import Machine, MachineError, State
from transitions.core import EventData

from app.workflows.definition import Definition, TriggerDef
from app.workflows.errors import GuardRefused, Problem, UnknownTrigger, WrongState
from app.workflows.guards import GUARDS, Facts
from app.workflows.payloads import PAYLOADS, Payload
from app.workflows.validation import validate


class _Subject:
    """What the shared machine moves during one firing."""

    __slots__ = ("facts", "payload", "problems", "state")

    def __init__(self, facts: Facts, payload: Payload | None) -> None:
        self.state = facts.state
        self.facts = facts
        self.payload = payload
        self.problems: list[Problem] = []


@dataclass(frozen=True)
class Firing:
    trigger: str
    from_state: str
    to_state: str
    payload: Payload


@dataclass(frozen=True)
class Option:
    """A trigger of the current state, and whether the case is ready for it."""

    trigger: TriggerDef
    problems: tuple[Problem, ...]

    @property
    def ready(self) -> bool:
        return not self.problems


class Engine:
    def __init__(self, definition: Definition) -> None:
        self.definition = validate(definition)
        self._machine = Machine(
            model=None,
            states=[State(s.name, final=s.final) for s in definition.states],
            initial=definition.initial,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=False,
        )
        for trigger in definition.triggers:
            self._machine.add_transition(
                trigger.name,
                list(trigger.sources),
                trigger.dest,  # None: an internal transition
                conditions=[self._condition(trigger)],
            )

    def _problems(
        self, trigger: TriggerDef, facts: Facts, payload: Payload | None
    ) -> list[Problem]:
        return [p for name in trigger.guards for p in GUARDS[name](facts, payload, self.definition)]

    def _condition(self, trigger: TriggerDef) -> Any:
        def check(event: EventData) -> bool:
            subject = event.model
            assert isinstance(subject, _Subject)
            subject.problems = self._problems(trigger, subject.facts, subject.payload)
            return not subject.problems

        check.__name__ = f"guards_of_{trigger.name}"
        return check

    def trigger_def(self, name: str) -> TriggerDef:
        trigger = self.definition.trigger(name)
        if trigger is None:
            raise UnknownTrigger(name)
        return trigger

    def applicable(self, state: str, trigger: str) -> TriggerDef:
        """The trigger, if it may be fired from ``state``: checked before its payload, so a
        trigger in the wrong state is ``WrongState`` whatever its payload."""
        definition = self.trigger_def(trigger)
        if state not in definition.sources:
            raise WrongState(trigger, state)
        return definition

    def parse_payload(self, trigger: str, data: Mapping[str, Any] | None) -> Payload:
        """The trigger's payload, validated (pydantic's ``ValidationError`` if it is not)."""
        return PAYLOADS[self.trigger_def(trigger).payload].model_validate(data or {})

    def fire(self, facts: Facts, trigger: str, payload: Payload) -> Firing:
        """Move a case, or say why not: ``UnknownTrigger``, ``WrongState``, ``GuardRefused``."""
        self.trigger_def(trigger)
        subject = _Subject(facts, payload)
        try:
            moved = self._machine.events[trigger].trigger(subject)
        except MachineError as exc:
            raise WrongState(trigger, facts.state) from exc
        if not moved:
            raise GuardRefused(trigger, subject.problems)
        return Firing(trigger, facts.state, subject.state, payload)

    def options(self, facts: Facts) -> list[Option]:
        """Every trigger of the case's state, with what stands in the way (judged without a
        payload: guards that need one are judged when it is fired)."""
        return [
            Option(trigger, tuple(self._problems(trigger, facts, None)))
            for trigger in self.definition.triggers_from(facts.state)
        ]
