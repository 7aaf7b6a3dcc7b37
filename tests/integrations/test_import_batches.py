"""An import's new cases written a run at a time (``service.batch``): the same rows as the row
path writes (a PUT's upsert), diary numbers in the order of the file's rows, and a run the
database refuses done again row by row, with exact results and no number spent."""

import json
from typing import Any

import pytest
from sqlalchemy import select

from app.audit.service import verify
from app.cases.models import Case, CaseEvent, DiarySeries
from app.integrations.inbound.models import ExternalReference
from app.integrations.webhooks.models import OutboxMessage
from app.kit.clock import today
from app.organisation.models import Organ
from tests.builders import make_organ
from tests.integrations.conftest import CASE, SECRET, put
from tests.integrations.imports import all_rows, good, post

# What differs between two registrations of one body: the row's identity, number and time, the
# event's payload (its number and source, compared apart) and so its hash.
OWN = {"id", "case_id", "event_id", "diary_number", "diary_sort_key", "created_at",
       "updated_at", "last_event_hash", "hash", "import_id", "payload"}  # fmt: skip


def columns(row: Any) -> dict[str, Any]:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in OWN}


def bun_series(session) -> int:
    """The last number of BUN's series this year, read afresh."""
    query = select(DiarySeries.last_seq).join(Organ, Organ.id == DiarySeries.organ_id)
    last = session.scalar(query.where(Organ.code == "BUN", DiarySeries.year == today().year))
    return last or 0


def diary_numbers(session, rows: list[dict[str, Any]]) -> list[str | None]:
    return [session.get(Case, row["case_id"]).diary_number if row["case_id"] else None
            for row in rows]  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [
        {"description": "Fler elever", "flags": ["procurement", "of_principle"],
         "matter_type": "lokal", "origin": "citizen_proposal"},
        SECRET | {"appeal_route": "administrative_appeal", "estimated_cost_sek": None},
    ],
    ids=["open", "confidential"],
)  # fmt: skip
def test_a_run_writes_the_rows_a_registration_writes(client, world, p360, session, fields):
    body = CASE | fields
    by_put = put(client, p360, "P-1", **body).json()["case"]["id"]
    job = post(client, p360, json.dumps(body | {"external_id": "P-2"}).encode(), system="p360")
    [row] = all_rows(client, p360, job.json()["id"])
    imported = row["case_id"]
    cases = [session.get(Case, case_id) for case_id in (by_put, imported)]
    assert columns(cases[0]) == columns(cases[1])
    assert cases[1].version == 1
    events = [session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).one()
              for case in cases]  # fmt: skip
    assert columns(events[0]) == columns(events[1])
    assert [case.last_event_hash for case in cases] == [event.hash for event in events]
    payloads = [{k: v for k, v in e.payload.items() if k not in ("diary_number", "source")}
                for e in events]  # fmt: skip
    assert payloads[0] == payloads[1]
    assert events[1].payload["source"] == {
        "system": "p360", "external_id": "P-2", "import_id": job.json()["id"]
    }  # fmt: skip
    assert events[1].payload["diary_number"] == cases[1].diary_number
    outbox = [session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).one()
              for case in cases]  # fmt: skip
    assert columns(outbox[0]) == columns(outbox[1])
    assert [message.event_id for message in outbox] == [event.id for event in events]
    references = [session.scalars(select(ExternalReference).where(
        ExternalReference.case_id == case.id)).one() for case in cases]  # fmt: skip
    assert columns(references[0]) | {"external_id": "P-2"} == columns(references[1])
    assert verify(session).ok


def test_numbers_follow_the_rows_through_runs_and_rows_done_alone(client, world, p360, session):
    last, year = bun_series(session), today().year
    given = f"BUN {year}/{last + 10}"
    lines = [
        good(1),
        good(2),
        good(1, title="Ändrad"),
        good(3, diary_number=given),
        good(4),
        good(5, state="valuation", route="political", assessment_level="none"),
        good(6),
    ]
    body = "\n".join(json.dumps(line) for line in lines).encode()
    rows = all_rows(client, p360, post(client, p360, body, system="p360").json()["id"])
    assert [row["outcome"] for row in rows] == ["created", "created", "updated", "created",
                                                "created", "created", "created"]  # fmt: skip
    assert diary_numbers(session, rows) == [
        f"BUN {year}/{n}" for n in (last + 1, last + 2, last + 1, last + 10, last + 11,
                                    last + 12, last + 13)
    ]  # fmt: skip
    assert verify(session).ok


def test_a_run_the_database_refuses_is_done_row_by_row(client, world, p360, session):
    last, year = bun_series(session), today().year
    make_organ(session, code="XYZ", diary_format="BUN {year}/{seq}")
    taken = f"BUN {year}/{last + 3}"  # XYZ's number, in BUN's format: only the database knows
    put(client, p360, "X-1", **(CASE | {"organ": "XYZ", "unit": None, "diary_number": taken}))
    body = "\n".join(["oops", *(json.dumps(good(n)) for n in (2, 3, 4))]).encode()
    job = post(client, p360, body, system="p360").json()
    rows = all_rows(client, p360, job["id"])
    assert [(row["row"], row["outcome"], row["code"]) for row in rows] == [
        (1, "error", "MALFORMED_JSON"),
        (2, "created", None),
        (3, "created", None),
        (4, "error", "DIARY_NUMBER_TAKEN"),
    ]
    assert diary_numbers(session, rows) == [None, f"BUN {year}/{last + 1}",
                                            f"BUN {year}/{last + 2}", None]  # fmt: skip
    assert bun_series(session) == last + 2  # the refused row spent no number
    assert job["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "error": 2}
    assert verify(session).ok


def test_a_value_the_database_refuses_fails_its_row_only(client, world, p360, session, backend):
    if backend != "postgresql":
        pytest.skip("SQLite stores a NUL character in text; PostgreSQL refuses it")
    last, year = bun_series(session), today().year
    lines = [good(1), good(2, problem="Trång\x00bott"), good(3)]
    body = "\n".join(json.dumps(line) for line in lines).encode()
    rows = all_rows(client, p360, post(client, p360, body, system="p360").json()["id"])
    assert [(row["outcome"], row["code"]) for row in rows] == [
        ("created", None),
        ("error", "ROW_NOT_STORABLE"),
        ("created", None),
    ]
    assert diary_numbers(session, rows) == [f"BUN {year}/{last + 1}", None,
                                            f"BUN {year}/{last + 2}"]  # fmt: skip
