"""The clock, in one place, so every timestamp is timezone-aware UTC."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC; periods (valid_from/valid_to) are whole dates."""
    return utcnow().date()
