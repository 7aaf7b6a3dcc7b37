"""Claiming due deliveries and recording how their attempts went.

A claim leases its deliveries to one dispatcher (``claimed_by`` a token of the claim,
``claimed_until`` the lease's end) in a short transaction, so no connection is held while
receivers are called. Another dispatcher takes a delivery only once its lease has run out: the
first crashed, or failed to finish in time, and was already told (``Claim.expires``) to stop
sending by then. Results are written only to deliveries still leased to the claim; an attempt
is logged whatever happened meanwhile.
"""

import secrets
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from app.integrations.webhooks import repository as repo
from app.integrations.webhooks.models import (
    WebhookAttempt,
    WebhookDelivery,
)
from app.integrations.webhooks.retry import RetryPolicy
from app.integrations.webhooks.sender import Sent
from app.integrations.webhooks.signing import still_signs
from app.integrations.webhooks.vocabulary import DeliveryStatus, webhook_id
from app.kit.batches import among


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    subscription_id: int
    case_id: int
    message_id: int
    attempt_count: int
    url: str
    secret: str
    body: str
    previous_secret: str | None = None  # also signs, while the receiver changes over

    @property
    def webhook_id(self) -> str:
        return webhook_id(self.message_id)

    @property
    def secrets(self) -> tuple[str, ...]:
        """What signs it: the subscription's secret, and the one before it while that still
        signs."""
        if self.previous_secret is None:
            return (self.secret,)
        return (self.secret, self.previous_secret)


@dataclass(frozen=True)
class Claim:
    token: str
    items: list[Claimed]
    expires: float  # time.monotonic() by which every send must have finished


@dataclass(frozen=True)
class Attempted:
    claimed: Claimed
    at: datetime
    sent: Sent


def claim(session: Session, now: datetime, limit: int, lease: timedelta) -> Claim:
    started = time.monotonic()
    token = secrets.token_hex(16)
    rows = list(repo.claimable_deliveries(session, now, limit))
    if not rows:
        return Claim(token, [], started)
    leased = repo.lease(session, [r.id for r in rows], token, now, now + lease)
    items = [
        Claimed(
            r.id,
            r.subscription_id,
            r.case_id,
            r.message_id,
            r.attempt_count,
            r.url,
            r.secret,
            r.body,
            r.previous_secret if still_signs(r.previous_secret_until, now) else None,
        )
        for r in rows
        if r.id in leased
    ]
    return Claim(token, items, started + lease.total_seconds())


@dataclass(frozen=True)
class Tally:
    delivered: int = 0
    failed: int = 0  # and due again later
    dead: int = 0


def _moved_on(attempt: Attempted, policy: RetryPolicy) -> tuple[DeliveryStatus, dict[str, Any]]:
    """The delivery's status after the attempt, and its columns to write."""
    count = attempt.claimed.attempt_count + 1
    retry_at = None if attempt.sent.delivered else policy.next_attempt_at(count, attempt.at)
    if attempt.sent.delivered:
        status = DeliveryStatus.delivered
    else:
        status = DeliveryStatus.pending if retry_at else DeliveryStatus.dead
    return status, {
        "b_id": attempt.claimed.delivery_id,
        "status": status.value,
        "attempt_count": count,
        "next_attempt_at": retry_at or attempt.at,
        "last_attempt_at": attempt.at,
        "last_status_code": attempt.sent.status_code,
        "last_error": attempt.sent.error,
        "delivered_at": attempt.at if status == DeliveryStatus.delivered else None,
        "dead_at": attempt.at if status == DeliveryStatus.dead else None,
    }


_DELIVERIES = cast(Table, WebhookDelivery.__table__)
_ATTEMPTS = cast(Table, WebhookAttempt.__table__)
_MOVED_COLUMNS = (
    "status",
    "attempt_count",
    "next_attempt_at",
    "last_attempt_at",
    "last_status_code",
    "last_error",
    "delivered_at",
    "dead_at",
)
_MOVE = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("b_id"), _DELIVERIES.c.claimed_by == bindparam("b_token"))
    .values({name: bindparam(name) for name in _MOVED_COLUMNS})
    .values(claimed_by=None, claimed_until=None)
)
"""Move one delivery on, if it is still leased to the claim (executed for many at once)."""


def _mark_delivered(session: Session, token: str, delivered: list[Attempted]) -> None:
    """The common case in few statements: one per status code answered (a receiver answers
    200 or 204, mostly the same), rather than one per delivery. ``delivered_at`` is the latest
    attempt time of the group; each attempt's own is in the log."""
    by_code: dict[int | None, list[Attempted]] = {}
    for attempt in delivered:
        by_code.setdefault(attempt.sent.status_code, []).append(attempt)
    for code, group in by_code.items():
        at = max(a.at for a in group)
        session.execute(
            update(_DELIVERIES)
            .where(
                among(session, _DELIVERIES.c.id, [a.claimed.delivery_id for a in group]),
                _DELIVERIES.c.claimed_by == token,  # still ours: the lease has not run out
            )
            .values(
                status=DeliveryStatus.delivered.value,
                attempt_count=_DELIVERIES.c.attempt_count + 1,
                last_attempt_at=at,
                last_status_code=code,
                last_error=None,
                delivered_at=at,
                claimed_by=None,
                claimed_until=None,
            )
        )


def record(
    session: Session, claim: Claim, attempted: list[Attempted], policy: RetryPolicy
) -> Tally:
    """Log each attempt and move its delivery on: delivered, due again later, or dead after the
    last attempt, and then the next message of its case's queue up to be sent. The claim's
    deliveries that were not attempted are released as they were."""
    statuses: Counter[DeliveryStatus] = Counter()
    if attempted:
        repo.insert_rows(
            session,
            _ATTEMPTS,
            [
                {
                    "delivery_id": a.claimed.delivery_id,
                    "attempted_at": a.at,
                    "status_code": a.sent.status_code,
                    "latency_ms": a.sent.latency_ms,
                    "error": a.sent.error,
                }
                for a in attempted
            ],
        )
        delivered = [a for a in attempted if a.sent.delivered]
        _mark_delivered(session, claim.token, delivered)
        statuses[DeliveryStatus.delivered] = len(delivered)
        changes, ended = [], {(a.claimed.subscription_id, a.claimed.case_id) for a in delivered}
        for attempt in (a for a in attempted if not a.sent.delivered):
            status, change = _moved_on(attempt, policy)
            statuses[status] += 1
            changes.append(change | {"b_token": claim.token})
            if status == DeliveryStatus.dead:
                ended.add((attempt.claimed.subscription_id, attempt.claimed.case_id))
        if changes:
            session.connection().execute(_MOVE, changes)
        repo.move_up(session, ended)
    done = {a.claimed.delivery_id for a in attempted}
    untouched = [c.delivery_id for c in claim.items if c.delivery_id not in done]
    if untouched:
        session.execute(
            update(_DELIVERIES)
            .where(
                among(session, _DELIVERIES.c.id, untouched),
                _DELIVERIES.c.claimed_by == claim.token,
            )
            .values(claimed_by=None, claimed_until=None)
        )
    return Tally(
        delivered=statuses[DeliveryStatus.delivered],
        failed=statuses[DeliveryStatus.pending],
        dead=statuses[DeliveryStatus.dead],
    )
