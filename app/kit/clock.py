"""The clock, in one place: timestamps are timezone-aware UTC; dates are the municipality's.

Periods (valid_from/valid_to) and "on date D" questions are whole dates as Swedish law and minutes
count them: in Swedish time, so a role that starts on D starts at midnight in Stockholm, not UTC.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

MUNICIPAL_TIME = ZoneInfo("Europe/Stockholm")


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in Sweden."""
    return datetime.now(MUNICIPAL_TIME).date()


def local_date(moment: datetime) -> date:
    """The Swedish date of a moment."""
    return moment.astimezone(MUNICIPAL_TIME).date()
