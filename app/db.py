"""Database plumbing: the declarative base, UTC timestamps, engine and session factories.

SQLite (the embedded default) gets foreign keys, WAL and a busy timeout on every connection, and
SQLAlchemy-managed transactions (the pysqlite driver's own are switched off so savepoints work),
which begin IMMEDIATE in sessions that may write (``IMMEDIATE_BEGIN``).
PostgreSQL is reached through psycopg 3.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    CursorResult,
    DateTime,
    Engine,
    Executable,
    MetaData,
    create_engine,
    event,
    exc,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.kit.clock import utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC, also on SQLite (which stores no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use app.kit.clock.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 (SQLAlchemy reads it as is)


class Timestamped:
    """``created_at`` / ``updated_at`` maintained by the ORM."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def make_engine(
    url: str,
    *,
    echo: bool = False,
    sqlite_busy_timeout_ms: int = 5000,
    pool_size: int = 20,
    max_overflow: int = 10,
    pool_timeout_s: float = 30,
    ping_after_idle_s: float = 10,
) -> Engine:
    """The pool should hold as many connections as requests run at once (the threadpool's
    workers), so connections are reused rather than opened and closed under load.

    A database error names its statement but not the statement's values, unless ``echo`` is
    on (a developer's own machine): errors are logged, and the values are personal data (names,
    what a case is about) or secrets (a webhook's signing key)."""
    hidden = not echo
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, hide_parameters=hidden)
        if engine.url.database not in (None, "", ":memory:"):
            Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
        _configure_sqlite(engine, sqlite_busy_timeout_ms)
        return engine
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=hidden,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout_s,
    )
    _ping_when_idle(engine, ping_after_idle_s)
    return engine


_IDLE_SINCE = "styrkedja_idle_since"


def _ping_when_idle(engine: Engine, idle_s: float) -> None:
    """Ping a pooled connection before use only if it has lain idle ``idle_s`` or longer; one
    that does not answer is replaced, and the request never sees it.

    SQLAlchemy's ``pool_pre_ping`` pings before every use: a round trip per request, one of
    the six a list request made. Under load a connection is back in use within milliseconds
    and needs none. The price: a connection that broke less than ``idle_s`` ago (the server
    restarted under load) fails the statement it is used for. That request is answered 503
    ``DATABASE_UNAVAILABLE`` and SQLAlchemy then replaces every connection of the pool that was
    opened before the failure.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < idle_s:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # the pool replaces this connection and every one opened before it, then checks out
            # a new one, as SQLAlchemy's own pre-ping does
            raise exc.InvalidatePoolError("a pooled connection did not answer a ping") from error


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(IMMEDIATE_BEGIN, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


IMMEDIATE_BEGIN = "styrkedja_sqlite_immediate_begin"
"""An execution option: SQLite transactions on such a connection begin IMMEDIATE, taking the
database's one write lock at their start and waiting for it up to the busy timeout; the sessions
of ``make_sessionmaker``, which may write, have it. Other transactions (reading sessions, plain
connections) begin DEFERRED. A DEFERRED transaction that reads and then writes cannot wait: if
another connection wrote since its read began, SQLite refuses its write at once with "database
is locked" (its snapshot is stale). 8 clients registering cases at once saw 2,255 of 2,908
requests refused so (503 DATABASE_BUSY); with IMMEDIATE, none."""


def make_sessionmaker(engine: Engine, *, writes: bool = True) -> sessionmaker[Session]:
    """Sessions with transactions; on SQLite, those of sessions that may write begin IMMEDIATE
    (``IMMEDIATE_BEGIN``). ``writes=False`` for a long read that must not hold SQLite's write
    lock (the audit's walk over every chain), and needs a transaction on PostgreSQL."""
    if writes and engine.dialect.name == "sqlite":
        engine = engine.execution_options(**{IMMEDIATE_BEGIN: True})
    return sessionmaker(bind=engine, expire_on_commit=False)


def make_reading_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions for requests that only read (GET, HEAD).

    On PostgreSQL their statements run outside a transaction (autocommit): each sees the data
    as of its own start, which is all that PostgreSQL's default READ COMMITTED gives a statement
    inside a transaction too, and the request saves the round trips of BEGIN and COMMIT, two of
    the six a list request made. Only reads may run in them (``refuse_unless_read``): anything
    else is a bug, and raises before it reaches the database, since outside a transaction
    each statement would commit on its own. On SQLite a transaction costs no round trip and
    gives a request's reads one snapshot, so its reading sessions have transactions; they begin
    DEFERRED and take no write lock (``IMMEDIATE_BEGIN``)."""
    if engine.dialect.name != "postgresql":
        return sessionmaker(bind=engine, expire_on_commit=False)
    reading = engine.execution_options(isolation_level="AUTOCOMMIT")

    @event.listens_for(reading, "before_cursor_execute")
    def _reads_only(
        _connection: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool
    ) -> None:
        refuse_unless_read(statement, context)

    return sessionmaker(bind=reading, expire_on_commit=False)


_READS = frozenset({"SELECT", "WITH"})


def refuse_unless_read(statement: str, context: Any = None) -> None:
    """Raise ``ReadOnlyViolation`` unless ``statement`` reads: an INSERT, UPDATE, DELETE or DDL
    (by the compiled statement, where there is one: an ORM flush, a Core write, a write in a
    WITH), or a text that does not begin with SELECT or WITH.

    A tripwire for the code's own mistakes, not a boundary: a SELECT can still change things
    (``nextval``, ``set_config``), and values never reach the text of a statement, so no
    request can make one."""
    compiled = getattr(context, "compiled", None)
    if compiled is not None and (
        context.isinsert
        or context.isupdate
        or context.isdelete
        or context.isddl
        or any(
            getattr(cte.element, "is_dml", False) for cte in getattr(compiled, "ctes", None) or ()
        )
    ):
        raise ReadOnlyViolation(f"a reading session was asked to write: {statement[:80]}")
    words = statement.split(None, 1)
    if not words or words[0].upper() not in _READS:
        raise ReadOnlyViolation(f"a reading session was asked to run: {statement[:80]}")


class ReadOnlyViolation(RuntimeError):
    """A statement other than a read in a session of ``make_reading_sessionmaker``."""


def read_rows(
    session: Session, statement: Executable, params: dict[str, Any] | None = None
) -> CursorResult[*tuple[Any, ...]]:
    """The rows of a read that needs no ORM objects, from the session's connection.

    ``session.execute`` hands every result to the ORM's result handling, even one of plain
    columns; on the reads every request makes (sign-in, a list page, the facts a transition is
    judged on) that cost more than the statement did (a list page's server CPU went from 4.3
    to 3.7 ms without it and the ORM objects; bench/README.md). Pending changes are
    flushed first, as the session's autoflush would have done (unless within ``no_autoflush``).
    """
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work for CLI commands and workers: commit on success, roll back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
