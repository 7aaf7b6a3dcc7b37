"""The case list as a query: filters, free text, orders and keyset pages (part of the cases
repository, kept apart because it is most of it).

Free text means the same on both databases as far as they allow: every word of the query must
begin a word of the diary number, title, description or problem (``skol`` finds "skolan"), or
the query is the whole diary number. PostgreSQL also stems with its Swedish configuration
("skolor" finds "skolan"), served by the GIN index ``ix_cases_search_swedish`` over exactly
``_document()``; SQLite matches prefixes in the FTS5 table ``cases_fts`` kept by triggers
(migration 20261128_0011). Neither splits compounds: "förskola" finds "förskolans", not "skola".

A page is cut by keyset: after the last row's (sort value, id), so rows inserted between pages
never shift a later page, and a page deep in the list costs what the first does.
"""

import re
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause

from app.cases.models import Case, WorkflowDefinition
from app.cases.permissions import Sight
from app.cases.repository import in_sight, overdue
from app.db import read_rows
from app.kit.pagination import MAX_ID, InvalidCursor, Position, SortValue
from app.organisation.models import Organ, Unit
from app.organisation.repository import units_within

FTS = table("cases_fts", column("rowid"), column("cases_fts"))
"""SQLite's FTS5 index of cases (migration 20261128_0011); its own name is its match column."""
Q = TypeVar("Q", bound=Select[Any])
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
    organ_codes: Sequence[str] = ()  # an unknown code matches nothing (see ``organs_unseen``)
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


_CASES = Case.__table__
_LISTED = select(
    *_CASES.c,
    WorkflowDefinition.key.label("workflow_key"),
    WorkflowDefinition.version.label("workflow_version"),
    WorkflowDefinition.checksum.label("workflow_checksum"),
    Organ.code.label("organ_code"),
    Unit.code.label("unit_code"),
).select_from(
    _CASES.join(WorkflowDefinition, WorkflowDefinition.id == _CASES.c.workflow_id)
    .join(Organ, Organ.id == _CASES.c.organ_id)
    .outerjoin(Unit, Unit.id == _CASES.c.unit_id)
)
"""A listed case: its columns, and the codes of what it refers to that a reader is shown.
Rows, not ORM objects: a page is read, never changed, and building fifty cases with their
workflow, organ and unit costs a page more than its query does (bench/scale.py)."""

Listed: Any = namedtuple("Listed", _LISTED.selected_columns.keys())  # type: ignore[misc]
"""A ``_LISTED`` row as a named tuple: a SQLAlchemy ``Row`` answers an attribute in Python
(~0.25 µs), a named tuple in C (~0.03 µs), and a page reads some thirty of each of its rows.
The rows come from ``db.read_rows``."""


def search(
    session: Session,
    where: CaseFilter,
    sight: Sight,
    sort: Sort,
    *,
    after: Position | None,
    limit: int,
) -> list[Any]:
    """Up to ``limit`` cases after ``after`` in ``sort`` order (fetch one more than a page to
    know whether another follows), as ``Listed`` tuples."""
    key = _key(sort)
    query = _filtered(session, _LISTED, where, sight)
    if after is not None:
        query = query.where(_beyond(key, sort, after))
    order = (key.desc(), Case.id.desc()) if sort.descending else (key.asc(), Case.id.asc())
    rows = read_rows(session, query.order_by(*order).limit(limit)).all()
    return [Listed._make(row) for row in rows]


def count(session: Session, where: CaseFilter, sight: Sight) -> int:
    query = _filtered(session, select(func.count()).select_from(Case), where, sight)
    return int(read_rows(session, query).scalar() or 0)


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
            valid = isinstance(value, str) and _moment(value) is not None
        case Sort.diary_number | Sort.diary_number_desc:
            valid = isinstance(value, str)
        case Sort.priority | Sort.priority_desc:
            valid = isinstance(value, int)
    if not valid:
        raise InvalidCursor(str(value))
    return position


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _key(sort: Sort) -> ColumnElement[object]:
    match sort:
        case Sort.created | Sort.created_desc:
            return Case.id  # type: ignore[return-value]
        case Sort.updated | Sort.updated_desc:
            return Case.updated_at  # type: ignore[return-value]
        case Sort.diary_number | Sort.diary_number_desc:
            return Case.diary_sort_key  # type: ignore[return-value]
        case Sort.priority | Sort.priority_desc:
            return func.coalesce(Case.priority_rank, MAX_ID)


def _beyond(key: ColumnElement[object], sort: Sort, after: Position) -> ColumnElement[bool]:
    """Rows past ``after`` in the order: a row-value comparison both databases index."""
    if sort in (Sort.created, Sort.created_desc):
        return Case.id < after.id if sort.descending else Case.id > after.id
    value: object = after.value
    if sort in (Sort.updated, Sort.updated_desc):
        value = _moment(str(after.value))
    row = tuple_(key, Case.id)
    other = tuple_(literal(value, key.type), literal(after.id))
    return row < other if sort.descending else row > other


def _filtered(session: Session, query: Q, where: CaseFilter, sight: Sight) -> Q:
    conditions: list[ColumnElement[bool]] = [in_sight(sight)]
    pairs: tuple[tuple[Sequence[Any], Any], ...] = (
        (where.states, Case.state),
        (where.routes, Case.route),
        (where.matter_types, Case.matter_type),
        (where.case_officer_ids, Case.case_officer_person_id),
        (where.origins, Case.origin),
    )
    conditions += [column.in_(values) for values, column in pairs if values]
    if where.organ_codes:
        conditions.append(_of_organs(where.organ_codes))
    if where.unit_ids:
        conditions.append(Case.unit_id.in_(units_within(where.unit_ids, "filtered_units")))
    if where.flags:
        conditions.append(_has_flags(session, where.flags))
    if where.overdue_at is not None:
        conditions.append(overdue(where.overdue_at))
    if where.not_overdue_at is not None:
        conditions.append(not_(overdue(where.not_overdue_at)))
    if where.confidential is not None:
        conditions.append(Case.confidential.is_(where.confidential))
    bounds = (
        (where.created_from, Case.created_at.__ge__),
        (where.created_before, Case.created_at.__lt__),
        (where.updated_from, Case.updated_at.__ge__),
        (where.updated_before, Case.updated_at.__lt__),
    )
    conditions += [compare(moment) for moment, compare in bounds if moment is not None]
    if where.text is not None:
        conditions.append(_matches(session, where.text))
    return query.where(and_(*conditions))


def _of_organs(codes: Sequence[str]) -> ColumnElement[bool]:
    """The organs by code, looked up in the statement itself rather than by a round trip
    first. One organ is compared as a scalar subquery, which PostgreSQL runs once, before the
    scan, and then treats as a constant: the index on (organ_id, state, id) then yields the
    rows in id order, and a page needs no sort (``IN (SELECT …)`` would sort every match)."""
    organs = select(Organ.id).correlate(None)
    if len(codes) == 1:
        return Case.organ_id == organs.where(Organ.code == codes[0]).scalar_subquery()
    return Case.organ_id.in_(organs.where(Organ.code.in_(codes)))


def _has_flags(session: Session, flags: Sequence[str]) -> ColumnElement[bool]:
    if _dialect(session) == "postgresql":  # served by ix_cases_flags (GIN, jsonb_path_ops)
        return cast(Case.flags, JSONB).contains(sorted(flags))
    each = func.json_each(Case.flags).table_valued("value")
    return and_(*(exists().select_from(each).where(each.c.value == flag) for flag in flags))


def _matches(session: Session, text: str) -> ColumnElement[bool]:
    found = words(text)
    exact = Case.diary_number == text
    if not found:
        return exact
    if _dialect(session) == "postgresql":
        query = " & ".join(f"{word}:*" for word in found)
        match = _document().bool_op("@@")(func.to_tsquery(_swedish(), query))
    else:
        terms = " ".join(f'"{word}"*' for word in found)
        match = Case.id.in_(select(FTS.c.rowid).where(FTS.c.cases_fts.op("MATCH")(terms)))
    return or_(exact, match)


def _swedish() -> ColumnElement[object]:
    return literal_column("'swedish'::regconfig")


def _document() -> ColumnElement[object]:
    """The searched text, exactly as ``ix_cases_search_swedish`` indexes it (constants, not
    parameters, so the planner sees the index's expression)."""
    space: ColumnClause[Any] = literal_column("' '")
    text = (
        Case.diary_number
        + space
        + Case.title
        + space
        + func.coalesce(Case.description, literal_column("''"))
        + space
        + Case.problem
    )
    return func.to_tsvector(_swedish(), text)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
