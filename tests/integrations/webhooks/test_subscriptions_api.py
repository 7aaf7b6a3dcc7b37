"""The subscription API: admin only (a registrar or an admin key), validated, the secret shown
once and never stored by the idempotency layer; the delivery log and redelivery."""

from datetime import datetime, timedelta

import httpx
import pytest

from app.integrations.webhooks.dispatcher import Dispatcher
from app.integrations.webhooks.models import WebhookSubscription
from app.integrations.webhooks.retry import RetryPolicy
from app.integrations.webhooks.sender import WebhookSender
from app.kit.clock import utcnow
from tests.builders import bearer, make_person, make_registrar
from tests.cases.conftest import CASE
from tests.integrations.webhooks.receiver import Receiver

URL = "/api/v1/webhooks/subscriptions"
NEW = {"url": "https://diarium.example.se/hooks", "event_types": ["case.transitioned"]}


@pytest.fixture
def admin(session, settings):
    registrar = make_registrar(session)
    session.commit()  # kept when a refused request rolls back
    return bearer(settings, registrar.username)


@pytest.fixture
def officer(session, settings):
    person = make_person(session)
    session.commit()
    return bearer(settings, person.username)


def key(client, admin, scopes):
    created = client.post("/api/v1/api-keys", json={"name": "k", "scopes": scopes}, headers=admin)
    return {"Authorization": f"Bearer {created.json()['key']}"}


def test_create_shows_the_secret_once_and_never_again(client, admin):
    created = client.post(URL, json=NEW | {"organs": []}, headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["cache-control"] == "no-store"
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert created.headers["location"].endswith(f"{URL}/{body['id']}")
    read = client.get(f"{URL}/{body['id']}", headers=admin).json()
    assert "secret" not in read
    assert read == {k: v for k, v in body.items() if k != "secret"}
    assert (read["active"], read["include_confidential"], read["organs"]) == (True, False, [])
    assert [s["id"] for s in client.get(URL, headers=admin).json()["items"]] == [body["id"]]


def test_a_given_secret_is_kept_and_an_idempotent_retry_is_not_replayed(client, admin):
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    headers = admin | {"Idempotency-Key": "subscribe-1"}
    first = client.post(URL, json=NEW | {"secret": secret}, headers=headers)
    again = client.post(URL, json=NEW | {"secret": secret}, headers=headers)
    assert first.json()["secret"] == secret
    assert "idempotency-replayed" not in again.headers  # a secret is never kept to replay


def test_update_organs_types_and_deactivate_then_delete(client, admin, world):
    created = client.post(URL, json=NEW, headers=admin).json()
    changed = client.patch(
        f"{URL}/{created['id']}",
        json={
            "organs": ["BUN"],
            "event_types": ["case.updated", "case.registered", "case.updated"],
            "active": False,
            "description": "Diariet",
        },
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert {k: changed.json()[k] for k in ("organs", "event_types", "active", "description")} == {
        "organs": ["BUN"],
        "event_types": ["case.registered", "case.updated"],
        "active": False,
        "description": "Diariet",
    }
    cleared = client.patch(f"{URL}/{created['id']}", json={"description": None}, headers=admin)
    assert cleared.json()["description"] is None
    assert client.delete(f"{URL}/{created['id']}", headers=admin).status_code == 204
    gone = client.get(f"{URL}/{created['id']}", headers=admin)
    assert (gone.status_code, gone.json()["code"]) == (404, "WEBHOOK_SUBSCRIPTION_NOT_FOUND")


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"url": "ftp://diarium.example.se/hooks"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://x.se/" + "a" * 2048}, "url"),
        ({"event_types": []}, "event_types"),
        ({"event_types": ["case.exploded"]}, "event_types"),
        ({"secret": "hunter2"}, "secret"),
        ({"secret": "whsec_c2hvcnQ="}, "secret"),
        ({"include_confidential": "maybe"}, "include_confidential"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_subscriptions_are_refused_and_nothing_is_made(client, admin, change, where):
    refused = client.post(URL, json=NEW | change, headers=admin)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "VALIDATION_FAILED"
    assert refused.json()["errors"][0]["loc"][:2] == ["body", where]
    listed = client.get(URL, headers=admin)
    assert listed.json()["items"] == [], listed.text


def test_an_unknown_organ_is_refused(client, admin):
    refused = client.post(URL, json=NEW | {"organs": ["NOPE"]}, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "organs"]
    listed = client.get(URL, headers=admin)
    assert listed.json()["items"] == [], listed.text


def test_null_is_refused_where_it_would_clear_nothing(client, admin):
    created = client.post(URL, json=NEW, headers=admin).json()
    refused = client.patch(f"{URL}/{created['id']}", json={"url": None}, headers=admin)
    assert refused.status_code == 422


def test_only_administrators_subscribe(client, admin, officer):
    admin_key = key(client, admin, ["admin"])
    integration_key = key(client, admin, ["integration", "cases:confidential"])
    assert client.post(URL, json=NEW).status_code == 401
    for caller in (officer, integration_key):
        refused = client.post(URL, json=NEW, headers=caller)
        assert (refused.status_code, refused.json()["code"]) == (403, "ADMIN_REQUIRED")
        assert client.get(URL, headers=caller).status_code == 403
    assert client.post(URL, json=NEW, headers=admin_key).status_code == 201
    assert len(client.get(URL, headers=admin).json()["items"]) == 1


def test_event_types_carry_swedish_labels(client, admin):
    types = client.get("/api/v1/webhooks/event-types", headers=admin).json()
    assert {
        "type": "decision.reported",
        "label_sv": "delegationsbeslut anmält till nämnden",
    } in types


def test_the_delivery_log_shows_each_attempt_and_dead_ones_are_redelivered(
    client, admin, world, session
):
    with Receiver() as receiver, httpx.Client(trust_env=False) as http:
        receiver.status = 503
        subscription = client.post(
            URL, json={"url": receiver.url, "event_types": ["case.registered"]}, headers=admin
        ).json()
        client.post("/api/v1/cases", json=CASE, headers=world.registrar)
        dispatcher = Dispatcher(
            lambda: session,  # the test's transaction, as the client's
            WebhookSender(http, timeout=2),
            policy=RetryPolicy(delays_seconds=(1,), jitter=0),
            timeout=2,
            lease=timedelta(seconds=30),
        )
        start = utcnow()
        dispatcher.run_once(start)
        log = f"{URL}/{subscription['id']}/deliveries"
        [pending] = client.get(log, headers=admin).json()["items"]
        assert (pending["status"], pending["attempt_count"]) == ("pending", 1)
        [attempt] = pending["attempts"]
        assert (attempt["status_code"], attempt["error"]) == (503, "HTTP 503: receiver trouble")
        assert attempt["latency_ms"] >= 0
        refused = client.post(
            f"{URL}/{subscription['id']}/redeliver",
            json={"delivery_ids": [pending["id"]]},
            headers=admin,
        )
        assert (refused.status_code, refused.json()["not_dead_ids"]) == (409, [pending["id"]])
        dispatcher.run_once(start + timedelta(seconds=1))
        [dead] = client.get(f"{log}?status=dead", headers=admin).json()["items"]
        assert (dead["attempt_count"], dead["status_label_sv"]) == (2, LABEL_DEAD)
        assert client.get(f"{log}?status=pending", headers=admin).json()["items"] == []
        assert client.get(f"{log}?status=lost", headers=admin).status_code == 422
        redone = client.post(f"{URL}/{subscription['id']}/redeliver", headers=admin)
        assert redone.json() == {"delivery_ids": [dead["id"]]}
        receiver.status = 200
        dispatcher.run_once(start + timedelta(seconds=2))
        [delivered] = client.get(log, headers=admin).json()["items"]
        assert (delivered["status"], len(delivered["attempts"])) == ("delivered", 3)
        assert delivered["webhook_id"] == receiver.delivered()[0].webhook_id


LABEL_DEAD = "misslyckat (alla försök gjorda)"


def test_redelivering_for_an_unknown_subscription_is_404(client, admin):
    refused = client.post(f"{URL}/999/redeliver", headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (404, "WEBHOOK_SUBSCRIPTION_NOT_FOUND")


def test_rotating_the_secret_shows_the_new_one_once_and_keeps_the_old_for_the_overlap(
    client, admin, session
):
    created = client.post(URL, json=NEW, headers=admin).json()
    before = utcnow()
    rotated = client.post(f"{URL}/{created['id']}/secret", headers=admin)
    assert rotated.status_code == 200, rotated.text
    assert rotated.headers["cache-control"] == "no-store"
    body = rotated.json()
    assert body["secret"].startswith("whsec_")
    assert body["secret"] != created["secret"]
    until = datetime.fromisoformat(body["previous_valid_until"])
    assert before + timedelta(hours=24) <= until <= utcnow() + timedelta(hours=24)
    stored = session.get(WebhookSubscription, created["id"])
    session.refresh(stored)
    assert (stored.secret, stored.previous_secret) == (body["secret"], created["secret"])
    assert "secret" not in client.get(f"{URL}/{created['id']}", headers=admin).json()


def test_a_secret_rotated_without_overlap_drops_the_old_one_at_once(client, admin, session):
    created = client.post(URL, json=NEW, headers=admin).json()
    client.post(f"{URL}/{created['id']}/secret", headers=admin)  # an overlap under way
    given = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = {"secret": given, "overlap_hours": 0}
    rotated = client.post(f"{URL}/{created['id']}/secret", json=body, headers=admin)
    assert rotated.status_code == 200, rotated.text
    assert (rotated.json()["secret"], rotated.json()["previous_valid_until"]) == (given, None)
    stored = session.get(WebhookSubscription, created["id"])
    session.refresh(stored)
    assert (stored.secret, stored.previous_secret, stored.previous_secret_until) == (
        given, None, None,
    )  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [{"secret": "not-a-secret"}, {"overlap_hours": -1}, {"overlap_hours": 169}, {"x": 1}],
)
def test_a_bad_rotation_is_refused_and_changes_nothing(client, admin, session, body):
    created = client.post(URL, json=NEW, headers=admin).json()
    refused = client.post(f"{URL}/{created['id']}/secret", json=body, headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (422, "VALIDATION_FAILED")
    stored = session.get(WebhookSubscription, created["id"])
    session.refresh(stored)
    assert (stored.secret, stored.previous_secret) == (created["secret"], None)


def test_only_administrators_rotate_a_secret_of_a_subscription_that_exists(client, admin, officer):
    created = client.post(URL, json=NEW, headers=admin).json()
    path = f"{URL}/{created['id']}/secret"
    integration_key = key(client, admin, ["integration", "cases:confidential"])
    assert client.post(path).status_code == 401
    for caller in (officer, integration_key):
        refused = client.post(path, headers=caller)
        assert (refused.status_code, refused.json()["code"]) == (403, "ADMIN_REQUIRED")
    assert client.post(path, headers=key(client, admin, ["admin"])).status_code == 200
    missing = client.post(f"{URL}/999999/secret", headers=admin)
    assert (missing.status_code, missing.json()["code"]) == (404, "WEBHOOK_SUBSCRIPTION_NOT_FOUND")


def test_a_second_rotation_during_an_overlap_is_refused_but_one_to_the_same_secret_is_harmless(
    client, admin
):
    """A retry rotates again (the answer holds a secret and is never kept): during an overlap
    it would drop the secret the receiver still uses, so it is refused; a retry that passed its
    own secret finds it in use and changes nothing."""
    created = client.post(URL, json=NEW, headers=admin).json()
    path = f"{URL}/{created['id']}/secret"
    given = {"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
    headers = admin | {"Idempotency-Key": "rotate-1"}
    first = client.post(path, json=given, headers=headers)
    again = client.post(path, json=given, headers=headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert "idempotency-replayed" not in again.headers
    assert again.json() == first.json()
    read = client.get(f"{URL}/{created['id']}", headers=admin).json()
    assert read["previous_secret_valid_until"] == first.json()["previous_valid_until"]
    refused = client.post(path, headers=admin)
    assert (refused.status_code, refused.json()["code"]) == (409, "SECRET_ROTATION_UNDER_WAY")
    assert refused.json()["previous_valid_until"] is not None
    dropped = client.post(path, json={"overlap_hours": 0}, headers=admin)
    assert dropped.status_code == 200
    assert (
        client.get(f"{URL}/{created['id']}", headers=admin).json()["previous_secret_valid_until"]
        is None
    )
