"""What every organisation write shares: unique inserts in a savepoint, period rules, ending."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import StyrkedjaError
from app.kit.clock import today
from app.organisation import errors
from app.organisation.models import Organ, Unit
from app.organisation.repository import Holding


@contextmanager
def unique(session: Session, conflict: StyrkedjaError) -> Iterator[None]:
    """Make the changes in the block inside a savepoint: a unique violation, also one lost to a
    concurrent insert, becomes ``conflict`` and leaves the request's transaction usable."""
    try:
        with session.begin_nested():
            yield
    except IntegrityError as exc:
        raise conflict from exc


def check_period(valid_from: date, valid_to: date | None) -> None:
    if valid_to is not None and valid_to < valid_from:
        raise errors.invalid_period(valid_from, valid_to)


def end_record(record: Organ | Unit | Holding, valid_to: date | None) -> date:
    """Set the last day (default today) of something still ongoing; history is never rewritten
    by ending twice."""
    if record.valid_to is not None:
        raise errors.already_ended(record.valid_to)
    end = valid_to or today()
    check_period(record.valid_from, end)
    record.valid_to = end
    return end
