"""Imports over real HTTP (uvicorn on 127.0.0.1, a chunked upload from httpx), against a real
database: the body is read as it arrives, each committed batch is visible from another
connection while the upload goes on, and a body over the import limit stops the import with the
committed batches kept and the job marked failed."""

import json
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import select

from app import migrations
from app.auth.schemas import ApiKeyCreate
from app.auth.scopes import Scope
from app.auth.service import create_api_key
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.integrations.inbound.models import ImportJob
from app.main import create_app
from tests.builders import make_organ, make_unit
from tests.conftest import TEST_JWT_SECRET
from tests.integrations.imports import good

BATCH = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(backend, databases) -> Iterator[tuple[str, dict[str, str], object]]:
    """The service on a free port with its own database; the base URL, an integration key's
    headers, and the database's session factory (another connection)."""
    url = databases(backend)
    engine = make_engine(url)
    migrations.upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        make_organ(session, code="BUN")
        make_unit(session, code="UTB-GRU", serves=["BUN"])
        _, key = create_api_key(session, ApiKeyCreate(name="P360", scopes=[Scope.integration]))
    settings = Settings(
        database_url=url,
        jwt_secret=SecretStr(TEST_JWT_SECRET),
        import_batch_rows=BATCH,
        import_max_bytes=40_000,
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {key}"}, factory
    server.should_exit = True
    thread.join(timeout=20)
    engine.dispose()


def rows(first: int, count: int) -> bytes:
    return b"".join(json.dumps(good(n)).encode() + b"\n" for n in range(first, first + count))


def newest_job(factory) -> ImportJob | None:
    with session_scope(factory) as session:
        return session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(1)).first()


def wait_for(factory, rows_read: int) -> ImportJob:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = newest_job(factory)
        if job is not None and job.rows_read >= rows_read:
            return job
        time.sleep(0.05)
    raise AssertionError(f"no job reached {rows_read} rows")


def test_progress_shows_while_the_upload_goes_on(served):
    base, key, factory = served
    seen: list[tuple[str, int, int]] = []

    def body() -> Iterator[bytes]:
        yield rows(1, BATCH)  # one whole batch, then wait until it shows
        job = wait_for(factory, BATCH)
        seen.append((job.status, job.rows_read, job.created_count))
        yield rows(BATCH + 1, BATCH + 5)

    with httpx.Client(base_url=base, timeout=60) as client:
        response = client.post(
            "/api/v1/imports?system=p360",
            content=body(),
            headers=key | {"Content-Type": "application/x-ndjson"},
        )
    assert response.status_code == 201, response.text
    assert seen == [("running", BATCH, BATCH)]
    assert (response.json()["status"], response.json()["counts"]["created"]) == (
        "completed",
        2 * BATCH + 5,
    )


def test_a_body_over_the_import_limit_stops_the_import_and_keeps_what_committed(served):
    base, key, factory = served

    def body() -> Iterator[bytes]:
        """A batch at a time, each sent once the one before has committed (so the server never
        holds more than one unread chunk), until the import stops."""
        for n in range(60):
            yield rows(1 + n * BATCH, BATCH)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                job = newest_job(factory)
                if job is not None and (job.rows_read > n * BATCH or job.status == "failed"):
                    break
                time.sleep(0.02)
            if job is None or job.status == "failed":
                return

    with httpx.Client(base_url=base, timeout=60) as client:
        response = client.post(
            "/api/v1/imports?system=p360",
            content=body(),
            headers=key | {"Content-Type": "application/x-ndjson"},
        )
        assert (response.status_code, response.json()["code"]) == (413, "PAYLOAD_TOO_LARGE")
        import_id = response.json()["import_id"]
        job = client.get(f"/api/v1/imports/{import_id}", headers=key).json()
    assert job["status"] == "failed"
    assert job["failure"]["code"] == "PAYLOAD_TOO_LARGE"
    sizes = [len(rows(1 + n * BATCH, BATCH)) for n in range(60)]
    under = sum(1 for n in range(60) if sum(sizes[: n + 1]) <= 40_000)
    assert job["rows_read"] == under * BATCH  # every chunk the limit let through
    assert job["counts"]["created"] == job["rows_read"]
    with httpx.Client(base_url=base, timeout=60) as client:
        declared = client.post(
            "/api/v1/imports?system=p360",
            content=b"x" * 40_001,
            headers=key | {"Content-Type": "application/x-ndjson"},
        )
    assert (declared.status_code, declared.json()["code"]) == (413, "PAYLOAD_TOO_LARGE")
    assert "import_id" not in declared.json()  # refused by its Content-Length, before a job
