"""The JSON body of each webhook message, Standard Webhooks' ``{type, timestamp, data}``.

``data.case`` names the case (id, diary number, organ); ``data.event`` is the case event as the
events API shows it (``GET /api/v1/cases/{id}/events``), so a receiver that reads both reads one
shape; ``data.decision`` is the reported decision of a ``decision.reported`` message. Rendered
once, when the message is fanned out, from what the database then holds: the event never changes,
and a report is final once made.
"""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.models import Case, CaseEvent
from app.cases.schemas import EventRead
from app.delegation.models import ReportableDecision
from app.integrations.webhooks.models import OutboxMessage
from app.integrations.webhooks.vocabulary import EventType
from app.kit.batches import among
from app.organisation.models import Organ


def timestamp(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def render(session: Session, messages: Sequence[OutboxMessage]) -> dict[int, str]:
    """Each message's body, by message id, with what it names read in at most three queries. A
    message whose event or case is gone (deleted behind the service's back) has none."""
    case_ids = {m.case_id for m in messages}
    event_ids = {m.event_id for m in messages if m.event_id is not None}
    decision_ids = {m.decision_id for m in messages if m.decision_id is not None}
    cases = {
        row.id: {"id": row.id, "diary_number": row.diary_number, "organ": row.code}
        for row in session.execute(
            select(Case.id, Case.diary_number, Organ.code)
            .join(Organ, Organ.id == Case.organ_id)
            .where(among(session, Case.id, case_ids))
        )
    }
    event_rows = select(CaseEvent).where(among(session, CaseEvent.id, event_ids))
    events = {
        event.id: EventRead.of(event).model_dump(mode="json")
        for event in session.scalars(event_rows)
    }
    decisions: dict[int, ReportableDecision] = {}
    if decision_ids:  # most messages are case events: no query for none
        reported = select(ReportableDecision).where(
            among(session, ReportableDecision.id, decision_ids)
        )
        decisions = {row.id: row for row in session.scalars(reported)}
    bodies = {}
    for message in messages:
        if message.case_id not in cases or (message.event_id and message.event_id not in events):
            continue
        data: dict[str, Any] = {"case": cases[message.case_id]}
        if message.event_id is not None:
            data["event"] = events[message.event_id]
        if message.event_type == EventType.decision_reported and message.decision_id:
            decision = decisions[message.decision_id]
            data["decision"] = {
                "id": decision.id,
                "kind": decision.kind,
                "reported_on": decision.reported_on.isoformat() if decision.reported_on else None,
                "report_paragraph": decision.report_paragraph,
            }
        body = {
            "type": message.event_type,
            "timestamp": timestamp(message.created_at),
            "data": data,
        }
        bodies[message.id] = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return bodies
