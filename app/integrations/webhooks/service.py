"""Administering webhook subscriptions (admin callers only; the route checks that), reading
their delivery logs, and sending dead deliveries again."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.errors import Conflict, NotFound
from app.integrations.webhooks import repository as repo
from app.integrations.webhooks.models import WebhookDelivery, WebhookSubscription
from app.integrations.webhooks.schemas import (
    SecretRotation,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
)
from app.integrations.webhooks.signing import new_secret, still_signs
from app.integrations.webhooks.vocabulary import DeliveryStatus
from app.kit.clock import utcnow
from app.kit.pagination import Slice, Window
from app.organisation.service.structure import referenced_organ


def _organ_ids(session: Session, codes: Sequence[str]) -> list[int]:
    """The organs named, each of which must exist (422 otherwise)."""
    return sorted({referenced_organ(session, code, "organs").id for code in codes})


def create(
    session: Session, principal: Principal, data: SubscriptionCreate
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret (the given one, or a new one): shown this once."""
    secret = data.secret or new_secret()
    subscription = WebhookSubscription(
        url=str(data.url),
        event_types=[t.value for t in data.event_types],
        organ_ids=_organ_ids(session, data.organs),
        description=data.description,
        secret=secret,
        active=data.active,
        include_confidential=data.include_confidential,
        created_by_person_id=principal.person_id,
        created_by_api_key_id=principal.api_key_id,
    )
    session.add(subscription)
    session.flush()
    return subscription, secret


def get(session: Session, subscription_id: int, *, for_update: bool = False) -> WebhookSubscription:
    subscription = repo.subscription_by_id(session, subscription_id, for_update=for_update)
    if subscription is None:
        raise NotFound(
            f"No webhook subscription with id {subscription_id}.",
            f"Det finns ingen webhook-prenumeration med id {subscription_id}.",
            code="WEBHOOK_SUBSCRIPTION_NOT_FOUND",
        )
    return subscription


def listed(session: Session, window: Window) -> Slice[WebhookSubscription]:
    return repo.subscriptions(session, window)


def update(session: Session, subscription_id: int, data: SubscriptionUpdate) -> WebhookSubscription:
    """Change what was sent; deliveries not yet made go to the new URL, signed as before."""
    subscription = get(session, subscription_id, for_update=True)
    wanted = data.model_dump(exclude_unset=True)
    if "url" in wanted:
        subscription.url = str(data.url)
    if data.event_types is not None:
        subscription.event_types = [t.value for t in data.event_types]
    if data.organs is not None:
        subscription.organ_ids = _organ_ids(session, data.organs)
    for name in ("description", "active", "include_confidential"):
        if name in wanted:
            setattr(subscription, name, wanted[name])
    session.flush()
    return subscription


def rotate_secret(
    session: Session, subscription_id: int, data: SecretRotation
) -> tuple[WebhookSubscription, str]:
    """A new signing secret (the given one, or a new one), shown this once. For
    ``overlap_hours`` deliveries are signed with the old secret too (Standard Webhooks puts
    several signatures in one header), so the receiver keeps verifying while it changes over;
    a secret that leaked is rotated with no overlap, which drops every old one.

    The answer is never kept for a retry (it holds the secret), so a retry rotates again.
    Another rotation with an overlap while one is under way is refused (409): it would drop
    the secret the receiver still uses for one it may never have been given. Rotating to the
    secret already in use changes nothing, so a retry that passed its secret is harmless."""
    subscription = get(session, subscription_id, for_update=True)
    if data.secret is not None and data.secret == subscription.secret:
        return subscription, data.secret
    until = changing_over_until(subscription)
    if data.overlap_hours and until is not None:
        raise Conflict(
            f"A rotation is under way: the previous secret signs until {until.isoformat()}. "
            "Rotate again after that, or with overlap_hours 0 to drop every old secret now.",
            f"Ett byte pågår: den förra hemligheten signerar till {until.isoformat()}. Byt "
            "igen efter det, eller med overlap_hours 0 för att släppa alla gamla nu.",
            code="SECRET_ROTATION_UNDER_WAY",
            previous_valid_until=until.isoformat(),
        )
    secret = data.secret or new_secret()
    if data.overlap_hours:
        subscription.previous_secret = subscription.secret
        subscription.previous_secret_until = utcnow() + timedelta(hours=data.overlap_hours)
    else:
        subscription.previous_secret = subscription.previous_secret_until = None
    subscription.secret = secret
    session.flush()
    return subscription, secret


def changing_over_until(subscription: WebhookSubscription) -> datetime | None:
    """Until when the secret before the last rotation still signs; None if it no longer does."""
    until = subscription.previous_secret_until
    return until if still_signs(until, utcnow()) else None


def delete(session: Session, subscription_id: int) -> None:
    """The subscription and its delivery log; what it had not received yet it never will."""
    session.delete(get(session, subscription_id, for_update=True))
    session.flush()


def to_read(session: Session, subscription: WebhookSubscription) -> SubscriptionRead:
    codes = repo.organ_codes(session, subscription.organ_ids)
    return SubscriptionRead(
        id=subscription.id,
        url=subscription.url,
        event_types=sorted(subscription.event_types),
        organs=sorted(codes[organ_id] for organ_id in subscription.organ_ids),
        description=subscription.description,
        active=subscription.active,
        include_confidential=subscription.include_confidential,
        previous_secret_valid_until=changing_over_until(subscription),
        created_at=subscription.created_at,
        updated_at=subscription.updated_at,
    )


def deliveries(
    session: Session, subscription_id: int, status: DeliveryStatus | None, window: Window
) -> Slice[WebhookDelivery]:
    get(session, subscription_id)
    return repo.deliveries(session, subscription_id, status, window)


def redeliver(
    session: Session, subscription_id: int, delivery_ids: Sequence[int] | None
) -> list[int]:
    """Queue dead deliveries to be sent again now, with a fresh round of attempts: the ones
    named (all of them dead deliveries of this subscription, or nothing is done), or every dead
    one. Each goes to the back of its case's queue: sent at once if the queue is empty, else
    after the messages waiting there (those delivered meanwhile stay delivered)."""
    get(session, subscription_id, for_update=True)
    dead = repo.dead_deliveries(session, subscription_id, delivery_ids)
    if delivery_ids is not None and len(dead) != len(set(delivery_ids)):
        found = {row.id for row in dead}
        named = sorted(set(delivery_ids) - found)
        theirs = repo.delivery_ids_of(session, subscription_id, named)
        raise Conflict(
            "Only dead deliveries of this subscription can be redelivered.",
            "Endast misslyckade leveranser av denna prenumeration kan skickas igen.",
            code="DELIVERY_NOT_DEAD",
            not_dead_ids=sorted(theirs),
            unknown_ids=sorted(set(named) - theirs),
        )
    now = utcnow()
    open_queues = repo.open_queues(session, {(row.subscription_id, row.case_id) for row in dead})
    for row in sorted(dead, key=lambda row: row.message_id):
        queue = (row.subscription_id, row.case_id)
        waits = queue in open_queues
        open_queues.add(queue)
        row.status = (DeliveryStatus.queued if waits else DeliveryStatus.pending).value
        row.attempt_count, row.next_attempt_at = 0, now
        row.dead_at, row.claimed_by, row.claimed_until = None, None, None
    session.flush()
    return [row.id for row in dead]
