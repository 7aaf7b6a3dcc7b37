"""What a case list asks, apart from how it is asked in SQL (``app.cases.search``): its filter,
its orders, the words of its free text, and the positions its keyset pages start from."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from app.kit.pagination import MAX_ID, InvalidCursor, Position, SortValue

WORD = re.compile(r"\w+")
MAX_WORDS = 16


class Sort(StrEnum):
    """Orders of the list; ``-`` reverses. ``created`` is the order of registration here,
    ``diary_number`` the diary's (per series and year, numbers in numeric order), ``priority``
    the organs' ranks (unranked last)."""

    created = "created"
    created_desc = "-created"
    updated = "updated"
    updated_desc = "-updated"
    diary_number = "diary_number"
    diary_number_desc = "-diary_number"
    priority = "priority"
    priority_desc = "-priority"

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")


@dataclass(frozen=True)
class CaseFilter:
    """What a list keeps, every part optional; values within one part are alternatives, the
    parts all apply (a case has every flag named)."""

    states: Sequence[str] = ()
    routes: Sequence[str] = ()
    organ_codes: Sequence[str] = ()  # a code that names no organ matches nothing
    unit_ids: Sequence[int] = ()  # and every unit beneath them
    matter_types: Sequence[str] = ()
    case_officer_ids: Sequence[int] = ()
    origins: Sequence[str] = ()
    flags: Sequence[str] = ()
    confidential: bool | None = None
    overdue_at: datetime | None = None  # past its deadline at this moment
    not_overdue_at: datetime | None = None
    created_from: datetime | None = None  # inclusive
    created_before: datetime | None = None  # exclusive
    updated_from: datetime | None = None
    updated_before: datetime | None = None
    text: str | None = None


def words(text: str) -> list[str]:
    """The words of a free-text query, as the search reads them."""
    return WORD.findall(text)[:MAX_WORDS]


def sort_key(number: str) -> str:
    """A diary number with each run of digits zero-padded to ten, so text order is numeric."""
    return re.sub(r"\d+", lambda digits: digits[0].zfill(10), number)


def position_of(case: Any, sort: Sort) -> Position:
    """Where the page after ``case`` starts."""
    value: SortValue
    match sort:
        case Sort.created | Sort.created_desc:
            value = None
        case Sort.updated | Sort.updated_desc:
            value = case.updated_at.isoformat()
        case Sort.diary_number | Sort.diary_number_desc:
            value = case.diary_sort_key
        case Sort.priority | Sort.priority_desc:
            value = MAX_ID if case.priority_rank is None else case.priority_rank
    return Position(sort=sort.value, value=value, id=case.id)


def checked(position: Position, sort: Sort) -> Position:
    """A decoded cursor whose value is of the kind the order sorts by; else ``InvalidCursor``."""
    value = position.value
    match sort:
        case Sort.created | Sort.created_desc:
            valid = value is None
        case Sort.updated | Sort.updated_desc:
            valid = isinstance(value, str) and moment(value) is not None
        case Sort.diary_number | Sort.diary_number_desc:
            valid = isinstance(value, str)
        case Sort.priority | Sort.priority_desc:
            valid = isinstance(value, int)
    if not valid:
        raise InvalidCursor(str(value))
    return position


def moment(value: str) -> datetime | None:
    """A cursor's moment (``updated`` order): an ISO time with its offset, else None."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None
