"""``styrkedja import FILE``, run in-process (typer's CliRunner) against a fresh database of each
backend, as a registrar: the same import as the API, a summary of outcomes, refused rows
listed, and an exit status that says which."""

import json

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app import migrations
from app.cases.models import CaseEvent
from app.cli import cli
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.integrations.inbound.models import ExternalReference, ImportJob
from app.organisation.models import Person
from tests.builders import make_organ, make_person, make_registrar, make_unit
from tests.conftest import TEST_JWT_SECRET
from tests.integrations.imports import good

runner = CliRunner()


@pytest.fixture
def database(backend, databases, monkeypatch):
    url = databases(backend)
    monkeypatch.setenv("STYRKEDJA_DATABASE_URL", url)
    monkeypatch.setenv("STYRKEDJA_JWT_SECRET", TEST_JWT_SECRET)
    get_settings.cache_clear()
    engine = make_engine(url)
    migrations.upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        make_organ(session, code="BUN")
        make_unit(session, code="UTB-GRU", serves=["BUN"])
        registrar = make_registrar(session).username
        officer = make_person(session).username
    yield engine, registrar, officer
    engine.dispose()
    get_settings.cache_clear()


def count(engine, model) -> int:
    with session_scope(make_sessionmaker(engine)) as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def test_a_file_imported_twice(database, tmp_path):
    engine, registrar, _ = database
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join(json.dumps(good(n)) for n in range(1, 26)) + "\n")
    first = runner.invoke(cli, ["import", str(path), "--as", registrar, "--system", "p360"])
    assert first.exit_code == 0, first.output
    assert "created" in first.output
    assert count(engine, ExternalReference) == 25
    again = runner.invoke(cli, ["import", str(path), "--as", registrar, "--system", "p360"])
    assert again.exit_code == 0, again.output
    with session_scope(make_sessionmaker(engine)) as session:
        jobs = session.scalars(select(ImportJob).order_by(ImportJob.id)).all()
        actors = set(session.scalars(select(CaseEvent.actor_person_id)))
        person = session.scalars(select(Person.id).where(Person.username == registrar)).one()
    assert [(j.created_count, j.unchanged_count, j.source_name) for j in jobs] == [
        (25, 0, "export.ndjson"),
        (0, 25, "export.ndjson"),
    ]
    assert actors == {person}  # the registrar, named in the trail


def test_refused_rows_are_listed_and_the_exit_status_says_so(database, tmp_path):
    engine, registrar, _ = database
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(good(1)) + "\n{oops\n" + json.dumps(good(3, organ="XX")) + "\n")
    result = runner.invoke(cli, ["import", str(path), "--as", registrar, "--system", "p360"])
    assert result.exit_code == 1, result.output
    assert "MALFORMED_JSON" in result.output
    assert "UNKNOWN_REFERENCE" in result.output
    assert "p360:P-3" in result.output
    assert count(engine, ExternalReference) == 1


def test_a_csv_by_its_extension(database, tmp_path):
    engine, registrar, _ = database
    path = tmp_path / "export.csv"
    path.write_text("system,external_id,title,problem,organ\np360,C-1,Titel,Problem,BUN\n")
    result = runner.invoke(cli, ["import", str(path), "--as", registrar])
    assert result.exit_code == 0, result.output
    assert count(engine, ExternalReference) == 1


@pytest.mark.parametrize(
    ("content", "args", "says"),
    [
        ("external_id,colour\n", ["--format", "csv"], "CSV_UNKNOWN_COLUMNS"),
        ("{}", ["--as-officer"], "REGISTRAR_REQUIRED"),
        ("{}", ["--as-nobody"], "No person with username"),
        ("{}", ["--format", "xml"], "Invalid value"),
        ("{}", ["--system", "P360"], "lower-case slug"),
    ],
)
def test_nothing_is_imported_when_the_import_cannot_start(database, tmp_path, content, args, says):
    engine, registrar, officer = database
    path = tmp_path / "export.ndjson"
    path.write_text(content)
    who = {"--as-officer": officer, "--as-nobody": "nobody"}.get(args[0], registrar)
    extra = [] if args[0].startswith("--as-") else args
    result = runner.invoke(cli, ["import", str(path), "--as", who, *extra])
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert count(engine, ImportJob) == 0


def test_a_file_of_unknown_kind_needs_its_format(database, tmp_path):
    _, registrar, _ = database
    path = tmp_path / "export.txt"
    path.write_text("{}")
    result = runner.invoke(cli, ["import", str(path), "--as", registrar])
    assert result.exit_code == 2
    assert "--format" in result.output
