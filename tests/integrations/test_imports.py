"""POST /api/v1/imports: NDJSON or CSV, streamed, each row an upsert with its own result; a
failing row never stops or spoils the rest, and the same file again changes nothing."""

import json
import time

import pytest
from sqlalchemy import func, select

from app.cases.models import Case, CaseEvent
from app.integrations.inbound.models import ImportJob
from tests.integrations.conftest import api_key
from tests.integrations.imports import all_rows, big_file, good, post

ROWS = 10_000


def test_ten_thousand_rows_with_one_percent_bad(client, world, p360, session):
    body, bad = big_file(ROWS)
    started = time.perf_counter()
    first = post(client, p360, body, system="p360")
    took = time.perf_counter() - started
    assert first.status_code == 201, first.text
    job = first.json()
    assert first.headers["Location"] == f"http://testserver/api/v1/imports/{job['id']}"
    assert (job["status"], job["format"], job["rows_read"]) == ("completed", "ndjson", ROWS)
    assert job["counts"] == {"created": ROWS - len(bad), "updated": 0, "unchanged": 0,
                             "error": len(bad)}  # fmt: skip
    errors = all_rows(client, p360, job["id"], outcome="error")
    assert [(row["row"], row["code"]) for row in errors] == bad
    assert session.scalar(select(func.count()).select_from(Case)) == ROWS - len(bad)
    imported = session.scalars(select(CaseEvent).where(CaseEvent.kind == "imported")).all()
    assert len(imported) == ROWS // 500
    assert {event.payload["import_id"] for event in imported} == {job["id"]}

    again = post(client, p360, body, system="p360").json()
    assert again["counts"] == {"created": 0, "updated": 0, "unchanged": ROWS - len(bad),
                               "error": len(bad)}  # fmt: skip
    again_errors = all_rows(client, p360, again["id"], outcome="error")
    assert [(row["row"], row["code"]) for row in again_errors] == bad
    print(f"\n{ROWS} rows: first import {took:.1f} s ({took / ROWS * 1000:.2f} ms a row)")


def test_every_row_has_its_result_in_order(client, world, p360):
    lines = [good(1), good(2), good(1, title="Andra gången"), good(3)]
    body = "\n".join(json.dumps(line) for line in lines).encode()
    job = post(client, p360, body, system="p360").json()
    rows = all_rows(client, p360, job["id"])
    assert [(r["row"], r["outcome"], r["external_id"]) for r in rows] == [
        (1, "created", "P-1"),
        (2, "created", "P-2"),
        (3, "updated", "P-1"),
        (4, "created", "P-3"),
    ]
    assert rows[2]["case_id"] == rows[0]["case_id"]
    page = client.get(f"/api/v1/imports/{job['id']}/rows?limit=3", headers=p360).json()
    assert [r["row"] for r in page["items"]] == [1, 2, 3]
    rest = client.get(page["next"], headers=p360).json()
    assert ([r["row"] for r in rest["items"]], rest["next"]) == ([4], None)


def test_a_malformed_line_in_the_middle_spoils_nothing(client, world, p360, session):
    body = b"\n".join(
        [
            json.dumps(good(1)).encode(),
            json.dumps(good(2)).encode(),
            b'{"external_id": "P-3", "title": "t", "problem"',
            b"",  # a blank line: no row, but counted
            b"\xff\xfe not utf-8",
            json.dumps(good(6)).encode(),
        ]
    )
    job = post(client, p360, body, system="p360").json()
    assert (job["status"], job["rows_read"], job["counts"]["created"]) == ("completed", 5, 3)
    rows = all_rows(client, p360, job["id"])
    assert [(r["row"], r["outcome"], r["code"]) for r in rows] == [
        (1, "created", None),
        (2, "created", None),
        (3, "error", "MALFORMED_JSON"),
        (5, "error", "NOT_UTF8"),
        (6, "created", None),
    ]
    assert session.scalar(select(func.count()).select_from(Case)) == 3


def test_a_row_names_its_system_or_takes_the_query_s(client, world, p360):
    body = "\n".join(
        [json.dumps(good(1)), json.dumps(good(1, system="ciceron")), json.dumps(good(2))]
    ).encode()
    without = post(client, p360, body).json()
    rows = all_rows(client, p360, without["id"])
    assert [(r["system"], r["outcome"], r["code"]) for r in rows] == [
        (None, "error", "SYSTEM_REQUIRED"),
        ("ciceron", "created", None),
        (None, "error", "SYSTEM_REQUIRED"),
    ]
    with_default = all_rows(client, p360, post(client, p360, body, system="p360").json()["id"])
    assert [(r["system"], r["outcome"]) for r in with_default] == [
        ("p360", "created"),
        ("ciceron", "unchanged"),
        ("p360", "created"),
    ]


def test_refused_rows_say_why_field_by_field(client, world, p360):
    body = json.dumps(good(1, unit="NOPE")).encode() + b"\n"
    job = post(client, p360, body, system="p360").json()
    [row] = all_rows(client, p360, job["id"])
    assert (row["code"], row["external_id"], row["errors"][0]["loc"]) == (
        "UNKNOWN_REFERENCE",
        "P-1",
        ["unit"],
    )
    assert row["message_sv"]


def test_an_empty_body_is_an_empty_import(client, world, p360):
    job = post(client, p360, b"", system="p360").json()
    assert (job["status"], job["rows_read"]) == ("completed", 0)


def test_only_ndjson_and_csv_are_read(client, world, p360, session):
    response = post(client, p360, b"{}", media={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["code"]) == (415, "UNSUPPORTED_MEDIA_TYPE")
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 0


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("integration key", 201, None),
        ("registrar", 201, None),
        ("cases:write key", 403, "SCOPE_REQUIRED"),
        ("case officer", 403, "REGISTRAR_REQUIRED"),
        ("anonymous", 401, "MISSING_CREDENTIALS"),
    ],
)
def test_who_may_import(client, world, session, who, status, code):
    headers = {
        "integration key": lambda: api_key(client, world, "integration"),
        "registrar": lambda: world.registrar,
        "cases:write key": lambda: api_key(client, world, "cases:write"),
        "case officer": lambda: world.officer,
        "anonymous": dict,
    }[who]()
    response = post(client, headers, json.dumps(good(1)).encode(), system="p360")
    assert response.status_code == status, response.text
    assert response.json().get("code") == code
    assert session.scalar(select(func.count()).select_from(Case)) == (status == 201)


def test_a_job_is_seen_by_its_key_and_by_registrars(client, world, p360):
    job = post(client, p360, json.dumps(good(1)).encode(), system="p360").json()
    other_key = api_key(client, world, "integration")
    for headers, status in ((p360, 200), (world.registrar, 200), (other_key, 404)):
        for path in ("", "/rows"):
            response = client.get(f"/api/v1/imports/{job['id']}{path}", headers=headers)
            assert response.status_code == status, (path, response.text)
    missing = client.get("/api/v1/imports/999999", headers=world.registrar)
    assert (missing.status_code, missing.json()["code"]) == (404, "IMPORT_NOT_FOUND")
    by_officer = client.get(f"/api/v1/imports/{job['id']}", headers=world.officer)
    assert (by_officer.status_code, by_officer.json()["code"]) == (403, "REGISTRAR_REQUIRED")


def test_a_confidential_row_needs_the_confidential_scope(client, world):
    plain = api_key(client, world, "integration")
    secret = {
        "confidential": True,
        "secrecy": {"provision": "OSL 26 kap. 1 §", "marked_on": "2026-01-15",
                    "marked_by": "Barn- och utbildningsnämnden"},
    }  # fmt: skip
    body = (json.dumps(good(1, **secret)) + "\n" + json.dumps(good(2))).encode()
    job = post(client, plain, body, system="p360").json()
    rows = all_rows(client, plain, job["id"])
    assert [(r["outcome"], r["code"]) for r in rows] == [
        ("error", "SCOPE_REQUIRED"),
        ("created", None),
    ]


def test_rows_of_one_import_are_filtered_by_outcome(client, world, p360):
    body = "\n".join([json.dumps(good(1)), "oops", json.dumps(good(2))]).encode()
    job = post(client, p360, body, system="p360").json()
    created = all_rows(client, p360, job["id"], outcome="created")
    assert [r["row"] for r in created] == [1, 3]
    bad = client.get(f"/api/v1/imports/{job['id']}/rows?outcome=fine", headers=p360)
    assert bad.status_code == 422


# Idempotency-Key: kept with the job (the middleware, which reads bodies whole, leaves imports be)


def keyed(headers, key="import-2026-11-28"):
    return headers | {"Idempotency-Key": key}


def test_a_retry_under_its_key_gets_the_same_import_back(client, world, p360, session):
    body = json.dumps(good(1)).encode()
    first = post(client, keyed(p360), body, system="p360")
    again = post(client, keyed(p360), body, system="p360")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotency-Replayed"] == "true"
    assert "Idempotency-Replayed" not in first.headers
    assert again.json() == first.json()
    assert again.headers["Location"] == first.headers["Location"]
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 1


@pytest.mark.parametrize(
    ("body", "system"),
    [(json.dumps(good(2)).encode(), "p360"), (json.dumps(good(1)).encode(), "ciceron")],
)
def test_the_key_with_another_file_or_query_is_refused(client, world, p360, session, body, system):
    post(client, keyed(p360), json.dumps(good(1)).encode(), system="p360")
    refused = post(client, keyed(p360), body, system=system)
    assert (refused.status_code, refused.json()["code"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    assert session.scalar(select(func.count()).select_from(ImportJob)) == 1


def test_keys_belong_to_their_credential(client, world, p360, session):
    body = json.dumps(good(1)).encode()
    post(client, keyed(p360), body, system="p360")
    other = post(client, keyed(world.registrar), body, system="p360")
    assert other.status_code == 201
    assert "Idempotency-Replayed" not in other.headers
    assert other.json()["counts"]["unchanged"] == 1


def import_marked(client, session, headers, status):
    body = json.dumps(good(1)).encode()
    job_id = post(client, keyed(headers), body, system="p360").json()["id"]
    session.get(ImportJob, job_id).status = status
    session.flush()
    return job_id, post(client, keyed(headers), body, system="p360")


def test_a_key_whose_import_still_runs_is_in_use(client, world, p360, session):
    _, retry = import_marked(client, session, p360, "running")
    assert (retry.status_code, retry.json()["code"]) == (409, "IDEMPOTENCY_KEY_IN_USE")


def test_a_key_whose_import_failed_is_taken_afresh(client, world, p360, session):
    job_id, retry = import_marked(client, session, p360, "failed")
    assert retry.status_code == 201, retry.text
    assert retry.json()["id"] != job_id
    assert "Idempotency-Replayed" not in retry.headers


def test_a_key_is_one_to_255_characters(client, world, p360):
    refused = post(client, keyed(p360, "x" * 256), b"", system="p360")
    assert (refused.status_code, refused.json()["code"]) == (400, "INVALID_IDEMPOTENCY_KEY")
