"""Requests moving the same case at once, with real threads on PostgreSQL: one wins, the others
get 409 WRONG_STATE (or 412 PRECONDITION_FAILED when they all sent the ETag they read) — never a
500, never two events."""

import threading
import uuid
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from app.auth.principal import Principal
from app.cases.models import Case, CaseEvent
from app.cases.schemas import CaseCreate
from app.cases.service import records, transitions
from app.config import Settings
from app.db import make_sessionmaker, session_scope
from app.errors import Conflict
from app.main import create_app
from tests.builders import bearer, make_organ, make_person
from tests.conftest import TEST_JWT_SECRET

ROUNDS = 10
THREADS = 50
CROWD_ROUNDS = 3


def test_a_lost_race_is_409_and_writes_one_event(postgres_engine):
    factory = make_sessionmaker(postgres_engine)
    with session_scope(factory) as session:
        make_organ(session, code="BUN")
        person = make_person(session)
        actor = Principal(person_id=person.id, username=person.username, person_kind=person.kind)
        data = CaseCreate(title="t", problem="p", organ="BUN")
        case_ids = [records.register(session, actor, data).id for _ in range(ROUNDS)]

    def race(case_id: int) -> list[str]:
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def withdraw() -> None:
            try:
                with session_scope(factory) as session:
                    barrier.wait(timeout=10)
                    transitions.fire(session, actor, case_id, "withdraw", {"reason": "x"})
                outcomes.append("moved")
            except Conflict as refusal:
                outcomes.append(refusal.code)

        threads = [threading.Thread(target=withdraw) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        return sorted(outcomes)

    assert [race(case_id) for case_id in case_ids] == [["WRONG_STATE", "moved"]] * ROUNDS
    with session_scope(factory) as session:
        counts = session.execute(
            select(CaseEvent.case_id, func.count()).group_by(CaseEvent.case_id)
        ).all()
        states = set(session.scalars(select(Case.state)))
    assert sorted(count for _, count in counts) == [2] * ROUNDS
    assert states == {"withdrawn"}


@pytest.fixture
def crowd(postgres_engine):
    """The app as deployed (its own engine, a transaction per request, no test session), a
    person, and ``CROWD_ROUNDS`` cases they registered, still proposals they may withdraw."""
    yield from _crowd(postgres_engine)


@pytest.fixture
def crowd_with_few_threads(postgres_engine):
    """The same with eight request threads for fifty requests, on connections that give up
    waiting for a row lock after ten seconds (a stall fails the test instead of hanging it)."""
    yield from _crowd(
        postgres_engine, lock_timeout_ms=10_000, request_threads=8, database_pool_size=THREADS
    )


@pytest.fixture
def crowd_with_a_small_pool(postgres_engine):
    """Eight request threads and four connections, none more, for fifty requests: sign-in
    gives its connection back before the endpoint's hop (``deps.get_signin_sessions``). When a
    request kept it, the requests waiting for a thread held every connection, every thread
    waited in a sign-in for one, and the pool gave up: 503 DATABASE_BUSY."""
    yield from _crowd(
        postgres_engine,
        lock_timeout_ms=10_000,
        request_threads=8,
        database_pool_size=4,
        database_max_overflow=0,
        database_pool_timeout_s=10,
    )


def _crowd(postgres_engine, *, lock_timeout_ms: int | None = None, **settings_given):
    url = postgres_engine.url
    if lock_timeout_ms is not None:
        url = url.update_query_dict({"options": f"-c lock_timeout={lock_timeout_ms}"})
    settings = Settings(
        database_url=url.render_as_string(hide_password=False),
        jwt_secret=SecretStr(TEST_JWT_SECRET),
        **settings_given,
    )
    factory = make_sessionmaker(postgres_engine)
    with session_scope(factory) as session:
        make_organ(session, code="BUN")
        person = make_person(session)
        actor = Principal(person_id=person.id, username=person.username, person_kind=person.kind)
        data = CaseCreate(title="t", problem="p", organ="BUN")
        case_ids = [records.register(session, actor, data).id for _ in range(CROWD_ROUNDS)]
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, bearer(settings, person.username), case_ids, factory


def _stampede(client, headers, case_id, *, keyed=False):
    """``THREADS`` requests withdrawing the case, released together: (status, code) of each;
    ``keyed``: each with an Idempotency-Key of its own."""
    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def withdraw() -> None:
        key = {"Idempotency-Key": str(uuid.uuid4())} if keyed else {}
        barrier.wait(timeout=30)
        response = client.post(
            f"/api/v1/cases/{case_id}/transitions/withdraw",
            json={"payload": {"reason": "Ersatt av ett annat förslag."}},
            headers=headers | key,
        )
        with lock:  # a problem's code; a moved case's body has none
            answers.append((response.status_code, response.json().get("code")))

    threads = [threading.Thread(target=withdraw) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(answers)


def _history(factory, case_ids):
    with session_scope(factory) as session:
        counts = dict(
            session.execute(
                select(CaseEvent.case_id, func.count())
                .where(CaseEvent.case_id.in_(case_ids))
                .group_by(CaseEvent.case_id)
            ).all()
        )
        cases = session.scalars(select(Case).where(Case.id.in_(case_ids))).all()
        return counts, {(case.state, case.version) for case in cases}


def test_fifty_at_once_one_moves_the_rest_are_409_and_one_event_is_written(crowd):
    client, headers, case_ids, factory = crowd

    outcomes = [_stampede(client, headers, case_id) for case_id in case_ids]

    assert outcomes == [Counter({(200, None): 1, (409, "WRONG_STATE"): THREADS - 1})] * len(
        case_ids
    )
    assert _history(factory, case_ids) == (
        dict.fromkeys(case_ids, 2),  # registered, withdrawn
        {("withdrawn", 2)},
    )


def test_fifty_with_the_same_etag_one_moves_the_rest_are_412_and_one_event_is_written(crowd):
    client, headers, case_ids, factory = crowd
    etags = [
        client.get(f"/api/v1/cases/{case_id}", headers=headers).headers["ETag"]
        for case_id in case_ids
    ]

    outcomes = [
        _stampede(client, headers | {"If-Match": etag}, case_id)
        for case_id, etag in zip(case_ids, etags, strict=True)
    ]

    assert outcomes == [Counter({(200, None): 1, (412, "PRECONDITION_FAILED"): THREADS - 1})] * len(
        case_ids
    )
    assert _history(factory, case_ids) == (dict.fromkeys(case_ids, 2), {("withdrawn", 2)})


def test_fifty_behind_one_row_lock_do_not_stall_eight_request_threads(crowd_with_few_threads):
    """The requests waiting for the case's row lock hold all eight threads; the one holding the
    lock commits in the thread it runs in (``app.api.routing``), so it needs none of theirs."""
    client, headers, case_ids, factory = crowd_with_few_threads

    outcomes = [_stampede(client, headers, case_id) for case_id in case_ids]

    assert outcomes == [Counter({(200, None): 1, (409, "WRONG_STATE"): THREADS - 1})] * len(
        case_ids
    )
    assert _history(factory, case_ids) == (dict.fromkeys(case_ids, 2), {("withdrawn", 2)})


def test_fifty_keyed_behind_one_row_lock_do_not_stall_eight_request_threads(
    crowd_with_few_threads,
):
    """With an Idempotency-Key the middleware ends each transaction, after the answer is known,
    in a thread of its own (``deps.ENDING_THREADS``): never one of the eight the requests
    waiting for the lock hold."""
    client, headers, case_ids, factory = crowd_with_few_threads

    outcomes = [_stampede(client, headers, case_id, keyed=True) for case_id in case_ids]

    assert outcomes == [Counter({(200, None): 1, (409, "WRONG_STATE"): THREADS - 1})] * len(
        case_ids
    )
    assert _history(factory, case_ids) == (dict.fromkeys(case_ids, 2), {("withdrawn", 2)})


@pytest.mark.parametrize("keyed", [False, True], ids=["plain", "keyed"])
def test_fifty_on_four_connections_and_eight_threads_do_not_run_the_pool_dry(
    crowd_with_a_small_pool, keyed
):
    client, headers, case_ids, factory = crowd_with_a_small_pool

    outcomes = [_stampede(client, headers, case_id, keyed=keyed) for case_id in case_ids]

    assert outcomes == [Counter({(200, None): 1, (409, "WRONG_STATE"): THREADS - 1})] * len(
        case_ids
    )
    assert _history(factory, case_ids) == (dict.fromkeys(case_ids, 2), {("withdrawn", 2)})
