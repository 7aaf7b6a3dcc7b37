"""PATCH /api/v1/cases/{id}: registry metadata and flags edited by whoever keeps or prepares the
case, each change an event with before and after, guarded by the ETag; flags that reserve the
decision to the organ set by the head of administration or the chair, lifted by the chair."""

import pytest

from tests.builders import bearer, make_person, make_position, make_unit
from tests.cases.conftest import CASE
from tests.cases.test_authority_api import events


def register(client, world, **overrides):
    response = client.post("/api/v1/cases", json=CASE | overrides, headers=world.registrar)
    assert response.status_code == 201, response.text
    return response.json()["id"], response.headers["ETag"]


def patch(client, case_id, body, headers, etag=None):
    extra = {"If-Match": etag} if etag else {}
    return client.patch(f"/api/v1/cases/{case_id}", json=body, headers=headers | extra)


def last_event(client, world, case_id):
    return client.get(f"/api/v1/cases/{case_id}/events", headers=world.registrar).json()[-1]


def test_each_change_is_an_event_with_before_and_after(client, world, session):
    case_id, etag = register(client, world)
    response = patch(
        client,
        case_id,
        {"title": "Ny paviljong", "estimated_cost_sek": 2_600_000},
        world.officer,
        etag,
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Ny paviljong"
    assert response.headers["ETag"] != etag
    event = last_event(client, world, case_id)
    assert event["kind"] == "updated"
    assert event["payload"]["changes"] == {
        "title": {"before": CASE["title"], "after": "Ny paviljong"},
        "estimated_cost_sek": {"before": 2_400_000, "after": 2_600_000},
    }
    before = events(session, case_id)
    same = patch(client, case_id, {"title": "Ny paviljong"}, world.officer)
    assert same.status_code == 200
    assert same.headers["ETag"] == response.headers["ETag"]
    assert events(session, case_id) == before


def test_a_stale_etag_changes_nothing(client, world, session):
    case_id, etag = register(client, world)
    assert patch(client, case_id, {"title": "Första"}, world.officer, etag).status_code == 200
    before = events(session, case_id)
    stale = patch(client, case_id, {"title": "Andra"}, world.officer, etag)
    assert (stale.status_code, stale.json()["code"]) == (412, "PRECONDITION_FAILED")
    assert events(session, case_id) == before
    current = client.get(f"/api/v1/cases/{case_id}", headers=world.officer).json()
    assert current["title"] == "Första"
    garbled = patch(client, case_id, {"title": "Andra"}, world.officer, "nonsense")
    assert (garbled.status_code, garbled.json()["code"]) == (400, "INVALID_IF_MATCH")


@pytest.fixture
def outsider(session, settings):
    make_unit(session, code="SOC", name="Socialförvaltningen")
    person = make_person(session)
    make_position(session, person_id=person.id, unit="SOC", role="head_of_administration")
    session.commit()
    return bearer(settings, person.username)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("registrar", 200),
        ("secretary", 200),
        ("chair", 200),
        ("head", 200),
        ("manager", 200),
        ("officer", 200),
        ("outsider", 403),
    ],
)
def test_who_edits_the_metadata(client, world, session, outsider, who, status):
    case_id, _ = register(client, world)
    headers = outsider if who == "outsider" else getattr(world, who)
    before = events(session, case_id)
    response = patch(client, case_id, {"description": "Utökad beskrivning"}, headers)
    assert response.status_code == status, response.text
    if status == 403:
        assert response.json()["code"] == "NOT_CASE_EDITOR"
        assert events(session, case_id) == before


def _key(client, world, scopes):
    created = client.post(
        "/api/v1/api-keys", json={"name": "P360", "scopes": scopes}, headers=world.registrar
    )
    return {"Authorization": f"Bearer {created.json()['key']}"}


def test_an_integration_key_edits_metadata_but_never_the_flags_that_decide(client, world):
    case_id, _ = register(client, world)
    writer = _key(client, world, ["cases:write"])
    assert patch(client, case_id, {"title": "Från diariet"}, writer).status_code == 200
    flagged = patch(client, case_id, {"flags": ["of_principle"]}, writer)
    assert (flagged.status_code, flagged.json()["code"]) == (403, "FLAG_CHANGE_NOT_ALLOWED")
    reader = _key(client, world, ["cases:read"])
    assert patch(client, case_id, {"title": "x"}, reader).status_code == 403


@pytest.mark.parametrize(
    ("who", "start", "end", "status"),
    [
        ("head", [], ["of_principle"], 200),
        ("head", ["of_principle"], [], 403),
        ("chair", ["of_principle"], [], 200),
        ("chair", [], ["goals_direction_scope_quality"], 200),
        ("officer", [], ["of_principle"], 403),
        ("secretary", ["council_reserved"], [], 403),
        ("officer", [], ["procurement"], 200),
    ],
)
def test_flags_that_reserve_the_decision(client, world, session, who, start, end, status):
    case_id, _ = register(client, world, flags=start)
    before = events(session, case_id)
    response = patch(client, case_id, {"flags": end}, getattr(world, who))
    assert response.status_code == status, response.text
    if status == 200:
        assert response.json()["flags"] == end
        assert last_event(client, world, case_id)["payload"]["changes"]["flags"] == {
            "before": start,
            "after": end,
        }
    else:
        assert response.json()["code"] == "FLAG_CHANGE_NOT_ALLOWED"
        assert events(session, case_id) == before


def test_a_flag_set_on_the_operational_route_hands_the_case_to_the_organ(client, world):
    case_id, _ = register(client, world)
    world.step(client, case_id, "triage", {"route": "operational", "motivation": "Rutin"})
    response = patch(client, case_id, {"flags": ["goals_direction_scope_quality"]}, world.chair)
    assert response.status_code == 200, response.text
    assert response.json()["route"] == "political"
    changes = last_event(client, world, case_id)["payload"]["changes"]
    assert changes["route"] == {"before": "operational", "after": "political"}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": None}, 422, "VALIDATION_FAILED"),
        ({"unit": "NOPE"}, 422, "UNKNOWN_REFERENCE"),
        ({"state": "closed"}, 422, "VALIDATION_FAILED"),
        ({"estimated_cost_sek": -1}, 422, "VALIDATION_FAILED"),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(client, world, session, body, status, code):
    case_id, _ = register(client, world)
    before = events(session, case_id)
    response = patch(client, case_id, body, world.registrar)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert events(session, case_id) == before


def test_clearing_the_unit_and_the_price_tag(client, world):
    case_id, _ = register(client, world)
    response = patch(client, case_id, {"unit": None, "estimated_cost_sek": None}, world.registrar)
    assert response.status_code == 200, response.text
    assert (response.json()["unit"], response.json()["estimated_cost_sek"]) == (None, None)


def test_a_recused_person_cannot_edit(client, world):
    case_id, _ = register(client, world)
    declared = client.post(
        f"/api/v1/cases/{case_id}/recusals",
        json={"ground": 1, "reason": "Närstående"},
        headers=world.officer,
    )
    assert declared.status_code == 201, declared.text
    response = patch(client, case_id, {"title": "Jävigt"}, world.officer)
    assert (response.status_code, response.json()["code"]) == (403, "RECUSED")
