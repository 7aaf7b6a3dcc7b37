"""Webhook subscriptions (admin only): where changes are announced, what each receiver has been
sent and how it answered, and sending again what failed."""

from typing import Annotated

from fastapi import Query, Request, Response, status

from app.api.deps import AdminDep, IdPath, SessionDep, WindowDep, located, page
from app.api.problems import responses
from app.api.routing import api_router
from app.integrations.webhooks import service
from app.integrations.webhooks.schemas import (
    DeliveryRead,
    EventTypeRead,
    Redeliver,
    Redelivered,
    SecretRotated,
    SecretRotation,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionUpdate,
)
from app.integrations.webhooks.vocabulary import LABELS_SV, DeliveryStatus, EventType
from app.kit.schemas import Page

router = api_router(prefix="/webhooks", tags=["webhooks"])


@router.get(
    "/event-types", summary="The event types a subscription can choose", responses=responses(403)
)
def list_webhook_event_types(_: AdminDep) -> list[EventTypeRead]:
    return [EventTypeRead(type=t, label_sv=LABELS_SV[t]) for t in EventType]


@router.post(
    "/subscriptions",
    summary="Subscribe a receiver; the response is the only time its secret is shown",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403),
)
def create_webhook_subscription(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: AdminDep,
    body: SubscriptionCreate,
) -> SubscriptionCreated:
    subscription, secret = service.create(session, principal, body)
    located(request, response, "get_webhook_subscription", subscription_id=subscription.id)
    response.headers["Cache-Control"] = "no-store"  # the secret: kept nowhere, replayed never
    read = service.to_read(session, subscription)
    return SubscriptionCreated(**read.model_dump(), secret=secret)


@router.get("/subscriptions", summary="List webhook subscriptions", responses=responses(400, 403))
def list_webhook_subscriptions(
    request: Request, session: SessionDep, _: AdminDep, window: WindowDep
) -> Page[SubscriptionRead]:
    rows = service.listed(session, window)
    return Page[SubscriptionRead].model_validate(
        page(request, rows, lambda row: service.to_read(session, row))
    )


@router.get(
    "/subscriptions/{subscription_id}",
    summary="Get a webhook subscription (never its secret)",
    responses=responses(403, 404),
)
def get_webhook_subscription(
    session: SessionDep, _: AdminDep, subscription_id: IdPath
) -> SubscriptionRead:
    return service.to_read(session, service.get(session, subscription_id))


@router.patch(
    "/subscriptions/{subscription_id}",
    summary="Change a webhook subscription (deactivate it with active: false)",
    responses=responses(403, 404),
)
def update_webhook_subscription(
    session: SessionDep, _: AdminDep, subscription_id: IdPath, body: SubscriptionUpdate
) -> SubscriptionRead:
    return service.to_read(session, service.update(session, subscription_id, body))


@router.post(
    "/subscriptions/{subscription_id}/secret",
    summary="Rotate a subscription's signing secret; the response is the only time it is shown",
    description="Deliveries are signed with the new secret from now on, and for "
    "`overlap_hours` (default 24) with the old one too, so the receiver keeps verifying while "
    "it changes over; 0 drops every old secret at once (one that leaked). Another rotation "
    "with an overlap while one is under way is 409 `SECRET_ROTATION_UNDER_WAY`; rotating to "
    "the secret in use changes nothing. The answer is never kept for an idempotent retry.",
    responses=responses(403, 404, 409),
)
def rotate_webhook_secret(
    response: Response,
    session: SessionDep,
    _: AdminDep,
    subscription_id: IdPath,
    body: SecretRotation | None = None,
) -> SecretRotated:
    subscription, secret = service.rotate_secret(session, subscription_id, body or SecretRotation())
    response.headers["Cache-Control"] = "no-store"  # the secret: kept nowhere, replayed never
    return SecretRotated(
        subscription_id=subscription.id,
        secret=secret,
        previous_valid_until=subscription.previous_secret_until,
    )


@router.delete(
    "/subscriptions/{subscription_id}",
    summary="Delete a webhook subscription and its delivery log",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(403, 404),
)
def delete_webhook_subscription(session: SessionDep, _: AdminDep, subscription_id: IdPath) -> None:
    service.delete(session, subscription_id)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    summary="A subscription's deliveries with every attempt (time, status code, latency, error)",
    responses=responses(400, 403, 404),
)
def list_webhook_deliveries(
    request: Request,
    session: SessionDep,
    _: AdminDep,
    window: WindowDep,
    subscription_id: IdPath,
    delivery_status: Annotated[
        DeliveryStatus | None, Query(alias="status", description="Only deliveries in this status")
    ] = None,
) -> Page[DeliveryRead]:
    rows = service.deliveries(session, subscription_id, delivery_status, window)
    return Page[DeliveryRead].model_validate(page(request, rows, DeliveryRead.of))


@router.post(
    "/subscriptions/{subscription_id}/redeliver",
    summary="Send dead deliveries again: the ones named, or every dead one",
    responses=responses(403, 404, 409),
)
def redeliver_webhooks(
    session: SessionDep, _: AdminDep, subscription_id: IdPath, body: Redeliver | None = None
) -> Redelivered:
    ids = body.delivery_ids if body else None
    return Redelivered(delivery_ids=service.redeliver(session, subscription_id, ids))
