"""A case's documents (``/cases/{id}/documents``): references to what the diarium holds, never
the file. Registered by whoever may edit the case's registry metadata, each registration a
``document_registered`` event sealed into the case's hash chain; read by whoever may see the
case, and to anyone else a confidential case's documents are as missing as the case."""

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.service import verify
from app.auth.principal import PositionGrant, Principal
from app.cases.document_schemas import DocumentCreate
from app.cases.models import CaseDocument, CaseEvent
from app.cases.schemas import CaseCreate
from app.cases.service import documents, records
from app.db import make_sessionmaker, session_scope
from app.errors import Conflict
from app.kit.clock import today
from app.organisation.vocabulary import PositionRole
from tests.builders import (
    bearer,
    make_membership,
    make_organ,
    make_person,
    make_position,
    make_unit,
)
from tests.cases.conftest import CASE, SECRET

CHECKSUM = "sha256:" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
DOCUMENT = {
    "external_id": "P360-D-2026-000123",
    "title": "Tjänsteskrivelse om paviljong vid Norrskolan",
    "document_type": "tjänsteskrivelse",
    "direction": "internal",
    "registered_on": "2026-11-20",
    "checksum": CHECKSUM,
    "url": "https://p360.kommun.se/documents/D-2026-000123",
}
MISSING = 2_000_000_000
"""An id no case has; distinctive enough to swap for the real one in a response body."""


def register_case(client, headers, **fields) -> int:
    response = client.post("/api/v1/cases", json=CASE | fields, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def post(client, case_id, headers, **fields):
    return client.post(
        f"/api/v1/cases/{case_id}/documents", json=DOCUMENT | fields, headers=headers
    )


def written(session, case_id) -> tuple[int, int]:
    """How many documents and events the case has."""
    documents = select(func.count()).where(CaseDocument.case_id == case_id)
    events = select(func.count()).where(CaseEvent.case_id == case_id)
    return session.scalar(documents), session.scalar(events)


@pytest.fixture
def case_id(client, world) -> int:
    return register_case(client, world.registrar)


def test_register_list_and_get(client, world, case_id):
    response = post(client, case_id, world.registrar)
    assert response.status_code == 201, response.text
    document = response.json()
    assert document == DOCUMENT | {
        "id": document["id"],
        "case_id": case_id,
        "direction_label_sv": "upprättad",
        "created_at": document["created_at"],
        "created_by": {"person_id": document["created_by"]["person_id"], "api_key_id": None},
    }
    assert "ETag" not in response.headers
    location = response.headers["Location"]
    assert location.endswith(f"/api/v1/cases/{case_id}/documents/{document['id']}")
    assert client.get(location, headers=world.officer).json() == document
    listed = client.get(f"/api/v1/cases/{case_id}/documents", headers=world.officer).json()
    assert listed == {"items": [document], "next": None}


def test_the_list_pages_through_one_cases_documents_only(client, world, case_id):
    other = register_case(client, world.registrar)
    ids = [
        post(client, case_id, world.registrar, external_id=f"D-{n}").json()["id"] for n in range(3)
    ]
    assert post(client, other, world.registrar, external_id="D-9").status_code == 201
    first = client.get(f"/api/v1/cases/{case_id}/documents?limit=2", headers=world.officer)
    assert [d["id"] for d in first.json()["items"]] == ids[:2]
    second = client.get(first.json()["next"], headers=world.officer).json()
    assert ([d["id"] for d in second["items"]], second["next"]) == (ids[2:], None)


def test_a_bad_cursor_is_refused(client, world, case_id):
    response = client.get(f"/api/v1/cases/{case_id}/documents?cursor=nonsense", headers=world.head)
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_CURSOR")


@pytest.mark.parametrize(
    ("direction", "label"),
    [("incoming", "inkommande"), ("outgoing", "utgående"), ("internal", "upprättad")],
)
def test_each_direction_has_its_swedish_label(client, world, case_id, direction, label):
    response = post(client, case_id, world.registrar, direction=direction)
    assert response.status_code == 201, response.text
    assert (response.json()["direction"], response.json()["direction_label_sv"]) == (
        direction,
        label,
    )


def test_the_checksum_is_kept_in_lower_case_and_the_url_may_be_left_out(client, world, case_id):
    body = DOCUMENT | {"checksum": CHECKSUM.upper().replace("SHA256", "sha256")}
    del body["url"]
    response = client.post(f"/api/v1/cases/{case_id}/documents", json=body, headers=world.registrar)
    assert response.status_code == 201, response.text
    assert (response.json()["checksum"], response.json()["url"]) == (CHECKSUM, None)


def test_a_document_registered_today_is_accepted(client, world, case_id):
    response = post(client, case_id, world.registrar, registered_on=today().isoformat())
    assert response.status_code == 201, response.text


def _without(field):
    return {name: value for name, value in DOCUMENT.items() if name != field}


INVALID = [
    ({"checksum": "md5:" + "0" * 32}, "VALIDATION_FAILED", "checksum"),
    ({"checksum": "sha256:" + "0" * 63}, "VALIDATION_FAILED", "checksum"),
    ({"checksum": "sha256:" + "g" * 64}, "VALIDATION_FAILED", "checksum"),
    ({"checksum": "0" * 64}, "VALIDATION_FAILED", "checksum"),
    ({"direction": "inkommande"}, "VALIDATION_FAILED", "direction"),
    ({"direction": "sideways"}, "VALIDATION_FAILED", "direction"),
    ({"registered_on": "2026-02-30"}, "VALIDATION_FAILED", "registered_on"),
    ({"url": "ftp://p360.kommun.se/D-1"}, "VALIDATION_FAILED", "url"),
    ({"url": "javascript:alert(1)"}, "VALIDATION_FAILED", "url"),
    ({"url": "file:///srv/diarium/D-1.pdf"}, "VALIDATION_FAILED", "url"),
    ({"url": "https://user:secret@p360.kommun.se/D-1"}, "VALIDATION_FAILED", "url"),
    ({"url": "https://p360.kommun.se/" + "d" * 2048}, "VALIDATION_FAILED", "url"),
    ({"url": "https://p360.kommun.se/" + "å" * 1000}, "VALIDATION_FAILED", "url"),
    ({"title": "t" * 501}, "VALIDATION_FAILED", "title"),
    ({"title": "Två\nrader"}, "VALIDATION_FAILED", "title"),
    ({"external_id": "x" * 129}, "VALIDATION_FAILED", "external_id"),
    ({"external_id": "  "}, "VALIDATION_FAILED", "external_id"),
    ({"document_type": "t" * 65}, "VALIDATION_FAILED", "document_type"),
    ({"file": "JVBERi0xLjcK"}, "VALIDATION_FAILED", "file"),
]
MISSING_FIELDS = [
    (_without(field), "VALIDATION_FAILED", field)
    for field in ("external_id", "title", "document_type", "direction", "registered_on", "checksum")
]


@pytest.mark.parametrize(("fields", "code", "field"), INVALID)
def test_invalid_documents_are_refused_and_write_nothing(
    client, world, session, case_id, fields, code, field
):
    before = written(session, case_id)
    response = post(client, case_id, world.registrar, **fields)
    assert (response.status_code, response.json()["code"]) == (422, code), response.text
    assert ["body", field] in [error["loc"] for error in response.json()["errors"]]
    assert written(session, case_id) == before


def test_a_document_registered_after_today_is_refused_and_writes_nothing(
    client, world, session, case_id
):
    before = written(session, case_id)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    response = post(client, case_id, world.registrar, registered_on=tomorrow)
    assert (response.status_code, response.json()["code"]) == (422, "DOCUMENT_DATE_IN_FUTURE")
    assert response.json()["detail_sv"].startswith("En handling kan inte ha registrerats")
    assert [error["loc"] for error in response.json()["errors"]] == [["body", "registered_on"]]
    assert written(session, case_id) == before


@pytest.mark.parametrize(("body", "code", "field"), MISSING_FIELDS)
def test_missing_fields_are_refused_and_write_nothing(
    client, world, session, case_id, body, code, field
):
    before = written(session, case_id)
    response = client.post(f"/api/v1/cases/{case_id}/documents", json=body, headers=world.registrar)
    assert (response.status_code, response.json()["code"]) == (422, code), response.text
    assert [error["loc"] for error in response.json()["errors"]] == [["body", field]]
    assert written(session, case_id) == before


def test_a_second_reference_to_the_same_diarium_document_names_the_first(
    client, world, session, case_id
):
    first = post(client, case_id, world.registrar).json()
    before = written(session, case_id)
    again = post(client, case_id, world.secretary, title="Samma handling, ny titel")
    assert again.status_code == 409
    assert again.json()["code"] == "DOCUMENT_ALREADY_REGISTERED"
    assert (again.json()["document_id"], again.json()["external_id"]) == (
        first["id"],
        DOCUMENT["external_id"],
    )
    assert written(session, case_id) == before
    other = register_case(client, world.registrar)
    assert post(client, other, world.registrar).status_code == 201


def test_a_retry_with_an_idempotency_key_gets_the_first_answer(client, world, session, case_id):
    headers = world.registrar | {"Idempotency-Key": "doc-1"}
    first = post(client, case_id, headers)
    again = post(client, case_id, headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    assert written(session, case_id) == (1, 2)


def test_a_document_is_found_only_under_its_own_case(client, world, case_id):
    document_id = post(client, case_id, world.registrar).json()["id"]
    other = register_case(client, world.registrar)
    for path in (
        f"/cases/{other}/documents/{document_id}",
        f"/cases/{case_id}/documents/{MISSING}",
    ):
        response = client.get(f"/api/v1{path}", headers=world.registrar)
        assert (response.status_code, response.json()["code"]) == (404, "DOCUMENT_NOT_FOUND")
    absent = client.get(f"/api/v1/cases/{MISSING}/documents", headers=world.registrar)
    assert (absent.status_code, absent.json()["code"]) == (404, "CASE_NOT_FOUND")


# Who may: the case's editors register, anyone who sees the case reads.


def _key(client, world, scopes):
    created = client.post(
        "/api/v1/api-keys", json={"name": "P360", "scopes": scopes}, headers=world.registrar
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['key']}"}


@pytest.fixture
def callers(client, world, session, settings) -> dict[str, dict[str, str]]:
    make_unit(session, code="SOC", name="Socialförvaltningen")
    official = make_person(session)
    make_position(session, person_id=official.id, unit="SOC", role="head_of_administration")
    member = make_membership(session, organ="BUN", role="member").person
    session.commit()
    return {
        "registrar": world.registrar,
        "secretary": world.secretary,
        "chair": world.chair,
        "head": world.head,
        "manager": world.manager,
        "case_officer": world.officer,
        "member_of_the_organ": bearer(settings, member.username),
        "unrelated_official": bearer(settings, official.username),
        "key_cases_write": _key(client, world, ["cases:write"]),
        "key_integration": _key(client, world, ["integration"]),
        "key_cases_read": _key(client, world, ["cases:read"]),
        "key_admin_only": _key(client, world, ["admin"]),
        "key_confidential": _key(client, world, ["cases:write", "cases:confidential"]),
    }


EDITORS = [
    "registrar",
    "secretary",
    "chair",
    "head",
    "manager",
    "case_officer",
    "key_cases_write",
    "key_integration",
]
REFUSED = [
    ("member_of_the_organ", "NOT_CASE_EDITOR"),
    ("unrelated_official", "NOT_CASE_EDITOR"),
    ("key_cases_read", "SCOPE_REQUIRED"),
    ("key_admin_only", "SCOPE_REQUIRED"),
]
READERS = [*EDITORS, "member_of_the_organ", "unrelated_official", "key_cases_read"]


@pytest.mark.parametrize("caller", EDITORS)
def test_the_cases_editors_register_documents(client, callers, session, case_id, caller):
    response = post(client, case_id, callers[caller])
    assert response.status_code == 201, response.text
    assert written(session, case_id) == (1, 2)


@pytest.mark.parametrize(("caller", "code"), REFUSED)
def test_others_may_not_register_documents(client, callers, session, case_id, caller, code):
    before = written(session, case_id)
    response = post(client, case_id, callers[caller])
    assert (response.status_code, response.json()["code"]) == (403, code), response.text
    assert written(session, case_id) == before


@pytest.mark.parametrize("caller", READERS)
def test_whoever_may_read_the_case_reads_its_documents(client, world, callers, case_id, caller):
    document = post(client, case_id, world.registrar).json()
    base = f"/api/v1/cases/{case_id}/documents"
    assert client.get(base, headers=callers[caller]).json()["items"] == [document]
    assert client.get(f"{base}/{document['id']}", headers=callers[caller]).json() == document


def test_a_key_that_may_not_read_cases_reads_no_documents(client, world, callers, case_id):
    document_id = post(client, case_id, world.registrar).json()["id"]
    base = f"/api/v1/cases/{case_id}/documents"
    for path in (base, f"{base}/{document_id}"):
        response = client.get(path, headers=callers["key_admin_only"])
        assert (response.status_code, response.json()["code"]) == (403, "SCOPE_REQUIRED")


def test_a_recused_person_may_not_register_documents(client, world, session, case_id):
    declared = client.post(
        f"/api/v1/cases/{case_id}/recusals",
        json={"ground": 1, "reason": "Närstående"},
        headers=world.officer,
    )
    assert declared.status_code == 201, declared.text
    before = written(session, case_id)
    response = post(client, case_id, world.officer)
    assert (response.status_code, response.json()["code"]) == (403, "RECUSED")
    assert written(session, case_id) == before


# Confidential cases: to those who may not see the case, its documents do not exist either.


@pytest.fixture
def secret(client, world) -> tuple[int, int]:
    """A confidential case of BUN and UTB-GRU with one document: the ids of both."""
    case = register_case(client, world.registrar, **SECRET)
    document = post(client, case, world.registrar)
    assert document.status_code == 201, document.text
    return case, document.json()["id"]


PROBES = [
    ("GET", "/api/v1/cases/{case}/documents", None),
    ("GET", "/api/v1/cases/{case}/documents/{document}", None),
    ("POST", "/api/v1/cases/{case}/documents", DOCUMENT | {"external_id": "D-2"}),
]


def as_if_missing(client, headers, method, path, body, case_id):
    """What the caller is told for ``path`` of a case that does not exist, ``case_id`` standing
    in for the missing id."""
    missing = client.request(method, path.format(case=MISSING), json=body, headers=headers)
    return missing.status_code, json.loads(missing.text.replace(str(MISSING), str(case_id)))


@pytest.mark.parametrize(("method", "probe", "body"), PROBES)
@pytest.mark.parametrize("caller", ["unrelated_official", "key_cases_write", "key_integration"])
def test_to_outsiders_a_confidential_cases_documents_do_not_exist(
    client, callers, session, secret, caller, method, probe, body
):
    case, document = secret
    path = probe.replace("{document}", str(document))
    before = written(session, case)
    response = client.request(method, path.format(case=case), json=body, headers=callers[caller])
    assert (response.status_code, response.json()["code"]) == (404, "CASE_NOT_FOUND")
    expected = as_if_missing(client, callers[caller], method, path, body, case)
    assert (response.status_code, response.json()) == expected
    assert written(session, case) == before


@pytest.mark.parametrize("caller", ["chair", "case_officer", "key_confidential"])
def test_those_who_see_a_confidential_case_see_and_register_its_documents(
    client, callers, secret, caller
):
    case, document = secret
    headers = callers[caller]
    listed = client.get(f"/api/v1/cases/{case}/documents", headers=headers)
    assert [d["id"] for d in listed.json()["items"]] == [document]
    got = client.get(f"/api/v1/cases/{case}/documents/{document}", headers=headers)
    assert got.status_code == 200, got.text
    assert post(client, case, headers, external_id="D-2").status_code == 201


# The trail.


def test_registration_is_an_event_in_the_cases_sealed_history(client, world, session, case_id):
    document = post(client, case_id, world.secretary).json()
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=world.registrar).json()
    assert [event["kind"] for event in events] == ["registered", "document_registered"]
    assert events[-1]["payload"] == {
        "document_id": document["id"],
        "external_id": DOCUMENT["external_id"],
        "title": DOCUMENT["title"],
        "document_type": DOCUMENT["document_type"],
        "direction": "internal",
        "registered_on": DOCUMENT["registered_on"],
        "checksum": CHECKSUM,
        "url": DOCUMENT["url"],
    }
    assert events[-1]["actor"]["person_id"] == document["created_by"]["person_id"]
    report = client.get(f"/api/v1/audit/verify?case={case_id}", headers=world.registrar).json()
    assert report == {"ok": True, "cases_checked": 1, "events_checked": 2, "broken": []}
    assert verify(session, case_id).ok


def test_registering_a_document_changes_the_cases_etag(client, world, case_id):
    before = client.get(f"/api/v1/cases/{case_id}", headers=world.registrar).headers["ETag"]
    assert post(client, case_id, world.registrar).status_code == 201
    after = client.get(f"/api/v1/cases/{case_id}", headers=world.registrar).headers["ETag"]
    assert after != before


# Concurrency: an integrator's retries racing each other, with real threads on PostgreSQL.

RACERS = 8


def test_racing_registrations_of_one_document_make_one_reference(postgres_engine):
    factory = make_sessionmaker(postgres_engine)
    with session_scope(factory) as session:
        make_organ(session, code="BUN")
        person = make_person(session)
        registrar = Principal(
            person_id=person.id,
            username=person.username,
            person_kind=person.kind,
            positions=(PositionGrant(1, "KANSLI", PositionRole.registrar),),
        )
        data = CaseCreate(title="t", problem="p", organ="BUN")
        case_id = records.register(session, registrar, data).id
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []

    def register() -> None:
        try:
            with session_scope(factory) as session:
                barrier.wait(timeout=10)
                documents.register(session, registrar, case_id, DocumentCreate(**DOCUMENT))
            outcomes.append("registered")
        except Conflict as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=register) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["DOCUMENT_ALREADY_REGISTERED"] * (RACERS - 1) + ["registered"]
    with session_scope(factory) as session:
        assert written(session, case_id) == (1, 2)
        assert verify(session, case_id).ok
