"""Tables of outbound webhooks: subscriptions, the outbox, deliveries and their attempts.

``webhook_outbox`` is the transactional outbox: one row per announced change, written in the
change's own transaction; ``fanned_out_at`` is set once the dispatcher has made its deliveries
(a row that matched no subscription is deleted then). Its ids only grow, on SQLite too
(``sqlite_autoincrement``): they are the messages' ``webhook-id`` and their order per case.

A delivery is one message for one subscription. A case's deliveries to a subscription are a
queue: its head is ``pending``, the rest ``queued`` behind it (``DeliveryStatus``), so finding
what to send never has to look past the heads. Its ``claimed_by``/``claimed_until`` is the
lease of the dispatcher sending it, so no other dispatcher sends it meanwhile.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from app.cases.models import CaseEvent
from app.db import Base, Timestamped
from app.kit.clock import utcnow


class WebhookSubscription(Timestamped, Base):
    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str | None] = mapped_column(String(200))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    # Ids of the organs whose cases it hears of; empty: every organ's.
    organ_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The signing key, ``whsec_`` + base64. Kept as given: signing needs it, not a hash of it.
    secret: Mapped[str] = mapped_column(String(100))
    # The key before the last rotation, which also signs until ``previous_secret_until``, while
    # the receiver changes over (``service.rotate_secret``); both empty otherwise.
    previous_secret: Mapped[str | None] = mapped_column(String(100))
    previous_secret_until: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)
    # May hear of confidential cases (OSL); without it, not even their ids reach the receiver.
    include_confidential: Mapped[bool] = mapped_column(default=False)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_by_api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))


class OutboxMessage(Base):
    __tablename__ = "webhook_outbox"
    __table_args__ = (
        Index(
            "ix_webhook_outbox_pending",
            "id",
            postgresql_where=text("fanned_out_at IS NULL"),
            sqlite_where=text("fanned_out_at IS NULL"),
        ),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_type: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    # No foreign key: the event history is append-only, and when someone deletes an event
    # anyway, the audit chain is to find the gap (app.audit), not a constraint to refuse it.
    event_id: Mapped[int | None]
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("reportable_decisions.id"))
    organ_id: Mapped[int] = mapped_column(ForeignKey("organs.id"))
    # Confidential when the change was made (or just before it): then only subscriptions
    # allowed confidential cases hear of it.
    confidential: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fanned_out_at: Mapped[datetime | None]
    # The JSON body, rendered once at fan-out, so every attempt sends the same bytes.
    body: Mapped[str | None] = mapped_column(Text)

    event: Mapped[CaseEvent | None] = relationship(
        lazy="raise", primaryjoin=lambda: foreign(OutboxMessage.event_id) == CaseEvent.id
    )


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "message_id"),
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index(
            "ix_webhook_deliveries_queue",
            "subscription_id",
            "case_id",
            "message_id",
            postgresql_where=text("status IN ('pending', 'queued')"),
            sqlite_where=text("status IN ('pending', 'queued')"),
        ),
        Index("ix_webhook_deliveries_subscription_id_status_id", "subscription_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    message_id: Mapped[int] = mapped_column(ForeignKey("webhook_outbox.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    event_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    attempt_count: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]
    dead_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    attempts: Mapped[list["WebhookAttempt"]] = relationship(
        lazy="raise", order_by="WebhookAttempt.id", passive_deletes=True
    )


class WebhookAttempt(Base):
    """One POST of a delivery: when, what came back, how long it took."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime]
    status_code: Mapped[int | None]
    latency_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(String(500))
