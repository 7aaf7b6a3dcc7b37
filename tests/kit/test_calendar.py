"""The Swedish calendar of time limits, table by table, without a database: days off (public
holidays, the three eves, weekends) and where limits end (lag 1930:173 1–2 §§)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.kit.calendar import (
    after_calendar_days,
    after_months,
    after_working_days,
    end_of,
    is_working_day,
)

D = date.fromisoformat


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-04-02", True),  # skärtorsdagen: a working day
        ("2026-04-03", False),  # långfredagen
        ("2026-04-04", False),  # påskafton, a Saturday
        ("2026-04-06", False),  # annandag påsk
        ("2026-04-07", True),
        ("2026-05-01", False),  # första maj
        ("2026-05-14", False),  # Kristi himmelsfärdsdag
        ("2026-05-15", True),  # the bridge day after it is not a day off by law
        ("2026-06-19", False),  # midsommarafton (1930:173 2 §)
        ("2026-06-22", True),
        ("2028-06-06", False),  # nationaldagen on a Tuesday
        ("2026-12-23", True),
        ("2026-12-24", False),  # julafton
        ("2026-12-31", False),  # nyårsafton
        ("2027-01-06", False),  # trettondedag jul
        ("2026-11-28", False),  # a Saturday
        ("2026-11-29", False),  # a Sunday
        ("2026-11-30", True),
    ],
)
def test_working_days(day, working):
    assert is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "days", "last"),
    [
        ("2026-01-02", 60, "2026-03-03"),  # lands on a working day
        ("2026-11-18", 10, "2026-11-30"),  # a Saturday: the Monday after
        ("2026-03-24", 10, "2026-04-07"),  # långfredagen: past Easter to the Tuesday
        ("2026-05-04", 10, "2026-05-15"),  # Kristi himmelsfärdsdag: the Friday
        ("2026-06-09", 10, "2026-06-22"),  # midsommarafton: past midsummer to the Monday
        ("2026-12-14", 10, "2026-12-28"),  # julafton: past Christmas to the Monday
        ("2026-12-21", 10, "2027-01-04"),  # nyårsafton: into the new year, past nyårsdagen
        ("2026-11-20", 90, "2027-02-18"),  # across the year end
    ],
)
def test_calendar_days(start, days, last):
    assert after_calendar_days(D(start), days) == D(last)


@pytest.mark.parametrize(
    ("start", "days", "last"),
    [
        ("2026-11-30", 5, "2026-12-07"),  # over a weekend
        ("2026-04-01", 3, "2026-04-08"),  # over Easter: långfredagen to annandag påsk
        ("2026-05-13", 2, "2026-05-18"),  # over Kristi himmelsfärdsdag
        ("2026-06-18", 1, "2026-06-22"),  # over midsommarafton and midsummer
        ("2026-12-22", 5, "2027-01-04"),  # over Christmas and New Year
        ("2026-12-25", 1, "2026-12-28"),  # counted from a holiday
        ("2027-01-04", 2, "2027-01-07"),  # over trettondedag jul
    ],
)
def test_working_days_limit(start, days, last):
    assert after_working_days(D(start), days) == D(last)


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        ("2026-03-10", 12, "2027-03-10"),  # one year: the same date (1 §)
        ("2024-02-29", 12, "2025-02-28"),  # no 29 February: the month's last day (1 §)
        ("2026-01-31", 1, "2026-03-02"),  # 28 February 2026 is a Saturday (2 §)
        ("2026-11-15", 3, "2027-02-15"),  # across the year end
        ("2027-04-14", 12, "2028-04-18"),  # långfredagen 2028: past Easter
        ("2026-12-24", 12, "2027-12-27"),  # julafton 2027 is a Friday
    ],
)
def test_months(start, months, last):
    assert after_months(D(start), months) == D(last)


@pytest.mark.parametrize(
    ("day", "moment"),
    [
        ("2026-03-02", "2026-03-02T23:00:00+00:00"),  # winter time, UTC+1
        ("2026-07-01", "2026-07-01T22:00:00+00:00"),  # summer time, UTC+2
        ("2026-03-28", "2026-03-28T23:00:00+00:00"),  # the night summer time begins
        ("2026-10-24", "2026-10-24T22:00:00+00:00"),  # the night summer time ends
        ("2026-12-31", "2026-12-31T23:00:00+00:00"),
    ],
)
def test_end_of_a_day_in_sweden(day, moment):
    end = end_of(D(day))
    assert end == datetime.fromisoformat(moment)
    assert end.tzinfo == UTC


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.mark.parametrize("days", [1, 7, 20])
def test_every_working_day_limit_over_three_years_counts_exactly_its_days(days):
    for start in days_between(D("2026-01-01"), D("2028-12-31")):
        last = after_working_days(start, days)
        counted = [d for d in days_between(start + timedelta(days=1), last) if is_working_day(d)]
        assert len(counted) == days
        assert counted[-1] == last


def test_every_calendar_day_limit_ends_on_the_first_working_day_from_its_day():
    for start in days_between(D("2026-01-01"), D("2028-12-31")):
        nominal = start + timedelta(days=30)
        last = after_calendar_days(start, 30)
        assert nominal <= last
        assert is_working_day(last)
        assert not any(is_working_day(d) for d in days_between(nominal, last)[:-1])
