"""Two requests moving the same case at once, with real threads on PostgreSQL: one wins, the
other gets 409 WRONG_STATE — never a 500, never two events."""

import threading

import pytest
from sqlalchemy import func, select

from app import migrations
from app.auth.principal import Principal
from app.cases.models import Case, CaseEvent
from app.cases.schemas import CaseCreate
from app.cases.service import records, transitions
from app.db import make_engine, make_sessionmaker, session_scope
from app.errors import Conflict
from tests.builders import make_organ, make_person

ROUNDS = 10


@pytest.fixture
def postgres_engine(backend, databases):
    if backend != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers itself")
    engine = make_engine(databases(backend))
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


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
