"""Requests that only read run outside a transaction on PostgreSQL, in sessions that refuse to
write (``db.make_reading_sessionmaker``); pooled connections are pinged only after lying idle
(``db._ping_when_idle``), and one lost under a request is 503, not 500."""

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select, text

import app.db
from app.db import (
    ReadOnlyViolation,
    make_reading_sessionmaker,
    make_sessionmaker,
    session_scope,
)
from app.main import create_app
from app.organisation.models import Organ
from tests.builders import bearer, make_organ, make_registrar


@pytest.fixture
def engine(postgres_engine: Engine) -> Engine:  # overrides the suite's shared engine
    """A database of the test's own, whose connections it may kill."""
    return postgres_engine


def test_a_reading_session_runs_outside_a_transaction_and_refuses_to_write(engine):
    reading = make_reading_sessionmaker(engine)()
    try:
        assert reading.scalar(select(func.count()).select_from(Organ)) == 0
        assert reading.connection().connection.dbapi_connection.autocommit is True
        reading.add(Organ(code="SN", name="Socialnämnden", kind="committee", seats=11))
        with pytest.raises(ReadOnlyViolation):
            reading.flush()
        reading.rollback()
        with pytest.raises(ReadOnlyViolation):
            reading.execute(text("DELETE FROM organs"))
        gone = delete(Organ).returning(Organ.id).cte("gone")
        with pytest.raises(ReadOnlyViolation):  # a write inside a WITH
            reading.execute(select(gone.c.id))
    finally:
        reading.close()
    with session_scope(make_sessionmaker(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Organ)) == 0
        # back in the pool, the connection is an ordinary one again
        assert session.connection().connection.dbapi_connection.autocommit is False


IDLE_S = 10


@pytest.fixture
def clock(monkeypatch) -> SimpleNamespace:
    """The pool's idle clock (``db._ping_when_idle``), moved by hand instead of by sleeping."""
    now = SimpleNamespace(value=1000.0)
    monkeypatch.setattr(app.db, "time", SimpleNamespace(monotonic=lambda: now.value))
    return now


@pytest.fixture
def served(engine, settings, clock) -> Iterator[tuple[TestClient, dict]]:
    with session_scope(make_sessionmaker(engine)) as session:
        headers = bearer(settings, make_registrar(session).username)
        make_organ(session, code="BUN")
    app = create_app(
        settings.model_copy(
            update={
                "database_url": engine.url.render_as_string(hide_password=False),
                "database_pool_size": 1,
                "database_max_overflow": 0,
                "database_ping_after_idle_s": IDLE_S,
            }
        )
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, headers


def _kill_the_pools_connection(engine: Engine, database: str) -> None:
    with engine.connect() as own:
        killed = own.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = :database AND pid <> pg_backend_pid()"
            ),
            {"database": database},
        ).scalar()
    assert killed >= 1


def test_a_get_reads_through_the_real_session(served):
    client, headers = served
    response = client.get("/api/v1/organs/BUN", headers=headers)
    assert response.status_code == 200
    assert response.json()["code"] == "BUN"


def test_a_connection_lost_while_idle_is_replaced_before_use(served, engine, clock):
    client, headers = served
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    _kill_the_pools_connection(engine, engine.url.database)
    clock.value += IDLE_S  # idle long enough: the checkout pings
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_a_connection_lost_under_a_request_is_503_and_the_next_succeeds(served, engine):
    client, headers = served
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    _kill_the_pools_connection(engine, engine.url.database)  # and used at once: no ping
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_UNAVAILABLE"
    assert response.headers["retry-after"] == "1"
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_a_connection_back_in_use_at_once_is_not_pinged(served, clock, monkeypatch):
    client, headers = served
    pings = []
    dialect = client.app.state.engine.dialect
    real = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda connection: pings.append(1) or real(connection))
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert pings == []
    clock.value += IDLE_S
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert pings == [1]


def test_a_keyed_post_on_a_lost_connection_is_503_and_the_retry_succeeds(served, engine):
    """The idempotency middleware's claim is the request's first statement; it runs outside the
    app's handlers and answers as they do."""
    client, headers = served
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    _kill_the_pools_connection(engine, engine.url.database)
    keyed = headers | {"Idempotency-Key": "organ-sn"}
    body = {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": 11}
    response = client.post("/api/v1/organs", json=body, headers=keyed)
    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_UNAVAILABLE"
    assert client.post("/api/v1/organs", json=body, headers=keyed).status_code == 201


def test_a_database_out_of_reach_is_503(backend, settings):
    if backend != "postgresql":
        pytest.skip("one run is enough: the server is not reached")
    nowhere = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1
    app_ = create_app(settings.model_copy(update={"database_url": nowhere}))
    with TestClient(app_, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/me", headers=bearer(settings, "anyone"))
    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_UNAVAILABLE"
    assert response.headers["retry-after"] == "1"
