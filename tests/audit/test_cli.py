"""``styrkedja audit verify`` against a fresh database of each backend holding three cases:
exit 0 when every chain holds, 1 naming the first broken link, 2 for no case."""

import re

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from app import migrations
from app.cases.models import CaseEvent
from app.cli import cli
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from tests.audit.builders import stored_histories, unguard

runner = CliRunner()


@pytest.fixture
def database(backend, databases, monkeypatch):
    url = databases(backend)
    monkeypatch.setenv("STYRKEDJA_DATABASE_URL", url)
    get_settings.cache_clear()
    engine = make_engine(url)
    migrations.upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        case_ids = stored_histories(session)
    yield engine, case_ids
    engine.dispose()
    get_settings.cache_clear()


def test_every_chain_holds(database):
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Every chain holds (cases checked: 3, events checked: 5)" in result.output


def test_one_case(database):
    _, case_ids = database
    result = runner.invoke(cli, ["audit", "verify", "--case", str(case_ids[1])])
    assert result.exit_code == 0, result.output
    assert "(cases checked: 1, events checked: 2)" in result.output


def test_a_broken_chain_exits_1_naming_the_link(database):
    engine, case_ids = database
    with engine.begin() as connection:
        unguard(connection)
        connection.execute(
            update(CaseEvent)
            .where(CaseEvent.case_id == case_ids[2], CaseEvent.seq == 2)
            .values(payload={"reason": "Något annat"})
        )
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1, result.output
    assert re.search(rf"│ {case_ids[2]}\s+│ 2\s+│ modified\s+│", result.output)
    assert "Broken chains: 1 (cases checked: 3, events checked: 5)" in result.output


def test_an_unknown_case_exits_2(database):
    result = runner.invoke(cli, ["audit", "verify", "--case", "999999"])
    assert result.exit_code == 2
    assert "No case with id 999999" in result.output
