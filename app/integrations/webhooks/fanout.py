"""From outbox messages to deliveries: one per active subscription that wants the message, by
its type, its case's organ and, for a confidential case, the subscription's permission.

Subscriptions are matched when the message is fanned out (normally within a poll interval of
its commit): one created later does not receive what happened before it."""

import logging
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, delete, update
from sqlalchemy.orm import Session

from app.integrations.webhooks import messages
from app.integrations.webhooks import repository as repo
from app.integrations.webhooks.models import OutboxMessage, WebhookDelivery, WebhookSubscription
from app.integrations.webhooks.vocabulary import DeliveryStatus
from app.kit.batches import among

log = logging.getLogger(__name__)


def wants(subscription: WebhookSubscription, message: OutboxMessage) -> bool:
    """Whether the subscription receives the message. A confidential case reaches only a
    subscription allowed confidential cases: the others never learn it exists."""
    return (
        message.event_type in subscription.event_types
        and (not subscription.organ_ids or message.organ_id in subscription.organ_ids)
        and (subscription.include_confidential or not message.confidential)
    )


def _queued(
    session: Session,
    wanted: list[OutboxMessage],
    targets: dict[int, list[WebhookSubscription]],
    now: datetime,
) -> list[dict[str, object]]:
    """The new deliveries, in message order: each at the head of its case's queue to its
    subscription (``pending``) if that queue is empty, else ``queued`` behind the others."""
    open_queues = repo.open_queues(
        session, {(s.id, m.case_id) for m in wanted for s in targets[m.id]}
    )
    rows = []
    for message in wanted:
        for subscription in targets[message.id]:
            queue = (subscription.id, message.case_id)
            status = DeliveryStatus.queued if queue in open_queues else DeliveryStatus.pending
            open_queues.add(queue)
            rows.append(
                {
                    "subscription_id": subscription.id,
                    "message_id": message.id,
                    "case_id": message.case_id,
                    "event_type": message.event_type,
                    "status": status.value,
                    "attempt_count": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                }
            )
    return rows


def fan_out(session: Session, now: datetime, limit: int) -> int:
    """Fan out up to ``limit`` of the oldest waiting messages; how many were taken. A message
    no subscription wants is deleted: nobody will ask for it (nor for one whose event was
    deleted behind the service's back: there is nothing left to tell)."""
    if not repo.take_fan_out_turn(session):
        return 0  # another dispatcher is fanning out
    pending = repo.unfanned_messages(session, limit)
    if not pending:
        return 0
    subscriptions = repo.active_subscriptions(session)
    targets = {m.id: [s for s in subscriptions if wants(s, m)] for m in pending}
    bodies = messages.render(session, [m for m in pending if targets[m.id]])
    for message in pending:
        if targets[message.id] and message.id not in bodies:
            log.warning("webhook message %s names an event that is gone; dropped", message.id)
            targets[message.id] = []
    wanted = [m for m in pending if targets[m.id]]
    deliveries = _queued(session, wanted, targets, now)
    if wanted:
        session.connection().execute(
            _RENDERED, [{"b_id": m.id, "body": bodies[m.id], "fanned_out_at": now} for m in wanted]
        )
    unwanted = [m.id for m in pending if not targets[m.id]]
    if unwanted:
        session.execute(delete(_OUTBOX).where(among(session, _OUTBOX.c.id, unwanted)))
    repo.insert_rows(session, _DELIVERIES, deliveries)
    return len(pending)


_OUTBOX = cast(Table, OutboxMessage.__table__)
_DELIVERIES = cast(Table, WebhookDelivery.__table__)
_RENDERED = (
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("b_id"))
    .values(body=bindparam("body"), fanned_out_at=bindparam("fanned_out_at"))
)
"""Keep a message's body, rendered once (executed for many messages at once)."""
