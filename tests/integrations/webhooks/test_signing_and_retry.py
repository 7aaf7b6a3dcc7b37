"""Signatures as the Standard Webhooks specification computes them, secrets in its format, and
the retry schedule: backoff with bounded jitter, then dead. No database."""

import base64
import random
from datetime import UTC, datetime, timedelta

import pytest

from app.cases.vocabulary import EventKind
from app.config import Settings
from app.integrations.webhooks.retry import RetryPolicy
from app.integrations.webhooks.signing import new_secret, secret_problem, sign
from app.integrations.webhooks.vocabulary import KIND_TYPES, EventType

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_the_signature_is_the_specifications_test_vector():
    signature = sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        datetime.fromtimestamp(1614265330, UTC),
        '{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_new_secrets_are_32_random_bytes_in_whsec_format():
    first, second = new_secret(), new_secret()
    assert first != second
    assert first.startswith("whsec_")
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32
    assert secret_problem(first) is None


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with 'whsec_'"),
        ("whsec_not base64!", "must be 'whsec_' followed by base64"),
        ("whsec_" + base64.b64encode(b"short").decode(), "must encode 24 to 64 bytes, not 5"),
        ("whsec_" + base64.b64encode(bytes(65)).decode(), "must encode 24 to 64 bytes, not 65"),
    ],
)
def test_unusable_secrets_are_named(secret, problem):
    assert secret_problem(secret) == problem


def test_every_kind_of_case_event_has_a_webhook_type():
    assert {kind.value for kind in EventKind} <= set(KIND_TYPES)
    assert set(KIND_TYPES.values()) | {EventType.decision_reported} == set(EventType)


def test_retries_back_off_by_the_schedule_then_give_up():
    policy = RetryPolicy(delays_seconds=(5, 300, 1800), jitter=0)
    assert [policy.next_attempt_at(n, NOW) for n in (1, 2, 3, 4)] == [
        NOW + timedelta(seconds=5),
        NOW + timedelta(seconds=300),
        NOW + timedelta(seconds=1800),
        None,
    ]
    assert policy.max_attempts == 4


def test_jitter_spreads_retries_within_its_share():
    policy = RetryPolicy(delays_seconds=(100,), jitter=0.2, rng=random.Random(7))
    delays = {(policy.next_attempt_at(1, NOW) - NOW).total_seconds() for _ in range(200)}
    assert min(delays) >= 80
    assert max(delays) <= 120
    assert len(delays) > 100


def test_the_default_schedule_is_eight_attempts_over_about_a_day():
    delays = Settings().webhook_retry_delays_seconds
    assert len(delays) + 1 == 8
    assert timedelta(hours=20) < timedelta(seconds=sum(delays)) < timedelta(hours=30)
