"""Time limits configured with a workflow: what is wrong with a definition's ``deadlines``, and
the last day a case has in its state.

A state's limit runs from the day the case entered the state; an origin's limit (KL 5:35 for
motions and citizen proposals) from the day it was registered, for as long as the case is in one
of the states the limit names: leaving them is what "prepared" means. When both apply the
earlier day wins. A final state has no limit.
"""

from datetime import date

from app.cases.vocabulary import Origin
from app.kit import calendar
from app.workflows.definition import Definition, Limit
from app.workflows.errors import Problem

UNITS = frozenset({"calendar_days", "working_days"})
LONGEST = {"days": 3660, "months": 120, "years": 10}
"""Ten years at most: past that a limit is a typing error, and counting it would be slow."""
ORIGINS = frozenset(origin.value for origin in Origin)


def last_day(limit: Limit, start: date) -> date:
    """The day ``limit`` ends when counted from ``start`` (a valid limit: one positive length)."""
    if limit.years is not None:
        return calendar.after_months(start, 12 * limit.years)
    if limit.months is not None:
        return calendar.after_months(start, limit.months)
    assert limit.days is not None
    if limit.unit == "working_days":
        return calendar.after_working_days(start, limit.days)
    return calendar.after_calendar_days(start, limit.days)


def due_on(
    definition: Definition, *, state: str, origin: str, entered_on: date, registered_on: date
) -> date | None:
    """The last day of a case of ``origin`` in ``state``: the earliest of the limits that apply,
    or None where none does."""
    deadlines = definition.deadlines
    if deadlines is None or state in definition.final_states:
        return None
    days = []
    if (limit := deadlines.states.get(state)) is not None:
        days.append(last_day(limit, entered_on))
    origin_limit = deadlines.origins.get(origin)
    if origin_limit is not None and state in origin_limit.during:
        days.append(last_day(origin_limit, registered_on))
    return min(days, default=None)


def problems_of(definition: Definition) -> list[Problem]:
    """Every reason the definition's deadlines cannot be counted, each with its code."""
    deadlines = definition.deadlines
    if deadlines is None:
        return []
    found: list[Problem] = []
    for state, limit in deadlines.states.items():
        found += _state_problems(definition, f"deadline of state {state}", [state])
        found += _limit_problems(f"deadline of state {state}", limit)
    for origin, origin_limit in deadlines.origins.items():
        where = f"deadline of origin {origin}"
        if origin not in ORIGINS:
            found.append(
                Problem(
                    "DEADLINE_UNKNOWN_ORIGIN",
                    f"{where}: no such origin (one of {', '.join(sorted(ORIGINS))})",
                )
            )
        if not origin_limit.during:
            found.append(Problem("DEADLINE_NO_STATES", f"{where}: 'during' names no state"))
        found += _state_problems(definition, where, list(origin_limit.during))
        found += _limit_problems(where, origin_limit)
    return found


def _state_problems(definition: Definition, where: str, states: list[str]) -> list[Problem]:
    found = []
    for state in states:
        if state not in definition.state_names:
            found.append(Problem("DEADLINE_UNKNOWN_STATE", f"{where}: no state {state}"))
        elif state in definition.final_states:
            found.append(Problem("DEADLINE_FINAL_STATE", f"{where}: {state} is final"))
    return found


def _limit_problems(where: str, limit: Limit) -> list[Problem]:
    lengths = {
        name: value
        for name, value in (("days", limit.days), ("months", limit.months), ("years", limit.years))
        if value is not None
    }
    if len(lengths) != 1:
        return [Problem("DEADLINE_LENGTH", f"{where}: give exactly one of days, months and years")]
    found = [
        Problem("DEADLINE_NOT_POSITIVE", f"{where}: {name} must be at least 1, not {value}")
        for name, value in lengths.items()
        if value < 1
    ]
    found += [
        Problem("DEADLINE_TOO_LONG", f"{where}: {name} must be at most {LONGEST[name]}")
        for name, value in lengths.items()
        if value > LONGEST[name]
    ]
    if limit.unit is not None and limit.unit not in UNITS:
        found.append(
            Problem(
                "DEADLINE_UNKNOWN_UNIT",
                f"{where}: unit {limit.unit} is not one of {', '.join(sorted(UNITS))}",
            )
        )
    elif limit.unit is not None and limit.days is None:
        found.append(
            Problem(
                "DEADLINE_UNIT_WITHOUT_DAYS",
                f"{where}: a unit applies to days; months and years are calendar months",
            )
        )
    return found
