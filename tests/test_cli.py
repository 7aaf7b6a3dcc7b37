"""The ``styrkedja`` command, run in-process against a fresh database of each backend."""

import jwt
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from app import migrations
from app.auth.models import ApiKey
from app.cases.models import Case
from app.cli import cli, parse_ttl
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.delegation.models import DelegationEntry, DelegationOrder
from app.demo.loader import demo_cast
from app.kit.hashing import sha256_hex
from app.organisation.models import Membership, Organ, Person, Position, Unit
from tests.conftest import TEST_JWT_SECRET

runner = CliRunner()


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    """The CLI reads its settings from the environment, like in production."""
    monkeypatch.setenv("STYRKEDJA_JWT_SECRET", TEST_JWT_SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def database(backend, databases, monkeypatch):
    url = databases(backend)
    monkeypatch.setenv("STYRKEDJA_DATABASE_URL", url)
    get_settings.cache_clear()
    engine = make_engine(url)
    yield engine
    engine.dispose()


def invoke(*args: str):
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def count(engine, model) -> int:
    with session_scope(make_sessionmaker(engine)) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_db_upgrade_downgrade_current(database):
    invoke("db", "upgrade")
    assert migrations.current_revision(database) == migrations.head_revision()
    assert migrations.head_revision() in invoke("db", "current").output
    invoke("db", "downgrade", "base")
    assert migrations.current_revision(database) is None


def test_demo_load_once(database):
    invoke("db", "upgrade")
    assert "Exempelkommun" in invoke("demo", "load").output
    assert count(database, Organ) == 7
    again = runner.invoke(cli, ["demo", "load"])
    assert again.exit_code == 1
    assert count(database, Organ) == 7


def test_demo_municipality(database):
    invoke("db", "upgrade")
    invoke("demo", "load")
    assert count(database, Unit) == 14
    assert count(database, Person) > 100
    assert count(database, Membership) > 150
    assert count(database, Position) > 20
    cast = demo_cast()
    with session_scope(make_sessionmaker(database)) as session:
        usernames = set(session.scalars(select(Person.username)))
    assert {p[2] for p in cast.featured()} <= usernames
    with session_scope(make_sessionmaker(database)) as session:
        states = sorted(session.scalars(select(Case.state)))
    assert states == ["assessment", "closed", "decision", "implementation", "proposed", "proposed"]
    with session_scope(make_sessionmaker(database)) as session:
        orders = session.execute(
            select(DelegationOrder.status, func.count(DelegationEntry.id))
            .join(DelegationEntry, DelegationEntry.order_id == DelegationOrder.id)
            .group_by(DelegationOrder.id, DelegationOrder.status)
            .order_by(DelegationOrder.id)
        ).all()
    assert [tuple(row) for row in orders] == [("adopted", 27), ("adopted", 26)]


def test_token_create_mints_a_verifiable_token():
    result = invoke("token", "create", "--username", "anna.berg", "--ttl", "30m")
    claims = jwt.decode(result.output.strip(), TEST_JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "anna.berg"
    assert claims["exp"] - claims["iat"] == 1800


def test_token_create_needs_a_secret(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STYRKEDJA_JWT_SECRET")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["token", "create", "--username", "x"])
    assert result.exit_code == 1
    assert not (tmp_path / "var").exists()


def test_token_create_uses_the_dev_secret_of_make_run(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STYRKEDJA_JWT_SECRET")
    get_settings.cache_clear()
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "dev-jwt-secret").write_text("d" * 64 + "\n")
    token = invoke("token", "create", "--username", "anna.berg").output.strip()
    assert jwt.decode(token, "d" * 64, algorithms=["HS256"])["sub"] == "anna.berg"


def test_apikey_create_prints_the_key_once_and_stores_its_hash(database):
    invoke("db", "upgrade")
    invoke("demo", "load")
    registrar = demo_cast().registrar
    result = invoke(
        "apikey",
        "create",
        "--name",
        "P360",
        "--scope",
        "integration",
        "--scope",
        "cases:read",
        "--person",
        registrar,
    )
    plain = result.output.strip().splitlines()[-1]
    with session_scope(make_sessionmaker(database)) as session:
        key = session.scalars(select(ApiKey)).one()
        assert key.key_hash == sha256_hex(plain)
        assert key.scopes == ["cases:read", "integration"]


def test_apikey_for_an_automated_decision_function(database):
    invoke("db", "upgrade")
    invoke(
        "apikey",
        "create",
        "--name",
        "E-tjänst",
        "--scope",
        "cases:write",
        "--automated-function",
        "skolskjuts-e-tjanst",
    )
    with session_scope(make_sessionmaker(database)) as session:
        key = session.scalars(select(ApiKey)).one()
        assert key.automated_function == "skolskjuts-e-tjanst"


def test_apikey_for_unknown_person_fails(database):
    invoke("db", "upgrade")
    result = runner.invoke(
        cli, ["apikey", "create", "--name", "x", "--scope", "admin", "--person", "nobody"]
    )
    assert result.exit_code == 1
    assert count(database, ApiKey) == 0


@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("30m", 1800), ("8h", 28800), ("7d", 604800)]
)
def test_parse_ttl(text, seconds):
    assert parse_ttl(text).total_seconds() == seconds


def test_openapi_command_writes_the_document(tmp_path):
    target = tmp_path / "openapi.json"
    invoke("openapi", "--output", str(target))
    assert '"/api/v1/organs"' in target.read_text()
