"""What each trigger takes, validated before anything is fired. Definitions name these schemas;
the registry at the bottom is the list a definition may choose from."""

from datetime import date
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]*$")]
"""A case title (ärendemening): one line, as registration takes it."""
Code = Annotated[
    str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9_.-]*$")
]


class Route(StrEnum):
    political = "political"
    operational = "operational"


class Level(StrEnum):
    none = "none"
    simplified = "simplified"
    comprehensive = "comprehensive"


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Empty(Payload):
    """Triggers that take nothing (the assessment is already written, for instance)."""


class Triage(Payload):
    route: Route
    of_principle: bool = Field(
        default=False, description="Of principle or of greater importance (KL 6:38)"
    )
    motivation: Text


class ScopeAssessment(Payload):
    level: Level
    motivation: Text | None = Field(default=None, description="Required for level 'none'")


class Prioritise(Payload):
    period: Annotated[str, StringConstraints(pattern=r"^\d{4}$")] = Field(
        description="The budget year the ranking is for, e.g. 2027"
    )
    score: float | None = Field(default=None, ge=0, le=100)
    rank: int | None = Field(default=None, ge=1, le=100_000)
    criteria: dict[Annotated[str, StringConstraints(max_length=100)], float] = Field(
        default_factory=dict, max_length=50
    )
    motivation: Text

    @model_validator(mode="after")
    def _score_or_rank(self) -> "Prioritise":
        if self.score is None and self.rank is None:
            raise ValueError("give a score, a rank, or both")
        return self


class PartyCommunication(Payload):
    """The party was told of the material and given time to answer (kommunicering, FL 25)."""

    communicated_on: date
    party: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    answer_by: date | None = None


class Decision(Payload):
    """What a decision in a matter appealed by administrative appeal must show (FL 25, 32):
    the party's communication or why none was needed, and the reasons."""

    communication: PartyCommunication | None = None
    communication_not_needed: Text | None = Field(
        default=None, description="Why the party was not communicated with (FL 25 exceptions)"
    )

    @model_validator(mode="after")
    def _communicated_or_why_not(self) -> "Decision":
        if self.communication is not None and self.communication_not_needed is not None:
            raise ValueError("either the party was communicated with, or it was not needed")
        return self


class Approve(Decision):
    decision_text: Text
    decided_on: date
    reasons: Text | None = Field(
        default=None, description="The provisions applied and the decisive circumstances (FL 32)"
    )

    @model_validator(mode="after")
    def _communicated_before(self) -> "Approve":
        if self.communication and self.communication.communicated_on > self.decided_on:
            raise ValueError("the party is communicated with before the decision")
        return self


class Reject(Decision):
    decision_text: Text
    motivation: Text = Field(description="The reasons (FL 32)")


class ReferBack(Payload):
    reason: Text = Field(description="What the new preparation must address")
    requested_by: list[Annotated[str, StringConstraints(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=200, description="Who asked for the referral back"
    )


class Milestone(Payload):
    due_on: date
    title: Text


class StartImplementation(Payload):
    responsible_unit: Code
    milestones: list[Milestone] = Field(default_factory=list, max_length=200)
    budget_sek: int | None = Field(default=None, ge=0, le=10**13)


class CompleteImplementation(Payload):
    outcome_summary: Text


class Indicator(Payload):
    name: Text
    value: float
    target: float | None = None


class NewProposal(Payload):
    title: Title
    problem: Text
    description: Text | None = None


class FollowUpReport(Payload):
    indicators: list[Indicator] = Field(default_factory=list, max_length=200)
    deviations: Text | None = None
    root_causes: Text | None = None
    conclusions: Text


class Close(Payload):
    report: FollowUpReport
    new_proposals: list[NewProposal] = Field(default_factory=list, max_length=50)


class Withdraw(Payload):
    reason: Text


PAYLOADS: dict[str, type[Payload]] = {
    "empty": Empty,
    "triage": Triage,
    "scope_assessment": ScopeAssessment,
    "prioritise": Prioritise,
    "approve": Approve,
    "reject": Reject,
    "refer_back": ReferBack,
    "start_implementation": StartImplementation,
    "complete_implementation": CompleteImplementation,
    "close": Close,
    "withdraw": Withdraw,
}


@cache
def payload_schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a named payload, for clients that build the request from it."""
    return PAYLOADS[name].model_json_schema()
