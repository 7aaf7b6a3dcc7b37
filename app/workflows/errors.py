"""What the workflow engine refuses, as plain values and exceptions (no HTTP here: the service
layer maps them onto the domain error tree)."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One reason, with a stable code, in English; ``message_sv`` when people will read it."""

    code: str
    message_en: str
    message_sv: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class WorkflowError(Exception):
    """Whatever the workflow engine refuses."""


class DefinitionInvalid(WorkflowError):
    """A definition that cannot be published; every problem found is listed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.code}: {p.message_en}" for p in problems))
        self.problems = problems


class UnknownTrigger(WorkflowError):
    def __init__(self, trigger: str) -> None:
        super().__init__(trigger)
        self.trigger = trigger


class WrongState(WorkflowError):
    def __init__(self, trigger: str, state: str) -> None:
        super().__init__(f"{trigger} cannot be fired from {state}")
        self.trigger = trigger
        self.state = state


class GuardRefused(WorkflowError):
    """The trigger fits the state, but the case is not ready: every failing guard's reasons."""

    def __init__(self, trigger: str, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.code for p in problems))
        self.trigger = trigger
        self.problems = problems
