"""The migration that brings in the chain seals the events already stored exactly as the app
seals new ones: histories written through the services, unsealed by a downgrade and sealed
again by the upgrade, get the same hashes and hold."""

import importlib.util

import pytest
from sqlalchemy import select, update

from app import migrations
from app.audit import service as audit
from app.cases.models import Case, CaseEvent
from app.db import make_engine, make_sessionmaker, session_scope
from tests.audit.builders import stored_histories, unguard

BEFORE_THE_CHAIN = "20261128_0007"
MIGRATION = migrations.SCRIPT_LOCATION / "versions" / "20261128_0008_event_hash_chain.py"


@pytest.fixture
def fresh(backend, databases):
    engine = make_engine(databases(backend))
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


def seals(engine) -> tuple[list[tuple[int, int, str, str]], list[tuple[int, int, str]]]:
    with engine.connect() as connection:
        events = connection.execute(
            select(CaseEvent.case_id, CaseEvent.seq, CaseEvent.prev_hash, CaseEvent.hash).order_by(
                CaseEvent.case_id, CaseEvent.seq
            )
        ).all()
        heads = connection.execute(
            select(Case.id, Case.last_event_seq, Case.last_event_hash).order_by(Case.id)
        ).all()
    return [tuple(row) for row in events], [tuple(row) for row in heads]


def test_the_migration_seals_stored_events_as_the_app_does(fresh):
    factory = make_sessionmaker(fresh)
    with session_scope(factory) as session:
        stored_histories(session)
    sealed_by_the_app = seals(fresh)

    migrations.downgrade(fresh, BEFORE_THE_CHAIN)
    migrations.upgrade(fresh)

    assert seals(fresh) == sealed_by_the_app
    assert len(sealed_by_the_app[0]) == 5
    with session_scope(factory) as session:
        report = audit.verify(session)
    assert (report.ok, report.cases_checked) == (True, 3)


def test_the_backfill_carries_a_chain_across_batches(fresh, monkeypatch):
    """Batches of two events: cases' histories are split between batches."""
    spec = importlib.util.spec_from_file_location("event_hash_chain", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    monkeypatch.setattr(migration, "BATCH", 2)
    with session_scope(make_sessionmaker(fresh)) as session:
        stored_histories(session)
    sealed_by_the_app = seals(fresh)

    with fresh.begin() as connection:
        unguard(connection)
        connection.execute(update(CaseEvent).values(prev_hash="x", hash="x"))
        connection.execute(update(Case).values(last_event_hash="x"))
        migration._backfill(connection)

    assert seals(fresh) == sealed_by_the_app
