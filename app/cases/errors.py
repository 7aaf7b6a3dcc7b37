"""The workflow engine's refusals as domain errors, with the engine's reasons attached."""

from typing import Any

from pydantic import ValidationError

from app.errors import Conflict, InvalidInput, NotFound, StyrkedjaError
from app.workflows.errors import GuardRefused, Problem, UnknownTrigger, WrongState

# Guard refusals about the case's progress (not about the request) are conflicts; the rest say
# what the request or the case's content lacks.
CONFLICT_CODES = frozenset({"ROUTE_NOT_SET"})


def case_not_found(case_id: int) -> NotFound:
    return NotFound(
        f"No case with id {case_id}.",
        f"Det finns inget ärende med id {case_id}.",
        code="CASE_NOT_FOUND",
    )


# Fields of the problem body a guard's details may not overwrite.
RESERVED = frozenset(
    {"type", "title", "status", "detail", "detail_sv", "code", "errors", "reasons", "field"}
)


def reason(problem: Problem) -> dict[str, Any]:
    return {
        "code": problem.code,
        "message_en": problem.message_en,
        "message_sv": problem.message_sv,
        "details": problem.details,
    }


def unknown_trigger(exc: UnknownTrigger) -> NotFound:
    return NotFound(
        f"The workflow has no trigger '{exc.trigger}'.",
        f"Arbetsflödet har ingen händelse '{exc.trigger}'.",
        code="UNKNOWN_TRIGGER",
    )


def wrong_state(exc: WrongState) -> Conflict:
    return Conflict(
        f"'{exc.trigger}' cannot be done while the case is in '{exc.state}'.",
        f"'{exc.trigger}' kan inte göras när ärendet är i '{exc.state}'.",
        code="WRONG_STATE",
        state=exc.state,
        trigger=exc.trigger,
    )


def refused(exc: GuardRefused) -> StyrkedjaError:
    first = exc.problems[0]
    kind = Conflict if first.code in CONFLICT_CODES else InvalidInput
    return kind(
        first.message_en,
        first.message_sv or first.message_en,
        code=first.code,
        reasons=[reason(problem) for problem in exc.problems],
        **{key: value for key, value in first.details.items() if key not in RESERVED},
    )


# Payload fields whose absence has a name of its own in the law's vocabulary.
MISSING_CODES = {("refer_back", "reason"): "REFERRAL_REASON_REQUIRED"}


def invalid_payload(exc: ValidationError, trigger: str) -> InvalidInput:
    missing = [
        MISSING_CODES.get((trigger, str(error["loc"][0])))
        for error in exc.errors()
        if error["type"] == "missing" and error["loc"]
    ]
    code = next((c for c in missing if c), "VALIDATION_FAILED")
    return InvalidInput(
        "The transition's payload does not match its schema; see 'errors'.",
        "Händelsens innehåll följer inte schemat; se 'errors'.",
        code=code,
        errors=[
            {"loc": ["body", *error["loc"]], "msg": error["msg"], "type": error["type"]}
            for error in exc.errors()
        ],
    )
