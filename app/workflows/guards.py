"""Named guards: whether a case is ready for a trigger. Each takes the case's facts, the
trigger's payload and the definition, and returns its reasons for refusing (none: allowed).
Definitions refer to guards by the names in ``GUARDS``."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.workflows.assessment import missing_fields
from app.workflows.definition import Definition
from app.workflows.errors import Problem
from app.workflows.payloads import Close, Level, Payload, Route, ScopeAssessment, Triage

# Matters the organ itself must decide (KL 6:38, KL 5:1–2): a case flagged with any of these
# cannot take the operational route.
POLITICAL_FLAGS = frozenset(
    {
        "goals_direction_scope_quality",
        "proposal_to_council",
        "council_reserved",
        "citizen_proposal",
        "special_law_forbids_delegation",
        "of_principle",
        "non_delegable_matter_type",  # the case's matter type is registered as non-delegable
    }
)


@dataclass(frozen=True)
class Referral:
    """A referral back that no assessment revision has answered yet."""

    reason: str


@dataclass(frozen=True)
class Facts:
    """What the guards may know about a case: read from the database by the service, so the
    engine itself never touches one."""

    state: str
    route: str | None = None
    flags: frozenset[str] = frozenset()
    assessment_level: str | None = None
    assessment: dict[str, Any] | None = None
    referral: Referral | None = None


Guard = Callable[[Facts, Payload | None, Definition], list[Problem]]
"""A guard given no payload (when listing what a case could do next) judges only what it can
without one."""


def route_fits_flags(facts: Facts, payload: Payload | None, _: Definition) -> list[Problem]:
    if not isinstance(payload, Triage):
        return []
    forcing = sorted(
        facts.flags & POLITICAL_FLAGS | ({"of_principle"} if payload.of_principle else set())
    )
    if payload.route == Route.operational and forcing:
        return [
            Problem(
                "ROUTE_MUST_BE_POLITICAL",
                f"The case is flagged {', '.join(forcing)}: the organ must decide it (KL 6:38).",
                f"Ärendet är markerat {', '.join(forcing)}: nämnden själv ska besluta (KL 6:38).",
                {"flags": forcing},
            )
        ]
    return []


def route_is_set(facts: Facts, _payload: Payload | None, _: Definition) -> list[Problem]:
    if facts.route is None:
        return [
            Problem(
                "ROUTE_NOT_SET",
                "Triage the case (political or operational route) first.",
                "Gör först vägvalet (politiskt eller verksamhetsnära spår).",
            )
        ]
    return []


def no_assessment_is_motivated(
    _facts: Facts, payload: Payload | None, _: Definition
) -> list[Problem]:
    if (
        isinstance(payload, ScopeAssessment)
        and payload.level == Level.none
        and not payload.motivation
    ):
        return [
            Problem(
                "MOTIVATION_REQUIRED",
                "Deciding that no consequence assessment is needed requires a motivation.",
                "Beslut om att ingen konsekvensbeskrivning behövs kräver en motivering.",
            )
        ]
    return []


def assessment_complete(
    facts: Facts, _payload: Payload | None, definition: Definition
) -> list[Problem]:
    level = facts.assessment_level
    if level is None:
        return [
            Problem(
                "ASSESSMENT_INCOMPLETE",
                "The scope of the consequence assessment has not been decided.",
                "Omfattningen av konsekvensbeskrivningen är inte beslutad.",
                {"missing": ["level"]},
            )
        ]
    missing = missing_fields(definition.assessment, level, facts.assessment or {})
    if missing:
        return [
            Problem(
                "ASSESSMENT_INCOMPLETE",
                f"The {level} consequence assessment lacks: {', '.join(missing)}.",
                f"Konsekvensbeskrivningen ({definition.assessment.levels[level].label_sv.lower()}) "
                f"saknar: {', '.join(missing)}.",
                {"missing": missing, "level": level},
            )
        ]
    return []


def referral_addressed(facts: Facts, _payload: Payload | None, _: Definition) -> list[Problem]:
    if facts.referral is not None:
        return [
            Problem(
                "REFERRAL_NOT_ADDRESSED",
                "The case was referred back; a new assessment revision must answer the reason "
                f"(referral_response): {facts.referral.reason}",
                "Ärendet återremitterades; en ny revision av konsekvensbeskrivningen måste besvara "
                f"skälet (referral_response): {facts.referral.reason}",
                {"reason": facts.referral.reason},
            )
        ]
    return []


def follow_up_report_present(
    _facts: Facts, payload: Payload | None, _: Definition
) -> list[Problem]:
    if isinstance(payload, Close) and not (payload.report.indicators or payload.report.deviations):
        return [
            Problem(
                "FOLLOW_UP_REPORT_INCOMPLETE",
                "The follow-up report needs indicators with values, or stated deviations.",
                "Uppföljningsrapporten behöver indikatorer med värden eller redovisade avvikelser.",
            )
        ]
    return []


# Guards that read a trigger's payload, and the payload they read: a definition may only put
# them on triggers that carry it.
GUARD_PAYLOADS: dict[str, str] = {
    "route_fits_flags": "triage",
    "no_assessment_is_motivated": "scope_assessment",
    "follow_up_report_present": "close",
}

GUARDS: dict[str, Guard] = {
    "route_fits_flags": route_fits_flags,
    "route_is_set": route_is_set,
    "no_assessment_is_motivated": no_assessment_is_motivated,
    "assessment_complete": assessment_complete,
    "referral_addressed": referral_addressed,
    "follow_up_report_present": follow_up_report_present,
}
