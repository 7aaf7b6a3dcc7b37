"""One request, one transaction — through the real session dependency, not the tests' override:
a success is committed before the response, a refusal leaves nothing behind, even what was
already flushed."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from app import migrations
from app.db import make_engine, make_sessionmaker, session_scope
from app.main import create_app
from app.organisation.models import Organ
from tests.builders import bearer, make_membership, make_organ, make_registrar


@pytest.fixture
def committed(backend, databases, settings) -> Iterator[tuple[TestClient, Engine, dict]]:
    url = databases(backend)
    engine = make_engine(url)
    migrations.upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        registrar = make_registrar(session)
        make_organ(session, code="BUN")
        make_membership(session, organ="BUN", valid_from="2026-09-01")
        headers = bearer(settings, registrar.username)
    app = create_app(settings.model_copy(update={"database_url": url}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, engine, headers
    engine.dispose()


def organ(engine: Engine, code: str) -> Organ | None:
    with session_scope(make_sessionmaker(engine)) as session:
        return session.scalars(select(Organ).where(Organ.code == code)).one_or_none()


def test_a_success_is_committed_when_the_response_arrives(committed):
    client, engine, headers = committed
    body = {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": 11}
    assert client.post("/api/v1/organs", json=body, headers=headers).status_code == 201
    assert organ(engine, "SN") is not None


def test_a_refusal_after_a_flush_leaves_nothing(committed):
    """Ending BUN flushes its end date, then finds a role that begins later and refuses (409):
    the flushed end date must be rolled back with the request."""
    client, engine, headers = committed
    response = client.post(
        "/api/v1/organs/BUN/end", json={"valid_to": "2026-06-30"}, headers=headers
    )
    assert response.status_code == 409
    assert organ(engine, "BUN").valid_to is None


def test_sqlite_lost_write_race_is_503_and_writes_nothing(backend, databases, settings):
    """Two writers on SQLite: the one that cannot get the write lock in time gets 503 with
    Retry-After, never a 500; its transaction is rolled back."""
    if backend != "sqlite":
        pytest.skip("SQLite's single writer")
    url = databases(backend)
    engine = make_engine(url, sqlite_busy_timeout_ms=50)
    migrations.upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        headers = bearer(settings, make_registrar(session).username)
    app = create_app(
        settings.model_copy(update={"database_url": url, "sqlite_busy_timeout_ms": 50})
    )
    blocker = engine.connect()
    blocker.exec_driver_sql(
        "INSERT INTO people (username, name, kind, created_at, updated_at) "
        "VALUES ('x', 'x', 'employee', '2026-01-01', '2026-01-01')"
    )
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            body = {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": 11}
            response = client.post("/api/v1/organs", json=body, headers=headers)
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_BUSY"
    assert response.headers["retry-after"] == "1"
    assert organ(engine, "SN") is None
    engine.dispose()


def test_no_free_connection_is_503_and_writes_nothing(backend, databases, settings):
    """The one connection of the pool is taken for longer than the pool waits: 503 with
    Retry-After, never a 500, and nothing written."""
    if backend != "postgresql":
        pytest.skip("the connection pool is PostgreSQL's; SQLite connects per session")
    url = databases(backend)
    engine = make_engine(url)
    migrations.upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        headers = bearer(settings, make_registrar(session).username)
    app = create_app(
        settings.model_copy(
            update={
                "database_url": url,
                "database_pool_size": 1,
                "database_max_overflow": 0,
                "database_pool_timeout_s": 0.2,
            }
        )
    )
    with TestClient(app, raise_server_exceptions=False) as client:
        taken = app.state.engine.connect()
        try:
            body = {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": 11}
            response = client.post("/api/v1/organs", json=body, headers=headers)
        finally:
            taken.close()
        assert client.get("/api/v1/me", headers=headers).status_code == 200  # free again
    assert response.status_code == 503
    assert response.json()["code"] == "DATABASE_BUSY"
    assert response.headers["retry-after"] == "1"
    assert organ(engine, "SN") is None
    engine.dispose()
