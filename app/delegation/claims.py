"""What a transition request says about its authority."""

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from app.delegation.authority import AuthorityKind
from app.kit.clock import today
from app.kit.schemas import Id, Input


class MeetingRecord(Input):
    """The organ's meeting where it decided: the day, the minutes' paragraph, who was there."""

    held_on: date
    paragraph: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    present: list[Id] = Field(min_length=1, max_length=500, description="Members present")
    substitutes_serving: list[Id] = Field(
        default_factory=list, max_length=500, description="Substitutes serving for absent members"
    )

    @model_validator(mode="after")
    def _not_in_the_future(self) -> "MeetingRecord":
        if self.held_on > today():
            raise ValueError("a meeting that has not been held cannot have decided anything")
        return self


class AuthorityClaim(Input):
    """Under which authority the step is taken. Left out, the service takes the first that
    holds of: preparation/execution by the caller's post, or the caller's delegation."""

    kind: AuthorityKind
    meeting: MeetingRecord | None = None

    @model_validator(mode="after")
    def _meeting_for_organ_decisions(self) -> "AuthorityClaim":
        if (self.kind == AuthorityKind.organ_decision) != (self.meeting is not None):
            raise ValueError("an organ decision names its meeting, and only an organ decision")
        return self
