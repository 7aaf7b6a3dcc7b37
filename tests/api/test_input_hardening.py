"""Input a client can send by mistake or malice is a clear 4xx, never a 500, and writes nothing."""

import base64
import json

import pytest
from sqlalchemy import func, select

from app.organisation.models import Organ, Person
from tests.builders import bearer, make_organ, make_person, make_registrar, make_unit


@pytest.fixture
def admin(session, settings):
    registrar = make_registrar(session)
    session.commit()
    return bearer(settings, registrar.username)


def people_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Person))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people/99999999999999999999",
        "/api/v1/people/0",
        "/api/v1/api-keys/99999999999999999999",
        "/api/v1/memberships/99999999999999999999",
        "/api/v1/positions/-1",
        "/api/v1/memberships?person_id=99999999999999999999",
    ],
)
def test_out_of_range_ids_are_422(client, admin, url):
    response = client.get(url, headers=admin)
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_FAILED"


def test_out_of_range_id_in_a_body_is_422(client, session, admin):
    before = people_count(session)
    body = {"person_id": 10**20, "organ": "BUN", "role": "member"}
    response = client.post("/api/v1/memberships", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "person_id"]
    assert people_count(session) == before


def test_cursor_beyond_any_id_is_400(client, admin):
    cursor = base64.urlsafe_b64encode(json.dumps({"after": 10**30}).encode()).decode()
    response = client.get(f"/api/v1/organs?cursor={cursor}", headers=admin)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_CURSOR"


@pytest.mark.parametrize(
    "url", ["/api/v1/organs/BU%00N", "/api/v1/people?name=a%00b", "/api/v1/units?parent=%00"]
)
def test_nul_bytes_in_the_url_are_400(client, admin, url):
    response = client.get(url, headers=admin)
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_CHARACTERS"


def test_nul_bytes_in_a_body_are_422(client, session, admin):
    before = people_count(session)
    body = {"username": "a\u0000b", "name": "Anna\u0000", "kind": "employee"}
    response = client.post("/api/v1/people", json=body, headers=admin)
    assert response.status_code == 422
    assert {tuple(e["loc"]) for e in response.json()["errors"]} == {
        ("body", "username"),
        ("body", "name"),
    }
    assert people_count(session) == before


def test_a_form_body_gets_415_with_a_hint(client, session, admin):
    before = people_count(session)
    response = client.post(
        "/api/v1/people",
        data={"username": "kim", "name": "Kim", "kind": "employee"},
        headers=admin,
    )
    assert response.status_code == 415
    assert "Content-Type: application/json" in response.json()["detail"]
    assert people_count(session) == before


def test_wildcards_in_the_name_filter_match_themselves(client, session, admin):
    make_person(session, username="p1", name="Anna 100% Berg")
    make_person(session, username="p2", name="Bo Ek")
    session.commit()
    found = client.get("/api/v1/people", params={"name": "%"}, headers=admin).json()["items"]
    assert [p["username"] for p in found] == ["p1"]
    underscore = client.get("/api/v1/people", params={"name": "_"}, headers=admin)
    assert underscore.json()["items"] == []


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/organs/BUN", {"name": None}),
        ("/api/v1/organs/BUN", {"seats": None}),
        ("/api/v1/units/UTB", {"serves": None}),
        ("/api/v1/people/{person}", {"username": None}),
    ],
)
def test_null_for_a_required_field_is_422_not_ignored(client, session, admin, path, body):
    make_organ(session, code="BUN")
    make_unit(session, code="UTB")
    person = make_person(session)
    session.commit()
    response = client.patch(path.format(person=person.id), json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", next(iter(body))]


def test_null_clears_a_clearable_field(client, session, admin):
    person = make_person(session, email="a@exempel.se")
    session.commit()
    response = client.patch(f"/api/v1/people/{person.id}", json={"email": None}, headers=admin)
    assert response.status_code == 200
    assert response.json()["email"] is None


@pytest.mark.parametrize(
    ("path", "body", "location"),
    [
        (
            "/api/v1/organs",
            {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": 11},
            "/api/v1/organs/SN",
        ),
        (
            "/api/v1/people",
            {"username": "kim", "name": "Kim", "kind": "employee"},
            "/api/v1/people/{id}",
        ),
    ],
)
def test_created_resources_have_a_location(client, admin, path, body, location):
    response = client.post(path, json=body, headers=admin)
    assert response.status_code == 201
    expected = location.format(id=response.json()["id"])
    assert response.headers["location"] == f"http://testserver{expected}"
    assert client.get(response.headers["location"], headers=admin).json() == response.json()


def test_organ_count_unchanged_by_refusals(client, session, admin):
    """A sweep of refused organ creations leaves the table as it was."""
    before = session.scalar(select(func.count()).select_from(Organ))
    bodies = [
        {"code": "x y", "name": "n", "kind": "committee", "seats": 1},
        {"code": "SN", "name": "", "kind": "committee", "seats": 1},
        {"code": "SN", "name": "n", "kind": "committee", "seats": 10**9},
        {"code": "SN", "name": "n", "kind": "sub_committee", "seats": 1},
    ]
    statuses = [client.post("/api/v1/organs", json=b, headers=admin).status_code for b in bodies]
    assert statuses == [422, 422, 422, 422]
    assert session.scalar(select(func.count()).select_from(Organ)) == before
