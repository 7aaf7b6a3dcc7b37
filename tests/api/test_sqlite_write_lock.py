"""SQLite has one writer. Sessions that may write begin their transactions IMMEDIATE: they wait
for the write lock instead of failing on a stale snapshot ("database is locked" at once, which
the busy timeout does not cover). Reading sessions, and plain connections, begin DEFERRED and
take no lock (``db.IMMEDIATE_BEGIN``)."""

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.cases.models import Case
from app.db import make_engine, make_reading_sessionmaker, make_sessionmaker, session_scope
from app.main import create_app
from app.organisation.models import Organ
from app.organisation.schemas import OrganCreate
from app.organisation.service import structure
from tests.builders import bearer, make_membership, make_organ, make_registrar


@pytest.fixture
def sqlite_url(backend, request) -> str:
    if backend != "sqlite":
        pytest.skip("SQLite's single writer")
    return str(request.getfixturevalue("own_database"))


@pytest.fixture
def patient(sqlite_url) -> Iterator[Engine]:
    """An engine whose writers wait up to 5 s for the write lock."""
    engine = make_engine(sqlite_url, sqlite_busy_timeout_ms=5000)
    yield engine
    engine.dispose()


def add_organ(sessions: sessionmaker[Session], code: str) -> None:
    with session_scope(sessions) as session:
        data = OrganCreate(code=code, name=f"Nämnd {code}", kind="committee", seats=9)
        structure.create_organ(session, data)


def codes(engine: Engine) -> set[str]:
    with session_scope(make_sessionmaker(engine)) as session:
        return set(session.scalars(select(Organ.code)))


def test_a_write_after_a_read_waits_for_the_other_writer_instead_of_failing(patient):
    """Deferred, the second writer would commit at once, and the first one's write would then
    fail: its read began before that commit."""
    sessions = make_sessionmaker(patient)
    failures: list[BaseException] = []

    def other() -> None:
        try:
            add_organ(sessions, "SN")
        except BaseException as exc:
            failures.append(exc)

    with session_scope(sessions) as first:
        first.scalars(select(Organ.code)).all()  # what its write depends on
        waiting = threading.Thread(target=other)
        waiting.start()
        time.sleep(0.3)
        assert waiting.is_alive()  # waits for the write lock the first one holds
        data = OrganCreate(
            code="BUN", name="Barn- och utbildningsnämnden", kind="committee", seats=9
        )
        structure.create_organ(first, data)
    waiting.join(timeout=10)
    assert not waiting.is_alive()
    assert failures == []
    assert codes(patient) == {"BUN", "SN"}


@pytest.mark.parametrize(
    "readers",
    [make_reading_sessionmaker, lambda engine: make_sessionmaker(engine, writes=False)],
    ids=["request", "audit"],
)
def test_a_reading_session_takes_no_write_lock(sqlite_url, readers):
    impatient = make_engine(sqlite_url, sqlite_busy_timeout_ms=50)
    try:
        with readers(impatient)() as reader:
            reader.scalars(select(Organ.code)).all()
            assert reader.in_transaction()  # one snapshot for the request's reads
            add_organ(make_sessionmaker(impatient), "SN")  # would fail after 50 ms if locked
            assert reader.scalars(select(Organ.code)).all() == []  # still its snapshot
        assert codes(impatient) == {"SN"}
    finally:
        impatient.dispose()


def test_concurrent_registrations_on_sqlite_all_succeed(sqlite_url, settings):
    """Through the real app and its sessions: 8 clients registering at once. Before IMMEDIATE,
    most of them were refused with 503 DATABASE_BUSY."""
    engine = make_engine(sqlite_url)
    with session_scope(make_sessionmaker(engine)) as session:
        headers = bearer(settings, make_registrar(session).username)
        make_organ(session, code="BUN")
        make_membership(session, organ="BUN", valid_from="2026-09-01")
    app = create_app(settings.model_copy(update={"database_url": sqlite_url}))
    case = {"title": "Ett ärende", "problem": "Ett problem", "organ": "BUN"}
    with TestClient(app, raise_server_exceptions=False) as client:

        def register(_: int) -> tuple[int, str | None]:
            response = client.post("/api/v1/cases", json=case, headers=headers)
            return response.status_code, response.json().get("code")

        with ThreadPoolExecutor(8) as pool:
            answers = Counter(pool.map(register, range(80)))
    assert answers == Counter({(201, None): 80})
    with session_scope(make_sessionmaker(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 80
    engine.dispose()


def test_gets_in_a_transaction_answer_while_a_writer_holds_the_lock(sqlite_url, settings):
    """The audit's walk and the workflow definitions need a transaction
    (``routing.in_transaction``); on SQLite it takes no write lock, so these GETs neither wait
    for a writer nor, while they run, make writers wait."""
    engine = make_engine(sqlite_url)
    with session_scope(make_sessionmaker(engine)) as session:
        headers = bearer(settings, make_registrar(session).username)
    impatient = settings.model_copy(
        update={"database_url": sqlite_url, "sqlite_busy_timeout_ms": 50}
    )
    with TestClient(create_app(impatient), raise_server_exceptions=False) as client:
        # the first use stores the shipped definitions: a write
        assert client.get("/api/v1/workflows", headers=headers).status_code == 200
        writer = engine.connect()
        writer.exec_driver_sql(
            "INSERT INTO people (username, name, kind, created_at, updated_at) "
            "VALUES ('x', 'x', 'employee', '2026-01-01', '2026-01-01')"
        )  # holds the write lock until its rollback
        try:
            answers = {
                path: client.get(path, headers=headers).status_code
                for path in (
                    "/api/v1/audit/verify",
                    "/api/v1/workflows",
                    "/api/v1/workflows/measure/versions/2",
                )
            }
        finally:
            writer.rollback()
            writer.close()
    assert answers == dict.fromkeys(answers, 200)
    engine.dispose()
