"""What a verification of the trail reports."""

from pydantic import Field

from app.audit.chain import Fault
from app.kit.schemas import Output


class BrokenLink(Output):
    case_id: int
    seq: int = Field(description="The first event of the case's history that does not hold")
    problem: Fault = Field(
        description="modified: the event no longer matches its hash (or the case's record of "
        "its newest event); deleted: events are missing from here on; reordered: the event "
        "is not linked to the one before it"
    )


class AuditReport(Output):
    ok: bool = Field(description="Every chain checked holds")
    cases_checked: int
    events_checked: int
    broken: list[BrokenLink] = Field(description="The first broken link of each broken case")
