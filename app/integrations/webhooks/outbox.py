"""The write side of webhooks: one outbox row per announced change, added to the session of the
transaction that makes it (STYLE rule 2). Nothing here reads subscriptions or calls anyone, so
a change costs one INSERT more whoever listens; the dispatcher does the rest after the commit."""

from collections.abc import Iterable
from typing import cast

from sqlalchemy import Table, insert, inspect
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseEvent
from app.delegation.models import ReportableDecision
from app.integrations.webhooks.models import OutboxMessage
from app.integrations.webhooks.vocabulary import KIND_TYPES, EventType


def _confidential(case: Case) -> bool:
    """Confidential now, or until this very change: an edit that lifts the marking still
    describes a case that was secret, so it goes only where confidential cases may."""
    return case.confidential or True in inspect(case).attrs.confidential.history.deleted


_RECORD = insert(cast(Table, OutboxMessage.__table__))
"""Built once: every event writes a row (``records.append_event``)."""


def record_event(session: Session, case: Case, event: CaseEvent) -> None:
    """Announce a case event (called by ``append_event``, for every event there is, once the
    event is written)."""
    session.connection().execute(  # not flushing the session (see append_event)
        _RECORD,
        {
            "event_type": KIND_TYPES[event.kind].value,
            "case_id": case.id,
            "event_id": event.id,
            "organ_id": case.organ_id,
            "confidential": _confidential(case),
            "created_at": event.created_at,
        },
    )


def record_reported(session: Session, decisions: Iterable[ReportableDecision]) -> None:
    """Announce that the organ took note of these delegated decisions (their cases loaded)."""
    session.add_all(
        OutboxMessage(
            event_type=EventType.decision_reported.value,
            case_id=row.case_id,
            event_id=row.event_id,
            decision_id=row.id,
            organ_id=row.organ_id,
            confidential=_confidential(row.case),
        )
        for row in decisions
    )
