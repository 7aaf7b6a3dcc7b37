"""Every query of webhooks. The dispatcher's claim their rows ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so dispatchers running at once each take rows the others did not; SQLite ignores
the clause (it has one writer at a time, and one dispatcher is what it is run with)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased, selectinload

from app.integrations.webhooks.models import (
    OutboxMessage,
    WebhookDelivery,
    WebhookSubscription,
)
from app.integrations.webhooks.vocabulary import DeliveryStatus
from app.kit.pagination import Slice, Window, cut
from app.organisation.models import Organ

PENDING = DeliveryStatus.pending.value


def unfanned_messages(session: Session, limit: int) -> list[OutboxMessage]:
    """The oldest messages not fanned out yet, locked; those another dispatcher holds skipped."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.fanned_out_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def active_subscriptions(session: Session) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
    return list(session.scalars(query.order_by(WebhookSubscription.id)))


def claimable_deliveries(session: Session, now: datetime, limit: int) -> list[int]:
    """Deliveries due now, of active subscriptions, not leased to a dispatcher, and first in
    their case's queue: no earlier message of the same case is still pending for the same
    subscription, nor still waiting to be fanned out (it may be about to become one). Locked
    for the caller, who leases them before its transaction ends."""
    earlier = aliased(WebhookDelivery)
    delivery = WebhookDelivery
    earlier_pending = exists().where(
        earlier.subscription_id == delivery.subscription_id,
        earlier.case_id == delivery.case_id,
        earlier.status == PENDING,
        earlier.message_id < delivery.message_id,
    )
    earlier_unfanned = exists().where(
        OutboxMessage.fanned_out_at.is_(None),
        OutboxMessage.case_id == delivery.case_id,
        OutboxMessage.id < delivery.message_id,
    )
    query = (
        select(delivery.id)
        .join(
            WebhookSubscription,
            and_(
                WebhookSubscription.id == delivery.subscription_id,
                WebhookSubscription.active.is_(True),
            ),
        )
        .where(
            delivery.status == PENDING,
            delivery.next_attempt_at <= now,
            (delivery.claimed_until.is_(None)) | (delivery.claimed_until < now),
            ~earlier_pending,
            ~earlier_unfanned,
        )
        .order_by(delivery.next_attempt_at, delivery.id)
        .limit(limit)
        .with_for_update(of=delivery, skip_locked=True)
    )
    return list(session.scalars(query))


def subscription_by_id(
    session: Session, subscription_id: int, *, for_update: bool = False
) -> WebhookSubscription | None:
    query = select(WebhookSubscription).where(WebhookSubscription.id == subscription_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def subscriptions(session: Session, window: Window) -> Slice[WebhookSubscription]:
    query = select(WebhookSubscription).order_by(WebhookSubscription.id).limit(window.limit + 1)
    if window.after is not None:
        query = query.where(WebhookSubscription.id > window.after)
    return cut(list(session.scalars(query)), window)


def organ_codes(session: Session, organ_ids: Sequence[int]) -> dict[int, str]:
    if not organ_ids:
        return {}
    query = select(Organ.id, Organ.code).where(Organ.id.in_(organ_ids))
    return {row.id: row.code for row in session.execute(query)}


def deliveries(
    session: Session, subscription_id: int, status: DeliveryStatus | None, window: Window
) -> Slice[WebhookDelivery]:
    """A subscription's deliveries, oldest first, each with its attempts."""
    query = (
        select(WebhookDelivery)
        .options(selectinload(WebhookDelivery.attempts))
        .where(WebhookDelivery.subscription_id == subscription_id)
        .order_by(WebhookDelivery.id)
        .limit(window.limit + 1)
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status.value)
    if window.after is not None:
        query = query.where(WebhookDelivery.id > window.after)
    return cut(list(session.scalars(query)), window)


def dead_deliveries(
    session: Session, subscription_id: int, ids: Sequence[int] | None
) -> list[WebhookDelivery]:
    """The subscription's dead deliveries (those of ``ids`` only, when given), locked."""
    query = select(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription_id,
        WebhookDelivery.status == DeliveryStatus.dead.value,
    )
    if ids is not None:
        query = query.where(WebhookDelivery.id.in_(ids))
    return list(session.scalars(query.order_by(WebhookDelivery.id).with_for_update()))


def delivery_ids_of(session: Session, subscription_id: int, ids: Sequence[int]) -> set[int]:
    query = select(WebhookDelivery.id).where(
        WebhookDelivery.subscription_id == subscription_id, WebhookDelivery.id.in_(ids)
    )
    return set(session.scalars(query))
