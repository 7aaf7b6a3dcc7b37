"""The case list: the query's codes and dates made into a filter, a keyset page in the order
asked for, and the count when asked for. What the caller may not see is left out in SQL,
before the page is cut, so neither the page nor the count reveals it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import search
from app.cases.list_query import CaseFilter, Sort, checked, position_of
from app.cases.permissions import require_read, sight
from app.cases.schemas import CaseQuery, CaseRead
from app.cases.service import records
from app.errors import BadRequest
from app.kit.clock import MUNICIPAL_TIME, utcnow
from app.kit.pagination import InvalidCursor, Position, decode_position, encode_position
from app.organisation.service.structure import organ_id, unit_id


@dataclass(frozen=True)
class CaseList:
    items: list[CaseRead]
    next_cursor: str | None
    total: int | None


def list_cases(
    session: Session, principal: Principal, query: CaseQuery, default_limit: int
) -> CaseList:
    require_read(principal)
    where = _filter(session, query)
    seeing = sight(principal)
    limit = query.limit or default_limit
    after = _position(query.cursor, query.sort) if query.cursor is not None else None
    rows = search.search(session, where, seeing, query.sort, after=after, limit=limit + 1)
    _organs_exist(session, query.organ, rows)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_position(position_of(rows[-1], query.sort))
    total = search.count(session, where, seeing) if query.total else None
    return CaseList(records.listed_read(session, rows), next_cursor, total)


def _filter(session: Session, query: CaseQuery) -> CaseFilter:
    """Unit codes become ids (an unknown unit is 404, as under its own path), organ codes are
    matched in the statement (``_organs_exist``), and Swedish dates become the moments they
    begin and end."""
    now = utcnow()
    return CaseFilter(
        states=query.state,
        routes=[route.value for route in query.route],
        organ_codes=query.organ,
        unit_ids=[unit_id(session, code) for code in query.unit],
        matter_types=query.matter_type,
        case_officer_ids=query.case_officer,
        origins=[origin.value for origin in query.origin],
        flags=[flag.value for flag in query.flag],
        confidential=query.confidential,
        overdue_at=now if query.overdue else None,
        not_overdue_at=now if query.overdue is False else None,
        created_from=_start(query.created_from),
        created_before=_start(query.created_to, days=1),
        updated_from=_start(query.updated_from),
        updated_before=_start(query.updated_to, days=1),
        text=query.q,
    )


def _organs_exist(session: Session, codes: list[str], rows: list[Any]) -> None:
    """The organ filter is matched by code in the list's own statement, which cannot tell a
    code that names no organ from one with no cases here; so a code that no row of the page
    carries is looked up, and one that names no organ is 404 (as under its own path), not an
    empty list. A page filtered by one organ costs no lookup unless it is empty."""
    carried = {row.organ_code for row in rows}
    for code in codes:
        if code not in carried:
            organ_id(session, code)


def _start(day: date | None, *, days: int = 0) -> datetime | None:
    """When the Swedish day ``days`` after ``day`` begins."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=days), time(), MUNICIPAL_TIME)


def _position(cursor: str, sort: Sort) -> Position:
    try:
        return checked(decode_position(cursor, sort.value), sort)
    except InvalidCursor as exc:
        raise BadRequest(
            "The cursor is not one this service gave out for this order (sort); start again "
            "from the first page.",
            "Markören (cursor) kommer inte från denna tjänst för denna ordning (sort); börja "
            "om från första sidan.",
            code="INVALID_CURSOR",
        ) from exc
