"""Every query of webhooks. Deliveries are claimed ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
dispatchers running at once each take rows the others did not; SQLite ignores the clause (it has
one writer at a time, and one dispatcher is what it is run with). Fanning out is one
dispatcher's at a time (``take_fan_out_turn``): it is cheap, and doing it in order is what keeps
each case's messages in order."""

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, and_, exists, func, insert, select, tuple_, update
from sqlalchemy.orm import Session, aliased, selectinload

from app.integrations.webhooks.models import (
    OutboxMessage,
    WebhookDelivery,
    WebhookSubscription,
)
from app.integrations.webhooks.vocabulary import DeliveryStatus
from app.kit.batches import among, pairs_among
from app.kit.pagination import Slice, Window, cut
from app.organisation.models import Organ

AnyRow = Row[*tuple[Any, ...]]
PENDING = DeliveryStatus.pending.value
QUEUED = DeliveryStatus.queued.value
IN_QUEUE = (PENDING, QUEUED)
_DELIVERIES = cast(Table, WebhookDelivery.__table__)
"""The table itself, for the dispatcher's statements: Core, without the ORM's bookkeeping."""


FAN_OUT_LOCK = 0x5354_4B5F_5748  # "STK_WH": the advisory lock of whoever fans out


def take_fan_out_turn(session: Session) -> bool:
    """Whether this transaction may fan out: one dispatcher at a time on PostgreSQL (an
    advisory lock held until the transaction ends), so messages are fanned out in id order and
    a case's later message never becomes a delivery before its earlier one. SQLite has one
    writer at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(FAN_OUT_LOCK))))


def unfanned_messages(session: Session, limit: int) -> list[OutboxMessage]:
    """The oldest messages not fanned out yet."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.fanned_out_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def active_subscriptions(session: Session) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
    return list(session.scalars(query.order_by(WebhookSubscription.id)))


def claimable_deliveries(session: Session, now: datetime, limit: int) -> Iterator[AnyRow]:
    """Deliveries due now at the head of their queue, of active subscriptions, not leased to a
    dispatcher, with what sending them takes (the subscription's address and secrets, the
    body), oldest due first. Locked for the caller, who leases them before its transaction
    ends; rows another dispatcher has locked are skipped."""
    delivery = WebhookDelivery
    query = (
        select(
            delivery.id,
            delivery.subscription_id,
            delivery.case_id,
            delivery.message_id,
            delivery.attempt_count,
            WebhookSubscription.url,
            WebhookSubscription.secret,
            WebhookSubscription.previous_secret,
            WebhookSubscription.previous_secret_until,
            OutboxMessage.body,
        )
        .join(
            WebhookSubscription,
            and_(
                WebhookSubscription.id == delivery.subscription_id,
                WebhookSubscription.active.is_(True),
            ),
        )
        .join(OutboxMessage, OutboxMessage.id == delivery.message_id)
        .where(
            delivery.status == PENDING,
            delivery.next_attempt_at <= now,
            (delivery.claimed_until.is_(None)) | (delivery.claimed_until < now),
        )
        .order_by(delivery.next_attempt_at, delivery.id)
        .limit(limit)
        .with_for_update(of=delivery, skip_locked=True)
    )
    yield from session.execute(query)


def lease(
    session: Session, ids: Collection[int], token: str, now: datetime, until: datetime
) -> set[int]:
    """Lease those of the deliveries ``ids`` that are still pending and free to the claim
    ``token`` until ``until``; the ids leased. The condition is checked again here: where rows
    are not locked (SQLite), it is what decides."""
    free = (_DELIVERIES.c.claimed_until.is_(None)) | (_DELIVERIES.c.claimed_until < now)
    leased = session.execute(
        update(_DELIVERIES)
        .where(among(session, _DELIVERIES.c.id, ids), _DELIVERIES.c.status == PENDING, free)
        .values(claimed_by=token, claimed_until=until)
        .returning(_DELIVERIES.c.id)
    )
    return set(leased.scalars())


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` by one statement executed for many (the driver sends them together), on
    the table itself: the ORM's bulk insert costs more than the rows' own work here."""
    if rows:
        session.execute(insert(table), rows)


Queue = tuple[int, int]
"""A case's queue of messages to a subscription: (subscription id, case id)."""


def open_queues(session: Session, queues: Collection[Queue]) -> set[Queue]:
    """Those of ``queues`` that hold a pending or queued delivery, their rows locked: a
    dispatcher ending the head of one of them (and moving the next up) finishes first, so a
    message appended now goes behind the right one."""
    if not queues:
        return set()
    query = (
        select(WebhookDelivery.subscription_id, WebhookDelivery.case_id)
        .where(
            WebhookDelivery.status.in_(IN_QUEUE),
            pairs_among(session, WebhookDelivery.subscription_id, WebhookDelivery.case_id, queues),
        )
        .with_for_update()
    )
    return {(row.subscription_id, row.case_id) for row in session.execute(query)}


def move_up(session: Session, queues: Collection[Queue]) -> None:
    """Make the oldest queued delivery of each of ``queues`` the pending head, where the queue
    has no head (the one it had was just delivered or given up on)."""
    queues = _with_queued(session, queues)  # mostly none: most cases' queues hold one message
    if not queues:
        return
    head, waiting = aliased(WebhookDelivery), aliased(WebhookDelivery)
    oldest = (
        select(waiting.subscription_id, waiting.case_id, func.min(waiting.message_id))
        .where(
            waiting.status == QUEUED,
            pairs_among(session, waiting.subscription_id, waiting.case_id, queues),
        )
        .group_by(waiting.subscription_id, waiting.case_id)
    )
    has_head = exists().where(
        head.subscription_id == WebhookDelivery.subscription_id,
        head.case_id == WebhookDelivery.case_id,
        head.status == PENDING,
    )
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.status == QUEUED,
            tuple_(
                WebhookDelivery.subscription_id, WebhookDelivery.case_id, WebhookDelivery.message_id
            ).in_(oldest),
            ~has_head,
        )
        .values(status=PENDING)
        .execution_options(synchronize_session=False)
    )


def _with_queued(session: Session, queues: Collection[Queue]) -> set[Queue]:
    """Those of ``queues`` with a queued delivery."""
    if not queues:
        return set()
    query = (
        select(_DELIVERIES.c.subscription_id, _DELIVERIES.c.case_id)
        .where(
            _DELIVERIES.c.status == QUEUED,
            pairs_among(session, _DELIVERIES.c.subscription_id, _DELIVERIES.c.case_id, queues),
        )
        .distinct()
    )
    return {(row.subscription_id, row.case_id) for row in session.execute(query)}


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
