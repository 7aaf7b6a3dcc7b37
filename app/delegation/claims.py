"""What a transition request says about its authority."""

from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from app.delegation.views import AuthorityKind
from app.kit.clock import today
from app.kit.schemas import Code, Id, Input

People = list[Id]


class VoteRecord(Input):
    """A vote taken (votering): who voted for the step being recorded, against it, or abstained."""

    in_favour: People = Field(default_factory=list, max_length=500)
    against: People = Field(default_factory=list, max_length=500)
    abstaining: People = Field(default_factory=list, max_length=500)


class ReservationRecord(Input):
    """A member who took part and did not vote for the decision reserves against it (KL 4:27)."""

    person_id: Id
    text: Annotated[str, StringConstraints(min_length=1, max_length=5000)] | None = None


class MeetingRecord(Input):
    """The meeting where the body decided: the day, the minutes' paragraph, who was there, and
    where they were taken, the votes and reservations."""

    held_on: date
    paragraph: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    present: list[Id] = Field(min_length=1, max_length=500, description="Members present")
    substitutes_serving: list[Id] = Field(
        default_factory=list, max_length=500, description="Substitutes serving for absent members"
    )
    votes: VoteRecord | None = Field(default=None, description="Left out: decided without a vote")
    chaired_by: Id | None = Field(
        default=None,
        description="Who chaired, with the casting vote on a tie (KL 5:56); left out: the chair",
    )
    reservations: list[ReservationRecord] = Field(default_factory=list, max_length=500)
    requesters: People = Field(
        default_factory=list,
        max_length=500,
        description="Members who asked for a referral back; in the council a third of those "
        "present forces it, once per matter (KL 5:50)",
    )
    executive_board_statement: (
        Annotated[str, StringConstraints(min_length=1, max_length=200)] | None
    ) = Field(
        default=None,
        description="The executive board's statement on a council matter, e.g. 'KS 2026-10-01 "
        "§ 112' (KL 5:26)",
    )

    @model_validator(mode="after")
    def _not_in_the_future(self) -> "MeetingRecord":
        if self.held_on > today():
            raise ValueError("a meeting that has not been held cannot have decided anything")
        return self


class AuthorityClaim(Input):
    """Under which authority the step is taken. Left out, the service takes the first that
    holds of: preparation/execution by the caller's post, or the caller's delegation.

    A decision in a meeting names it: an organ decision always (``organ`` left out is the
    case's own; name the council for a council matter), a delegated decision when the delegate
    is a sub-committee or presidium (``organ`` is that body)."""

    kind: AuthorityKind
    organ: Code | None = Field(default=None, description="The body that decided in the meeting")
    meeting: MeetingRecord | None = None

    @model_validator(mode="after")
    def _meeting_where_one_decides(self) -> "AuthorityClaim":
        if self.kind == AuthorityKind.organ_decision and self.meeting is None:
            raise ValueError("an organ decision names its meeting")
        if self.kind == AuthorityKind.delegated_decision and (self.meeting is None) != (
            self.organ is None
        ):
            raise ValueError(
                "a delegated decision in a meeting names the sub-committee or presidium, and "
                "its meeting"
            )
        if self.kind in (AuthorityKind.urgent_decision, AuthorityKind.operational) and (
            self.meeting is not None or self.organ is not None
        ):
            raise ValueError("only a decision in a meeting names a meeting and a body")
        return self
