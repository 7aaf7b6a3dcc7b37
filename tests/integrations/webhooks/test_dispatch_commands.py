"""``styrkedja dispatch`` and ``serve --dispatch``: the dispatcher run as a command, and in a
background thread of the server that starts and stops with it."""

import threading
import time

from fastapi.testclient import TestClient
from pydantic import SecretStr
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings, get_settings
from app.main import create_app
from tests.conftest import TEST_JWT_SECRET

runner = CliRunner()


def test_dispatch_once_sends_what_is_due(town, receiver, own_database, monkeypatch):
    town.subscribe(receiver.url)
    case_id = town.register()
    monkeypatch.setenv("STYRKEDJA_DATABASE_URL", own_database)
    get_settings.cache_clear()
    try:
        result = runner.invoke(cli, ["dispatch", "--once", "--batch", "10"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "Fanned out 1 messages; delivered 1, failed 0 (to be retried), dead 0." in result.output
    [request] = receiver.delivered()
    assert request.json["data"]["case"]["id"] == case_id


def test_serve_refuses_to_dispatch_from_several_workers():
    result = runner.invoke(cli, ["serve", "--dispatch", "--workers", "2"])
    assert result.exit_code == 2
    assert "styrkedja dispatch" in result.output


def dispatcher_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "webhook-dispatcher"]


def test_the_server_dispatches_in_a_thread_that_stops_with_it(town, receiver, own_database):
    settings = Settings(
        database_url=own_database,
        jwt_secret=SecretStr(TEST_JWT_SECRET),
        webhook_dispatch=True,
        webhook_poll_interval_seconds=0.05,
    )
    town.subscribe(receiver.url)
    with TestClient(create_app(settings)):
        assert len(dispatcher_threads()) == 1
        case_id = town.register()
        deadline = time.monotonic() + 10
        while not receiver.delivered() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [r.json["data"]["case"]["id"] for r in receiver.delivered()] == [case_id]
    assert dispatcher_threads() == []


def test_the_server_does_not_dispatch_unless_asked(own_database):
    settings = Settings(database_url=own_database, jwt_secret=SecretStr(TEST_JWT_SECRET))
    with TestClient(create_app(settings)):
        assert dispatcher_threads() == []
