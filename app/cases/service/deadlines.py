"""A case's deadline: when the time limit of its state runs out, by the workflow version it is
pinned to (``app.workflows.deadlines``), counted in the Swedish calendar (``app.kit.calendar``).

Written at registration and whenever the case changes state, and only then: a limit runs from
the day the case entered its state, and an origin's (KL 5:35) from the day it was registered.
"""

from datetime import datetime

from app.kit.calendar import end_of
from app.kit.clock import local_date
from app.workflows.deadlines import due_on
from app.workflows.definition import Definition


def due_at(
    definition: Definition,
    *,
    state: str,
    origin: str,
    entered_at: datetime,
    registered_at: datetime,
) -> datetime | None:
    """The moment the last day of the case's limit ends (UTC), or None where no limit applies."""
    day = due_on(
        definition,
        state=state,
        origin=origin,
        entered_on=local_date(entered_at),
        registered_on=local_date(registered_at),
    )
    return end_of(day) if day is not None else None


def is_overdue(due: datetime | None, now: datetime) -> bool:
    """Past its deadline: ``app.cases.repository.overdue`` is the same test in SQL. A case in a
    final state has no deadline, so it is never overdue."""
    return due is not None and due <= now
