"""The Swedish calendar of time limits: which days are working days, and where a limit of so many
calendar days, working days, months or years ends.

The rules are those of lag (1930:173) om beräkning av lagstadgad tid:

- 1 §: a limit in weeks, months or years ends on the day whose name in the week or number in
  the month matches the day the count starts from; where the last month has no such day (a
  month from 31 January, a year from 29 February), on that month's last day.
- 2 §: a limit ending on a Sunday, another public holiday (allmän helgdag, lag 1989:253), a
  Saturday, midsommarafton, julafton or nyårsafton may be met on the next weekday.

The law speaks of limits set in statute (KL 5:35's year is one); the workflow's own limits are
counted the same way, so every limit a case shows ends on a day the office is open (the
reference's rule 4.15 notes that extending 2 § beyond statute is an interpretation). The day
the count starts from is not counted: ten days from a Monday end on the Thursday a week later.

Public holidays come from the ``holidays`` package: its PUBLIC category is the list of lag
1989:253, its DE_FACTO category the three eves that 2 § names. Sundays are counted here by
weekday, not asked of the package (whose ``include_sundays`` default has changed between
versions).
"""

from calendar import monthrange
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from holidays import DE_FACTO, PUBLIC
from holidays.countries.sweden import Sweden

from app.kit.clock import MUNICIPAL_TIME

SATURDAY = 5


@cache
def days_off(year: int) -> frozenset[date]:
    """The weekdays and Saturdays of ``year`` that 2 § treats as a Sunday: public holidays,
    midsommarafton, julafton and nyårsafton."""
    return frozenset(Sweden(years=year, categories=(PUBLIC, DE_FACTO), include_sundays=False))


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a day off (2 §)."""
    return day.weekday() < SATURDAY and day not in days_off(day.year)


def next_working_day(day: date) -> date:
    """``day`` if it is a working day, else the next one (2 §)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def after_calendar_days(start: date, days: int) -> date:
    """The last day of a limit of ``days`` calendar days counted from ``start``."""
    return next_working_day(start + timedelta(days=days))


def after_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (always a working day itself)."""
    day = start
    for _ in range(days):
        day = next_working_day(day + timedelta(days=1))
    return day


def after_months(start: date, months: int) -> date:
    """The last day of a limit of ``months`` months counted from ``start`` (1 §, then 2 §)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = monthrange(year, month)[1]
    return next_working_day(date(year, month, min(start.day, last)))


def end_of(day: date) -> datetime:
    """The moment ``day`` ends in Sweden (midnight at the start of the next day), in UTC: a limit
    whose last day is ``day`` has passed from then on."""
    midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=MUNICIPAL_TIME)
    return midnight.astimezone(UTC)
