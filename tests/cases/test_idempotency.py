"""Idempotency-Key on POST: a retry gets the first answer back unchanged and does nothing twice;
the same key with another request is refused; keys belong to their caller and expire."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.cases.models import Case, CaseEvent
from app.db import make_sessionmaker
from app.idempotency import store
from app.idempotency.models import IdempotencyRecord
from app.kit.clock import utcnow
from tests.cases.conftest import CASE


def register(client, headers, key, body=CASE):
    return client.post("/api/v1/cases", json=body, headers=headers | {"Idempotency-Key": key})


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_retry_gets_the_first_answer_and_registers_nothing_twice(client, world, session):
    first = register(client, world.registrar, "reg-1")
    assert first.status_code == 201, first.text
    assert "idempotency-replayed" not in first.headers
    again = register(client, world.registrar, "reg-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    assert (again.headers["Location"], again.headers["ETag"]) == (
        first.headers["Location"],
        first.headers["ETag"],
    )
    assert count(session, Case) == 1


def test_the_same_key_for_another_request_is_refused(client, world, session):
    register(client, world.registrar, "reg-1")
    other = register(client, world.registrar, "reg-1", CASE | {"title": "Något annat"})
    assert (other.status_code, other.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert count(session, Case) == 1


def test_a_transition_is_replayed_without_a_second_event(client, world, session):
    case_id = register(client, world.registrar, "reg-1").json()["id"]
    body = {"payload": {"route": "political", "motivation": "x"}}
    path = f"/api/v1/cases/{case_id}/transitions/triage"
    headers = world.head | {"Idempotency-Key": "triage-1"}
    first = client.post(path, json=body, headers=headers)
    assert first.status_code == 200, first.text
    again = client.post(path, json=body, headers=headers)
    assert (again.status_code, again.json()) == (200, first.json())
    assert again.headers["Idempotency-Replayed"] == "true"
    triaged = select(func.count()).where(
        CaseEvent.case_id == case_id, CaseEvent.trigger == "triage"
    )
    assert session.scalar(triaged) == 1


def test_a_refusal_is_not_kept_and_its_retry_is_judged_afresh(client, world, session):
    case_id = register(client, world.registrar, "reg-1").json()["id"]
    path = f"/api/v1/cases/{case_id}/transitions/triage"
    body = {"payload": {"route": "political", "motivation": "x"}}
    refused = client.post(path, json=body, headers=world.officer | {"Idempotency-Key": "t"})
    assert refused.status_code == 403
    assert count(session, IdempotencyRecord) == 1  # only the registration's
    allowed = client.post(path, json=body, headers=world.head | {"Idempotency-Key": "t"})
    assert allowed.status_code == 200, allowed.text


def test_keys_belong_to_their_caller(client, world, session):
    register(client, world.registrar, "shared")
    other = register(client, world.officer, "shared")
    assert other.status_code == 201
    assert "idempotency-replayed" not in other.headers
    assert count(session, Case) == 2


def test_an_expired_key_is_used_afresh_and_purged(client, world, session):
    register(client, world.registrar, "old")
    session.execute(update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1)))
    again = register(client, world.registrar, "old")
    assert again.status_code == 201
    assert "idempotency-replayed" not in again.headers
    assert count(session, Case) == 2
    session.execute(update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert store.purge(session, utcnow()) == 1
    assert count(session, IdempotencyRecord) == 0


@pytest.mark.parametrize("key", ["", " ", "x" * 256])
def test_a_malformed_key_is_400(client, world, session, key):
    response = register(client, world.registrar, key)
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_IDEMPOTENCY_KEY")
    assert count(session, Case) == 0


def test_without_a_key_nothing_is_kept(client, world, session):
    assert client.post("/api/v1/cases", json=CASE, headers=world.registrar).status_code == 201
    assert count(session, IdempotencyRecord) == 0


def test_a_concurrent_retry_waits_for_the_first_and_gets_its_answer(postgres_engine):
    """The claim is the unique key: the second request blocks on it until the first commits,
    then replays the first's answer instead of doing the work again."""
    factory = make_sessionmaker(postgres_engine)
    now, ttl = utcnow(), timedelta(hours=1)
    first = factory()
    claimed = store.claim(first, "caller", "k", "hash", now, ttl)
    assert isinstance(claimed, store.Claimed)
    outcome: list[object] = []

    def retry() -> None:
        with factory() as second:
            outcome.append(store.claim(second, "caller", "k", "hash", now, ttl))

    thread = threading.Thread(target=retry)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting on the first's claim
    store.answer(first, claimed, 201, {"location": "/x"}, b"{}")
    first.commit()
    first.close()
    thread.join(timeout=10)
    assert outcome == [store.Answered(201, {"location": "/x"}, b"{}")]


def test_a_new_api_key_is_never_kept_for_a_replay(client, world, session):
    """The key is shown once and stored only as a hash: its answer is not kept either."""
    body = {"name": "P360", "scopes": ["cases:read"]}
    headers = world.registrar | {"Idempotency-Key": "key-1"}
    first = client.post("/api/v1/api-keys", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.headers["Cache-Control"] == "no-store"
    assert count(session, IdempotencyRecord) == 0
    assert first.json()["key"].encode() not in b"".join(
        session.scalars(select(IdempotencyRecord.body)).all() or [b""]
    )
