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

A statement is built once for each shape of filter (which parts it has, not their values), order
and caller's sight, and kept: the values are its parameters (``_page``). What a list asks, apart
from SQL, is ``app.cases.list_query``.
"""

from collections import namedtuple
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    Boolean,
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    cast,
    column,
    exists,
    func,
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

from app.cases.list_query import CaseFilter, Sort, moment, words
from app.cases.models import Case, WorkflowDefinition
from app.cases.permissions import Sight
from app.cases.repository import in_sight, overdue
from app.db import read_rows
from app.kit.pagination import MAX_ID, Position
from app.organisation.models import Organ, Unit
from app.organisation.repository import units_within

FTS = table("cases_fts", column("rowid"), column("cases_fts"))
"""SQLite's FTS5 index of cases (migration 20261128_0011); its own name is its match column."""
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
    dialect = _dialect(session)
    parts = _parts(where, dialect)
    statement = _page(_shape(parts), dialect, sight, sort, after is not None)
    values = _values(parts) | {"limit": limit}
    if after is not None:
        values |= _after(sort, after)
    rows = read_rows(session, statement, values).all()
    return [Listed._make(row) for row in rows]


def count(session: Session, where: CaseFilter, sight: Sight) -> int:
    dialect = _dialect(session)
    parts = _parts(where, dialect)
    statement = _count(_shape(parts), dialect, sight)
    return int(read_rows(session, statement, _values(parts)).scalar() or 0)


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


def _beyond(key: ColumnElement[object], sort: Sort) -> ColumnElement[bool]:
    """Rows past the last one of the page before (``_after``) in the order: a row-value
    comparison both databases index."""
    after_id = bindparam("after_id", type_=Integer)
    if sort in (Sort.created, Sort.created_desc):
        return Case.id < after_id if sort.descending else Case.id > after_id
    row = tuple_(key, Case.id)
    other = tuple_(bindparam("after_value", type_=key.type), after_id)
    return row < other if sort.descending else row > other


def _after(sort: Sort, after: Position) -> dict[str, Any]:
    value: object = after.value
    if sort in (Sort.updated, Sort.updated_desc):
        value = moment(str(after.value))
    return {"after_id": after.id, "after_value": value}


Part = tuple[str, dict[str, Any]]
"""One test of a filter: its name in the statement's shape, and the values of its parameters."""

_LISTS = {
    "states": Case.state,
    "routes": Case.route,
    "matter_types": Case.matter_type,
    "case_officer_ids": Case.case_officer_person_id,
    "origins": Case.origin,
}
_BOUNDS = {
    "created_from": Case.created_at.__ge__,
    "created_before": Case.created_at.__lt__,
    "updated_from": Case.updated_at.__ge__,
    "updated_before": Case.updated_at.__lt__,
}


def _parts(where: CaseFilter, dialect: str) -> list[Part]:
    """What the statement tests of a filter: each part's name says how (``_condition`` builds
    it, with parameters of the names its values have), the values what against."""
    parts: list[Part] = [
        (name, {name: list(getattr(where, name))}) for name in _LISTS if getattr(where, name)
    ]
    if len(where.organ_codes) == 1:
        parts.append(("organ", {"organ": where.organ_codes[0]}))
    elif where.organ_codes:
        parts.append(("organs", {"organs": list(where.organ_codes)}))
    if where.unit_ids:
        parts.append(("units", {"unit_ids": list(where.unit_ids)}))
    if where.flags and dialect == "postgresql":
        parts.append(("flags", {"flags": sorted(where.flags)}))
    elif where.flags:  # SQLite: one test per flag
        flags = {f"flag_{n}": flag for n, flag in enumerate(where.flags)}
        parts.append((f"flags:{len(flags)}", flags))
    if where.overdue_at is not None:
        parts.append(("overdue", {"overdue_at": where.overdue_at}))
    if where.not_overdue_at is not None:
        parts.append(("not_overdue", {"not_overdue_at": where.not_overdue_at}))
    if where.confidential is not None:
        parts.append(("confidential", {"confidential": where.confidential}))
    parts += [
        (name, {name: getattr(where, name)}) for name in _BOUNDS if getattr(where, name) is not None
    ]
    if where.text is not None:
        parts.append(_text(where.text, dialect))
    return parts


def _shape(parts: list[Part]) -> tuple[str, ...]:
    return tuple(name for name, _ in parts)


def _values(parts: list[Part]) -> dict[str, Any]:
    return {name: value for _, values in parts for name, value in values.items()}


@lru_cache(maxsize=1024)
def _page(
    shape: tuple[str, ...], dialect: str, sight: Sight, sort: Sort, beyond: bool
) -> Select[Any]:
    """A page's statement, built once per shape, caller's sight and order: its values are its
    parameters. Building it anew for each request, and SQLAlchemy's key for its cache of
    compiled statements, which it computes once per statement object, cost a page some 0.7 ms
    of the 2.2 its read took in one process on PostgreSQL, round trip included. SQL
    expressions are never changed once built, so one serves every request of its shape."""
    key = _key(sort)
    query = _LISTED.where(_conditions(shape, dialect, sight))
    if beyond:
        query = query.where(_beyond(key, sort))
    order = (key.desc(), Case.id.desc()) if sort.descending else (key.asc(), Case.id.asc())
    return query.order_by(*order).limit(bindparam("limit", type_=Integer))


@lru_cache(maxsize=1024)
def _count(shape: tuple[str, ...], dialect: str, sight: Sight) -> Select[Any]:
    return select(func.count()).select_from(Case).where(_conditions(shape, dialect, sight))


def _conditions(shape: tuple[str, ...], dialect: str, sight: Sight) -> ColumnElement[bool]:
    return and_(in_sight(sight), *(_condition(part, dialect) for part in shape))


def _condition(part: str, dialect: str) -> ColumnElement[bool]:
    """The test of one part (``_parts``), with its values as parameters of the same names."""
    name, _, detail = part.partition(":")
    if name in _LISTS:
        return _LISTS[name].in_(bindparam(name, expanding=True))
    if name in _BOUNDS:
        return _BOUNDS[name](bindparam(name))
    match name:
        case "organ":
            return (
                Case.organ_id
                == _ORGAN_IDS.where(Organ.code == bindparam("organ")).scalar_subquery()
            )
        case "organs":
            return Case.organ_id.in_(
                _ORGAN_IDS.where(Organ.code.in_(bindparam("organs", expanding=True)))
            )
        case "units":
            within = units_within(bindparam("unit_ids", expanding=True), "filtered_units")
            return Case.unit_id.in_(within)
        case "flags":
            return _has_flags(dialect, int(detail or 0))
        case "overdue":
            return overdue(bindparam("overdue_at"))
        case "not_overdue":
            return not_(overdue(bindparam("not_overdue_at")))
        case "confidential":
            return Case.confidential == bindparam("confidential", type_=Boolean)
        case "diary_number":
            return Case.diary_number == bindparam("text")
        case "text":
            return or_(Case.diary_number == bindparam("text"), _matches(dialect))
    raise ValueError(f"no such part of a case filter: {part}")


_ORGAN_IDS = select(Organ.id).correlate(None)
"""Organs are filtered by code in the statement itself, not looked up by a round trip first.
One organ is compared as a scalar subquery, which PostgreSQL runs once, before the scan, and
then treats as a constant: the index on (organ_id, state, id) then yields the rows in id order,
and a page needs no sort (``IN (SELECT …)`` would sort every match)."""


def _has_flags(dialect: str, count: int) -> ColumnElement[bool]:
    """Every flag of ``flags`` (PostgreSQL, served by ix_cases_flags: GIN, jsonb_path_ops),
    or of ``flag_0`` … (SQLite)."""
    if dialect == "postgresql":
        return cast(Case.flags, JSONB).contains(bindparam("flags", type_=JSONB))
    each = func.json_each(Case.flags).table_valued("value")
    return and_(
        *(
            exists().select_from(each).where(each.c.value == bindparam(f"flag_{n}"))
            for n in range(count)
        )
    )


def _text(text: str, dialect: str) -> Part:
    """Free text: the whole diary number, or every word as the beginning of a word."""
    found = words(text)
    if not found:
        return ("diary_number", {"text": text})
    if dialect == "postgresql":
        return ("text", {"text": text, "query": " & ".join(f"{word}:*" for word in found)})
    return ("text", {"text": text, "query": " ".join(f'"{word}"*' for word in found)})


def _matches(dialect: str) -> ColumnElement[bool]:
    """The words of ``query`` (``_text``) in the searched text."""
    query: BindParameter[str] = bindparam("query")
    if dialect == "postgresql":
        return _document().bool_op("@@")(func.to_tsquery(_swedish(), query))
    return Case.id.in_(select(FTS.c.rowid).where(FTS.c.cases_fts.op("MATCH")(query)))


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
