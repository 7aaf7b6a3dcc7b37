"""The diary numbers migration numbers the cases registered before it: in id order per organ and
year of registration (in Sweden), and each series goes on after the last of them."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from app import migrations
from app.auth.principal import Principal
from app.cases.models import DiarySeries
from app.cases.schemas import CaseCreate
from app.cases.service import diary, records
from app.db import make_engine, make_sessionmaker, session_scope
from app.workflows.definition import builtin
from tests.builders import make_person

BEFORE = "20261128_0007"
"""A revision before diary numbers (and the ones the rows below are written for)."""

organs = sa.table(
    "organs",
    *(sa.column(name) for name in ("code", "name", "kind", "seats")),
    sa.column("valid_from", sa.Date()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
workflows = sa.table(
    "workflow_definitions",
    *(sa.column(name) for name in ("key", "version", "checksum")),
    sa.column("body", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
cases = sa.table(
    "cases",
    *(sa.column(name) for name in ("title", "problem", "organ_id", "origin")),
    *(sa.column(name) for name in ("appeal_route", "confidential", "workflow_id", "state")),
    *(sa.column(name) for name in ("last_event_seq", "version")),
    sa.column("flags", sa.JSON()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)

REGISTERED = [  # id (in a new database), organ id, created_at (UTC)
    (1, 1, datetime(2025, 6, 1, 10, 0, tzinfo=UTC)),
    (2, 2, datetime(2025, 12, 31, 22, 30, tzinfo=UTC)),  # 23:30 in Sweden: still 2025
    (3, 1, datetime(2025, 12, 31, 23, 30, tzinfo=UTC)),  # 00:30 in Sweden: 2026
    (4, 1, datetime(2025, 11, 1, 9, 0, tzinfo=UTC)),  # a later id, registered earlier
    (5, 1, datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
]


CASE_ROW = {
    "title": "t",
    "problem": "p",
    "origin": "operations",
    "flags": [],
    "appeal_route": "judicial_review",
    "confidential": False,
    "workflow_id": 1,
    "state": "proposed",
    "last_event_seq": 0,
    "version": 1,
}


def _register_before(engine: sa.Engine) -> None:
    """Rows as the revision before wrote them, one at a time so the ids are 1, 2, …"""
    moment = {"created_at": datetime(2025, 1, 1, tzinfo=UTC)}
    measure = builtin("measure", 1)
    with engine.begin() as connection:
        for code in ("BUN", "SN"):
            organ = {"code": code, "name": code, "kind": "committee", "seats": 9}
            since = {"valid_from": date(2025, 1, 1), "updated_at": moment["created_at"]}
            connection.execute(organs.insert().values(organ | since | moment))
        connection.execute(
            workflows.insert().values(
                {"key": "measure", "version": 1, "body": measure.body()}
                | {"checksum": measure.checksum()}
                | moment
            )
        )
        for _, organ_id, created_at in REGISTERED:
            at = {"created_at": created_at, "updated_at": created_at}
            connection.execute(cases.insert().values(CASE_ROW | {"organ_id": organ_id} | at))


def test_cases_before_the_migration_are_numbered_and_the_series_go_on(
    backend, databases, monkeypatch
):
    engine = make_engine(databases(backend))
    try:
        migrations.upgrade(engine, BEFORE)
        _register_before(engine)
        migrations.upgrade(engine)

        factory = make_sessionmaker(engine)
        with session_scope(factory) as session:
            numbered = dict(session.execute(sa.text("SELECT id, diary_number FROM cases")).all())
            series = {
                (row.organ_id, row.year): row.last_seq
                for row in session.scalars(sa.select(DiarySeries))
            }
            person = make_person(session)
            actor = Principal(
                person_id=person.id, username=person.username, person_kind=person.kind
            )
            monkeypatch.setattr(diary, "today", lambda: date(2026, 5, 4))
            next_one = records.register(
                session, actor, CaseCreate(title="t", problem="p", organ="BUN")
            )
            assert next_one.diary_number == "BUN 2026/3"
    finally:
        engine.dispose()

    assert numbered == {
        1: "BUN 2025/1",
        2: "SN 2025/1",
        3: "BUN 2026/1",
        4: "BUN 2025/2",
        5: "BUN 2026/2",
    }
    assert series == {(1, 2025): 2, (2, 2025): 1, (1, 2026): 2}
