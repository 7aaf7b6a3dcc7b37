"""Test fixtures: every database test runs on SQLite, and on PostgreSQL too when
``STYRKEDJA_TEST_POSTGRES_URL`` names a server (a fresh database is created in it per run).

The schema is built by running the migrations. Each test runs inside a transaction that is rolled
back at the end; the app's session dependency is overridden to use it (commits become savepoint
releases), so tests never see each other's rows.
"""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import nullcontext
from contextvars import ContextVar
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app import migrations
from app.api.deps import SigninSessions, get_session, get_signin_sessions, reads_only
from app.config import Settings
from app.db import make_engine, refuse_unless_read
from app.main import create_app

TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789"
POSTGRES_URL = os.environ.get("STYRKEDJA_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return f"databases: SQLite and PostgreSQL (fresh databases in {POSTGRES_URL})"
    return "databases: SQLite only (set STYRKEDJA_TEST_POSTGRES_URL to run on PostgreSQL too)"


def _postgres_admin_engine() -> Engine:
    url = make_url(Settings(database_url=POSTGRES_URL or "").database_url)
    return create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator["DatabaseFactory"]:
    factory = DatabaseFactory(tmp_path_factory)
    yield factory
    factory.drop_all()


class DatabaseFactory:
    """Makes empty databases of a backend: a file for SQLite, a new database for PostgreSQL."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._tmp = tmp_path_factory
        self._created: list[str] = []

    def __call__(self, backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{self._tmp.mktemp('db') / 'styrkedja.db'}"
        name = f"styrkedja_test_{uuid.uuid4().hex[:12]}"
        admin = _postgres_admin_engine()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self._created.append(name)
        return str(make_url(admin.url).set(database=name).render_as_string(hide_password=False))

    def drop_all(self) -> None:
        if not self._created:
            return
        admin = _postgres_admin_engine()
        with admin.connect() as connection:
            for name in self._created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, databases: DatabaseFactory) -> str:
    return databases(backend)


@pytest.fixture
def own_database(backend: str, databases: DatabaseFactory) -> str:
    """A migrated database of the test's own, apart from the session's shared one: for a test
    of the real sessions, connections and commits."""
    url = databases(backend)
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrations.upgrade(engine)
    event.listen(engine, "before_cursor_execute", _reads_only_while_reading)
    yield engine
    engine.dispose()


READING: ContextVar[bool] = ContextVar("tests_reading", default=False)
"""Set while the test's session serves a request that only reads: the app runs those in sessions
that can only read (``db.make_reading_sessionmaker``), and the tests' shared session is held to
the same."""


def _reads_only_while_reading(
    _connection: Connection, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
) -> None:
    if READING.get() and statement.split(None, 1)[0].upper() not in _TEST_TRANSACTION_CONTROL:
        refuse_unless_read(statement, context)


_TEST_TRANSACTION_CONTROL = frozenset({"SAVEPOINT", "RELEASE", "ROLLBACK"})
"""The test session's savepoints (join_transaction_mode="create_savepoint")."""


@pytest.fixture
def postgres_engine(backend: str, databases: "DatabaseFactory") -> Iterator[Engine]:
    """A migrated PostgreSQL database of the test's own: for real threads racing on row locks,
    for its connection pool, for reading outside a transaction; the SQLite run of such a test
    is skipped. (A module may override it, e.g. for a larger pool.)"""
    if backend != "postgresql":
        pytest.skip("a PostgreSQL matter (row locks, its pool, reads outside a transaction)")
    engine = make_engine(databases(backend))
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    connection = engine.connect()
    outer = connection.begin()
    session = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    yield session
    session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, jwt_secret=SecretStr(TEST_JWT_SECRET))


def override_session(app: FastAPI, session: Session) -> None:
    """Make the app use the test's session; its commits release a savepoint, its rollbacks undo
    only the request's work."""

    async def test_session(request: Request) -> AsyncIterator[Session]:
        # async, so that READING is set in the request's own context, which its endpoint's
        # thread copies
        READING.set(reads_only(request))
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    async def test_signin_sessions() -> SigninSessions:
        return lambda: nullcontext(session)  # sign-in reads the test's session, left open

    app.dependency_overrides[get_session] = test_session
    app.dependency_overrides[get_signin_sessions] = test_signin_sessions


@pytest.fixture
def app(settings: Settings, session: Session) -> FastAPI:
    app = create_app(settings)
    override_session(app, session)
    return app


@pytest.fixture
def client(app: FastAPI, session: Session) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as client:
        # The idempotency middleware opens its own transaction: the test's, too.
        app.state.sessionmaker = lambda: session
        yield client
