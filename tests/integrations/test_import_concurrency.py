"""Three imports of one file at once, with real threads on PostgreSQL: the first to take the
organ's series writes its run of new cases; the others wait for it, find their run refused
(the references are taken) and do it row by row, every row unchanged. One case per reference,
one event and outbox row each, and the series spent exactly one number a case."""

import io
import json
import threading

from sqlalchemy import func, select

from app.audit.service import verify
from app.auth.service import person_principal
from app.cases.models import Case, CaseEvent, DiarySeries
from app.db import make_sessionmaker, session_scope
from app.integrations.inbound.models import ExternalReference, ImportJob
from app.integrations.inbound.service.runner import run_import
from app.integrations.inbound.vocabulary import ImportFormat
from app.integrations.webhooks.models import OutboxMessage
from app.kit.clock import today
from tests.builders import make_organ, make_registrar

RACERS = 3
ROWS = 200


def test_concurrent_imports_of_one_file_make_each_case_once(postgres_engine):
    factory = make_sessionmaker(postgres_engine)
    with session_scope(factory) as session:
        make_organ(session, code="BUN")
        registrar = person_principal(session, make_registrar(session), today())
    lines = [{"external_id": f"P-{n}", "title": f"Ärende {n}", "problem": "Trångbott",
              "organ": "BUN"} for n in range(1, ROWS + 1)]  # fmt: skip
    body = "\n".join(json.dumps(line) for line in lines).encode()
    barrier = threading.Barrier(RACERS)
    jobs: list[int] = []
    failures: list[BaseException] = []

    def race() -> None:
        try:
            barrier.wait(timeout=30)
            job = run_import(factory, registrar, ImportFormat.ndjson, io.BytesIO(body), system="p")
            jobs.append(job.id)
        except BaseException as exc:  # every racer's fate is asserted below
            failures.append(exc)

    threads = [threading.Thread(target=race) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    with session_scope(factory) as session:
        counts = sorted(
            (job.created_count, job.unchanged_count, job.error_count)
            for job in session.scalars(select(ImportJob))
        )
        assert counts == [(0, ROWS, 0)] * (RACERS - 1) + [(ROWS, 0, 0)]
        for table in (Case, CaseEvent, OutboxMessage, ExternalReference):
            assert session.scalar(select(func.count()).select_from(table)) == ROWS
        assert session.scalar(select(DiarySeries.last_seq)) == ROWS
        assert verify(session).ok
