"""Every query of the audit: cases to check, a batch at a time, and their sealed histories."""

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseEvent
from app.cases.permissions import Sight
from app.cases.repository import in_sight

EVENTS_PER_FETCH = 1000


def case_ids(session: Session, sight: Sight, *, after: int, limit: int) -> list[int]:
    """The next ``limit`` case ids above ``after`` the caller may know exist (pk_cases)."""
    query = select(Case.id).where(Case.id > after, in_sight(sight)).order_by(Case.id).limit(limit)
    return list(session.scalars(query))


def histories(session: Session, ids: Sequence[int]) -> Iterator[Row[Any]]:
    """Each case's head and its sealed events in ``seq`` order (uq_case_events_case_id_seq),
    case by case; a case without events is one row with no event. One statement, so a case's
    head and its events are read from one snapshot even while others append; streamed, so a
    long history is never held whole."""
    query = (
        select(
            Case.id.label("head_case_id"),
            Case.last_event_seq.label("head_seq"),
            Case.last_event_hash.label("head_hash"),
            CaseEvent.case_id,
            CaseEvent.seq,
            CaseEvent.kind,
            CaseEvent.trigger,
            CaseEvent.from_state,
            CaseEvent.to_state,
            CaseEvent.payload,
            CaseEvent.authority,
            CaseEvent.actor_person_id,
            CaseEvent.actor_api_key_id,
            CaseEvent.created_at,
            CaseEvent.prev_hash,
            CaseEvent.hash,
        )
        .outerjoin(CaseEvent, CaseEvent.case_id == Case.id)
        .where(Case.id.in_(ids))
        .order_by(Case.id, CaseEvent.seq)
        .execution_options(yield_per=EVENTS_PER_FETCH)
    )
    yield from session.execute(query)
