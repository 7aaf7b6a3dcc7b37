"""PUT /api/v1/integrations/{system}/cases/{external_id}: a diarium creates a case by its own
reference (201), updates its registry metadata as PATCH would (200, each change an event), or
repeats what the case already says (200, no event); never moves its state, never its organ.
The mapping is read both ways. Who may: an integration key or a registrar, no one else."""

import pytest

from app.cases.models import Case
from tests.builders import bearer, make_organ
from tests.cases.test_authority_api import events
from tests.integrations.conftest import CASE, SECRET, api_key, put


def history(client, headers, case_id):
    return client.get(f"/api/v1/cases/{case_id}/events", headers=headers).json()


def test_an_unknown_reference_registers_the_case(client, world, p360):
    response = put(client, p360, "P360-2026-0017")
    assert response.status_code == 201, response.text
    body = response.json()
    case_id = body["case"]["id"]
    assert body["outcome"] == "created"
    assert response.headers["Location"] == f"http://testserver/api/v1/cases/{case_id}"
    assert response.headers["ETag"] == '"1"'
    assert body["reference"] | {"created_at": None} == {
        "system": "p360",
        "external_id": "P360-2026-0017",
        "case_id": case_id,
        "diary_number": body["case"]["diary_number"],
        "import_id": None,
        "created_at": None,
        "created_by": {
            "person_id": None,
            "api_key_id": body["reference"]["created_by"]["api_key_id"],
        },
    }
    assert body["case"]["state"] == "proposed"
    [registered] = history(client, p360, case_id)
    assert registered["kind"] == "registered"
    assert registered["payload"]["source"] == {
        "system": "p360",
        "external_id": "P360-2026-0017",
        "import_id": None,
    }


def test_the_same_body_again_changes_nothing(client, world, p360, session):
    created = put(client, p360)
    case_id = created.json()["case"]["id"]
    before = events(session, case_id)
    again = put(client, p360)
    assert again.status_code == 200
    assert (again.json()["outcome"], again.json()["changed"]) == ("unchanged", [])
    assert again.headers["ETag"] == created.headers["ETag"]
    assert events(session, case_id) == before
    assert "Location" not in again.headers


def test_a_changed_body_is_an_update_with_before_and_after(client, world, p360, session):
    case_id = put(client, p360).json()["case"]["id"]
    response = put(client, p360, title="Ny paviljong", unit="UTB", description="Från P360")
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "updated"
    assert sorted(response.json()["changed"]) == ["description", "title", "unit"]
    assert response.headers["ETag"] == '"2"'
    event = history(client, p360, case_id)[-1]
    assert event["kind"] == "updated"
    assert event["payload"]["changes"] == {
        "title": {"before": CASE["title"], "after": "Ny paviljong"},
        "description": {"before": None, "after": "Från P360"},
        "unit": {"before": "UTB-GRU", "after": "UTB"},
    }
    assert events(session, case_id) == 2


def test_fields_left_out_stay_as_they_are(client, world, p360):
    put(client, p360, description="Beskrivning", estimated_cost_sek=5)
    body = {key: CASE[key] for key in ("title", "problem", "organ")}
    response = client.put("/api/v1/integrations/p360/cases/P-1", json=body, headers=p360)
    assert response.json()["outcome"] == "unchanged"
    assert (response.json()["case"]["description"], response.json()["case"]["unit"]) == (
        "Beskrivning",
        "UTB-GRU",
    )


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"organ": "SN"}, 409, "ORGAN_CHANGE_NOT_ALLOWED"),
        ({"diary_number": "BUN 2025/7"}, 409, "DIARY_NUMBER_CHANGE_NOT_ALLOWED"),
        ({"state": "valuation"}, 409, "STATE_CHANGE_NOT_ALLOWED"),
        ({"problem": "Något annat"}, 409, "FIELD_NOT_UPDATABLE"),
        ({"origin": "motion"}, 409, "FIELD_NOT_UPDATABLE"),
        ({"unit": "NOPE"}, 422, "UNKNOWN_REFERENCE"),
        ({"flags": ["of_principle"]}, 403, "FLAG_CHANGE_NOT_ALLOWED"),
    ],
)
def test_what_an_upsert_may_not_change_is_refused_and_changes_nothing(
    client, world, p360, session, change, status, code
):
    make_organ(session, code="SN")
    created = put(client, p360).json()
    refused = put(client, p360, title="Ändrad", **change)
    assert (refused.status_code, refused.json()["code"]) == (status, code)
    current = client.get(f"/api/v1/cases/{created['case']['id']}", headers=p360).json()
    assert current == created["case"]
    assert events(session, created["case"]["id"]) == 1


def test_the_state_the_case_is_in_may_be_repeated(client, world, p360):
    put(client, p360)
    assert put(client, p360, state="proposed").json()["outcome"] == "unchanged"


def test_the_mapping_is_read_both_ways(client, world, p360):
    case = put(client, p360, "ÄR/2026:5").json()["case"]
    put(client, p360, "other")
    by_reference = client.get("/api/v1/integrations/p360/cases/%C3%84R%2F2026%3A5", headers=p360)
    assert by_reference.status_code == 200, by_reference.text
    assert by_reference.json()["case"] == case
    assert by_reference.json()["reference"]["external_id"] == "ÄR/2026:5"
    assert by_reference.headers["ETag"] == '"1"'
    references = client.get(f"/api/v1/cases/{case['id']}/external-references", headers=p360)
    assert [(r["system"], r["external_id"], r["diary_number"]) for r in references.json()] == [
        ("p360", "ÄR/2026:5", case["diary_number"])
    ]
    by_officer = client.get(
        f"/api/v1/cases/{case['id']}/external-references", headers=world.officer
    )
    assert by_officer.json() == references.json()


def test_an_unknown_reference_is_404_to_read(client, world, p360):
    put(client, p360, "P-1")
    for path in ("ciceron/cases/P-1", "p360/cases/P-2"):
        response = client.get(f"/api/v1/integrations/{path}", headers=p360)
        assert (response.status_code, response.json()["code"]) == (
            404,
            "EXTERNAL_REFERENCE_NOT_FOUND",
        )


def test_each_system_has_its_own_references(client, world, p360):
    first = put(client, p360, "17").json()
    second = put(client, p360, "17", system="ciceron").json()
    assert first["case"]["id"] != second["case"]["id"]
    assert second["outcome"] == "created"


@pytest.mark.parametrize("system", ["P360", "p 360", "3d", "-x", "a" * 33])
def test_the_system_is_a_short_lowercase_slug(client, world, p360, system):
    response = put(client, p360, system=system)
    assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_FAILED")


def test_if_match_guards_the_update(client, world, p360):
    put(client, p360)
    stale = client.put(
        "/api/v1/integrations/p360/cases/P-1",
        json=CASE | {"title": "x"},
        headers=p360 | {"If-Match": '"7"'},
    )
    assert (stale.status_code, stale.json()["code"]) == (412, "PRECONDITION_FAILED")
    unknown = client.put(
        "/api/v1/integrations/p360/cases/P-2", json=CASE, headers=p360 | {"If-Match": '"1"'}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (412, "PRECONDITION_FAILED")
    fresh = client.put(
        "/api/v1/integrations/p360/cases/P-1",
        json=CASE | {"title": "x"},
        headers=p360 | {"If-Match": '"1"'},
    )
    assert fresh.status_code == 200


def test_an_imported_diary_number_is_kept_and_the_series_continues(client, world, p360):
    assert put(client, p360, diary_number="BUN 2026/41").json()["case"]["diary_number"] == (
        "BUN 2026/41"
    )
    assert put(client, p360, "P-2").json()["case"]["diary_number"] == "BUN 2026/42"
    taken = put(client, p360, "P-3", diary_number="BUN 2026/41")
    assert (taken.status_code, taken.json()["code"]) == (409, "DIARY_NUMBER_TAKEN")
    assert client.get("/api/v1/integrations/p360/cases/P-3", headers=p360).status_code == 404


# Confidential cases


def test_a_confidential_case_needs_the_confidential_scope(client, world, p360, session):
    plain_key = api_key(client, world, "integration")
    refused = put(client, plain_key, "S-1", **SECRET)
    assert (refused.status_code, refused.json()["code"]) == (403, "SCOPE_REQUIRED")
    assert session.query(Case).count() == 0

    created = put(client, p360, "S-1", **SECRET)
    assert created.status_code == 201, created.text
    case_id = created.json()["case"]["id"]
    for attempt in (
        put(client, plain_key, "S-1", **SECRET, title="Ändrad"),
        client.get("/api/v1/integrations/p360/cases/S-1", headers=plain_key),
    ):
        assert (attempt.status_code, attempt.json()["code"]) == (
            404,
            "EXTERNAL_REFERENCE_NOT_FOUND",
        )
    hidden = client.get(f"/api/v1/cases/{case_id}/external-references", headers=plain_key)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "CASE_NOT_FOUND")
    assert put(client, p360, "S-1", **SECRET).json()["outcome"] == "unchanged"
    assert events(session, case_id) == 1


# Who may


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("integration key", 201, None),
        ("registrar", 201, None),
        ("cases:write key", 403, "SCOPE_REQUIRED"),
        ("case officer", 403, "REGISTRAR_REQUIRED"),
        ("head of administration", 403, "REGISTRAR_REQUIRED"),
        ("anonymous", 401, "MISSING_CREDENTIALS"),
    ],
)
def test_who_may_upsert(client, world, session, who, status, code):
    headers = {
        "integration key": lambda: api_key(client, world, "integration"),
        "registrar": lambda: world.registrar,
        "cases:write key": lambda: api_key(client, world, "cases:write", "cases:read"),
        "case officer": lambda: world.officer,
        "head of administration": lambda: world.head,
        "anonymous": dict,
    }[who]()
    response = put(client, headers)
    assert response.status_code == status, response.text
    assert response.json().get("code") == code
    assert session.query(Case).count() == (1 if status == 201 else 0)


def test_a_registrar_acts_as_a_person_in_the_trail(client, world, settings, session):
    case_id = put(client, world.registrar).json()["case"]["id"]
    [registered] = history(client, world.registrar, case_id)
    assert registered["actor"]["person_id"] is not None
    assert registered["actor"]["api_key_id"] is None
    other = bearer(settings, "nobody-registered")
    assert put(client, other).status_code == 401
