"""Every query of cases, definitions, revisions, events and documents."""

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Executable,
    and_,
    bindparam,
    case,
    false,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, defer, joinedload

from app.cases.models import (
    AssessmentRevision,
    Case,
    CaseDocument,
    CaseEvent,
    DiarySeries,
    WorkflowDefinition,
)
from app.cases.permissions import Sight
from app.db import read_rows
from app.kit.pagination import Window
from app.organisation.repository import organs_served_by, units_within

# Definitions


def latest_definition(
    session: Session, key: str, *, document: bool = True
) -> WorkflowDefinition | None:
    """The newest version of ``key``; without ``document``, its body is loaded only if asked for
    (``definitions.engine_of`` asks once per process and version)."""
    query = _LATEST_DEFINITION if document else _LATEST_DEFINITION_HEADER
    return session.scalars(query, {"key": key}).one_or_none()


_LATEST_DEFINITION = (
    select(WorkflowDefinition)
    .where(WorkflowDefinition.key == bindparam("key"))
    .order_by(WorkflowDefinition.version.desc())
    .limit(1)
)
_LATEST_DEFINITION_HEADER = _LATEST_DEFINITION.options(defer(WorkflowDefinition.body))
"""Built once: every registration asks which version is current (``_CASE``)."""


def definition(session: Session, key: str, version: int) -> WorkflowDefinition | None:
    query = select(WorkflowDefinition).where(
        WorkflowDefinition.key == key, WorkflowDefinition.version == version
    )
    return session.scalars(query).one_or_none()


def definition_body(session: Session, definition_id: int) -> dict[str, Any]:
    """A stored version's document (``definitions.engine_of`` builds an engine from it)."""
    query = select(WorkflowDefinition.body).where(WorkflowDefinition.id == definition_id)
    body: dict[str, Any] = session.execute(query).scalar_one()
    return body


def definitions(session: Session) -> list[WorkflowDefinition]:
    query = select(WorkflowDefinition).order_by(WorkflowDefinition.key, WorkflowDefinition.version)
    return list(session.scalars(query))


# Cases

WORKFLOW_LOAD = joinedload(Case.workflow).defer(WorkflowDefinition.body)
"""A case's workflow without its document (some kilobytes a row): the engine is built from it
once per process (``definitions.engine_of``), the checksum names it."""
CASE_LOADS = (WORKFLOW_LOAD, joinedload(Case.organ), joinedload(Case.unit))


_CASE = select(Case).options(*CASE_LOADS).where(Case.id == bindparam("case_id"))
_LOCKED_CASE = _CASE.with_for_update(of=Case)
"""Every request about a case reads it by one of these: built once, as building the statement
(three joined loads) costs more than running it (bench/transitions_http.py). The same holds for
the other statements here that are built at import and take their values as parameters."""


def case_by_id(session: Session, case_id: int, *, for_update: bool = False) -> Case | None:
    """A case with its workflow. ``for_update`` locks the row (PostgreSQL) for a transition;
    the version column guards the same on SQLite."""
    query = _LOCKED_CASE if for_update else _CASE
    return session.scalars(query, {"case_id": case_id}).one_or_none()


@lru_cache(maxsize=1024)
def in_sight(sight: Sight) -> ColumnElement[bool]:
    """The cases a caller may know exist: ``Sight.sees`` as SQL, so that a list leaves out what
    the caller may not see before it is cut into pages.

    Kept per sight (a frozen value; a caller's is the same from request to request): building
    it, the walk down the units among it, costs a list page more than a millisecond, and SQL
    expressions never change once built, so one serves every statement that uses it."""
    if sight.everything:
        return true()
    seen: list[ColumnElement[bool]] = [Case.confidential == false()]
    if sight.organ_ids:
        seen.append(Case.organ_id.in_(sight.organ_ids))
    if sight.unit_ids:
        seen.append(Case.unit_id.in_(units_within(sight.unit_ids)))
    if sight.administration_ids:
        seen.append(Case.organ_id.in_(organs_served_by(sight.administration_ids)))
    if sight.person_id is not None:
        seen.append(Case.registered_by_person_id == sight.person_id)
        seen.append(Case.case_officer_person_id == sight.person_id)
    return or_(*seen)


def overdue(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """The cases past their deadline at ``now``: ``deadlines.is_overdue`` as SQL, served by the
    partial index ix_cases_due_at. A case in a final state has no due_at, so it never matches."""
    return and_(Case.due_at.is_not(None), Case.due_at <= now)


def prioritised(session: Session, organ_id: int, period: str, *, sight: Sight) -> list[Case]:
    """An organ's prioritised cases for a period that the caller may see, in any state: by rank,
    then by score (highest first), then age. Which states count is the workflow's to say."""
    query = (
        select(Case)
        .options(WORKFLOW_LOAD)
        .where(Case.organ_id == organ_id, Case.priority_period == period, in_sight(sight))
        .order_by(
            Case.priority_rank.is_(None),
            Case.priority_rank,
            Case.priority_score.is_(None),
            Case.priority_score.desc(),
            Case.id,
        )
    )
    return list(session.scalars(query))


def cases_at_rank(
    session: Session, organ_id: int, period: str, rank: int, excluding_id: int
) -> list[Case]:
    """Other cases given ``rank`` in the organ's order for the period (in any state)."""
    query = (
        select(Case)
        .options(WORKFLOW_LOAD)
        .where(
            Case.organ_id == organ_id,
            Case.priority_period == period,
            Case.priority_rank == rank,
            Case.id != excluding_id,
        )
    )
    return list(session.scalars(query))


# Revisions and events


def revisions(session: Session, case_id: int) -> list[AssessmentRevision]:
    query = (
        select(AssessmentRevision)
        .where(AssessmentRevision.case_id == case_id)
        .order_by(AssessmentRevision.revision)
    )
    return list(session.scalars(query))


_CURRENT_REVISION = (
    select(AssessmentRevision)
    .where(AssessmentRevision.case_id == bindparam("case_id"))
    .order_by(AssessmentRevision.revision.desc())
    .limit(1)
)


def current_revision(session: Session, case_id: int) -> AssessmentRevision | None:
    return session.scalars(_CURRENT_REVISION, {"case_id": case_id}).one_or_none()


def events(session: Session, case_id: int) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    return list(session.scalars(query))


def event_count(session: Session, case_id: int) -> int:
    query = select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
    return int(session.scalar(query) or 0)


# Diary numbers


_INSERTS: dict[str, Callable[[type[DiarySeries]], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}
"""Each database's INSERT with ON CONFLICT. An upsert on the series row locks it (PostgreSQL)
until the transaction ends; SQLite's single writer serialises registrations anyway."""


def _series_upsert(
    session: Session, organ_id: int, year: int, seq: int
) -> postgresql.Insert | sqlite.Insert:
    row = {"organ_id": organ_id, "year": year, "last_seq": seq}
    return _INSERTS[session.get_bind().dialect.name](DiarySeries).values(row)


def _next_in_series(
    insert: Callable[[type[DiarySeries]], postgresql.Insert | sqlite.Insert],
) -> Executable:
    upsert = insert(DiarySeries).values(
        organ_id=bindparam("organ_id"), year=bindparam("year"), last_seq=1
    )
    statement: Executable = upsert.on_conflict_do_update(
        index_elements=[DiarySeries.organ_id, DiarySeries.year],
        set_={"last_seq": DiarySeries.last_seq + 1},
    ).returning(DiarySeries.last_seq)
    return statement


_NEXT_IN_SERIES = {name: _next_in_series(insert) for name, insert in _INSERTS.items()}
"""Built once per database: every registration takes a number (``_CASE``)."""


def next_in_series(session: Session, organ_id: int, year: int) -> int:
    """Take the next number of the organ's series for the year (1 in a new one)."""
    query = _NEXT_IN_SERIES[session.get_bind().dialect.name]
    return int(session.execute(query, {"organ_id": organ_id, "year": year}).scalar_one())


def raise_series(session: Session, organ_id: int, year: int, seq: int) -> None:
    """Let the organ's series for the year continue above ``seq`` (an imported number)."""
    upsert = _series_upsert(session, organ_id, year, seq)
    higher = case(
        (upsert.excluded.last_seq > DiarySeries.last_seq, upsert.excluded.last_seq),
        else_=DiarySeries.last_seq,
    )
    session.execute(
        upsert.on_conflict_do_update(
            index_elements=[DiarySeries.organ_id, DiarySeries.year], set_={"last_seq": higher}
        )
    )


def case_by_diary_number(session: Session, number: str) -> Case | None:
    query = select(Case).options(*CASE_LOADS).where(Case.diary_number == number)
    return session.scalars(query).one_or_none()


class Step(NamedTuple):
    """What a past step says of its day (``authority._effective_day``)."""

    authority: dict[str, Any] | None
    payload: dict[str, Any] | None
    created_at: datetime


DECIDING = frozenset({"organ_decision", "delegated_decision", "urgent_decision"})
_LAST_DECISION = (
    select(CaseEvent.authority, CaseEvent.payload, CaseEvent.created_at)
    .where(
        CaseEvent.case_id == bindparam("case_id"),
        CaseEvent.kind == "transitioned",
        CaseEvent.authority["kind"].as_string().in_(sorted(DECIDING)),
    )
    .order_by(CaseEvent.seq.desc())
    .limit(1)
)


def last_decision(session: Session, case_id: int) -> Step | None:
    """The case's latest step taken as a decision (of an organ, a delegate, or urgent): one
    row, found by the database (uq_case_events_case_id_seq, then the few transitions of one
    case), and only the three columns that date it."""
    row = read_rows(session, _LAST_DECISION, {"case_id": case_id}).one_or_none()
    return None if row is None else Step(*row)


# Documents


def documents(session: Session, case_id: int, window: Window) -> list[CaseDocument]:
    """A page of the case's documents in the order they were registered
    (ix_case_documents_case_id_id)."""
    query = select(CaseDocument).where(CaseDocument.case_id == case_id)
    if window.after is not None:
        query = query.where(CaseDocument.id > window.after)
    return list(session.scalars(query.order_by(CaseDocument.id).limit(window.limit + 1)))


def document(session: Session, case_id: int, document_id: int) -> CaseDocument | None:
    query = select(CaseDocument).where(
        CaseDocument.id == document_id, CaseDocument.case_id == case_id
    )
    return session.scalars(query).one_or_none()


def document_by_external_id(
    session: Session, case_id: int, external_id: str
) -> CaseDocument | None:
    """The case's reference to the diarium's document, if any
    (uq_case_documents_case_id_external_id)."""
    query = select(CaseDocument).where(
        CaseDocument.case_id == case_id, CaseDocument.external_id == external_id
    )
    return session.scalars(query).one_or_none()
