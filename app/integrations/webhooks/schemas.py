"""Request and response bodies of the webhook administration API."""

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, HttpUrl, StringConstraints, field_validator

from app.integrations.webhooks.models import WebhookAttempt, WebhookDelivery
from app.integrations.webhooks.signing import secret_problem
from app.integrations.webhooks.vocabulary import LABELS_SV, DeliveryStatus, EventType, webhook_id
from app.kit.schemas import Code, Id, Input, Output, Patch

MAX_URL_LENGTH = 2048


def _short_enough(url: HttpUrl) -> HttpUrl:
    if len(str(url)) > MAX_URL_LENGTH:
        raise ValueError(f"at most {MAX_URL_LENGTH} characters")
    return url


TargetUrl = Annotated[HttpUrl, AfterValidator(_short_enough)]
"""Where deliveries are POSTed: an http or https URL."""

EventTypes = Annotated[list[EventType], Field(min_length=1, max_length=len(EventType))]
Organs = Annotated[list[Code], Field(max_length=200)]
Description = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]*$")
]


def _distinct(values: list[EventType]) -> list[EventType]:
    return sorted(set(values))


def _usable_secret(secret: str | None) -> str | None:
    problem = secret_problem(secret) if secret is not None else None
    if problem is not None:
        raise ValueError(f"the secret {problem}")
    return secret


class SubscriptionCreate(Input):
    url: TargetUrl
    event_types: EventTypes
    organs: Organs = Field(
        default_factory=list, description="Only cases of these organs; empty: every organ's"
    )
    description: Description | None = None
    secret: str | None = Field(
        default=None,
        description="whsec_ + base64 of 24-64 bytes; generated when left out",
        max_length=100,
    )
    active: bool = True
    include_confidential: bool = Field(
        default=False,
        description="Receive confidential cases too; without it, they never reach the receiver",
    )

    _types = field_validator("event_types")(_distinct)
    _secret = field_validator("secret")(_usable_secret)


class SubscriptionUpdate(Patch):
    nullable = frozenset({"description"})

    url: TargetUrl | None = None
    event_types: EventTypes | None = None
    organs: Organs | None = None
    description: Description | None = None
    active: bool | None = None
    include_confidential: bool | None = None

    _types = field_validator("event_types")(_distinct)


class SubscriptionRead(Output):
    id: int
    url: str
    event_types: list[EventType]
    organs: list[str]
    description: str | None
    active: bool
    include_confidential: bool
    previous_secret_valid_until: datetime | None = Field(
        description="While a rotation's overlap lasts: until when messages are also signed "
        "with the previous secret"
    )
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="The signing secret: shown this once, store it now")


MAX_OVERLAP_HOURS = 168


class SecretRotation(Input):
    secret: str | None = Field(
        default=None,
        description="The new secret, whsec_ + base64 of 24-64 bytes; generated when left out",
        max_length=100,
    )
    overlap_hours: int = Field(
        default=24,
        ge=0,
        le=MAX_OVERLAP_HOURS,
        description="How long deliveries are signed with the old secret too, while the "
        "receiver changes over (0: from now on with the new one alone)",
    )

    _secret = field_validator("secret")(_usable_secret)


class SecretRotated(Output):
    subscription_id: int
    secret: str = Field(description="The new signing secret: shown this once, store it now")
    previous_valid_until: datetime | None = Field(
        description="Until when deliveries are also signed with the previous secret"
    )


class AttemptRead(Output):
    attempted_at: datetime
    status_code: int | None
    latency_ms: int
    error: str | None

    @classmethod
    def of(cls, attempt: WebhookAttempt) -> "AttemptRead":
        return cls.model_validate(attempt)


class DeliveryRead(Output):
    id: int
    webhook_id: str = Field(description="The message's webhook-id header, the same on retries")
    event_type: EventType
    case_id: int
    status: DeliveryStatus
    status_label_sv: str
    attempt_count: int
    next_attempt_at: datetime | None = Field(description="When it is tried next, if pending")
    delivered_at: datetime | None
    dead_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    attempts: list[AttemptRead] = Field(description="Every attempt, oldest first")

    @classmethod
    def of(cls, delivery: WebhookDelivery) -> "DeliveryRead":
        status = DeliveryStatus(delivery.status)
        return cls(
            id=delivery.id,
            webhook_id=webhook_id(delivery.message_id),
            event_type=EventType(delivery.event_type),
            case_id=delivery.case_id,
            status=status,
            status_label_sv=LABELS_SV[status],
            attempt_count=delivery.attempt_count,
            next_attempt_at=delivery.next_attempt_at if status == DeliveryStatus.pending else None,
            delivered_at=delivery.delivered_at,
            dead_at=delivery.dead_at,
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            created_at=delivery.created_at,
            attempts=[AttemptRead.of(a) for a in delivery.attempts],
        )


class Redeliver(Input):
    delivery_ids: list[Id] | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="The dead deliveries to send again; left out: every dead one",
    )


class Redelivered(Output):
    delivery_ids: list[int] = Field(description="The deliveries queued to be sent again")


class EventTypeRead(Output):
    type: EventType
    label_sv: str
