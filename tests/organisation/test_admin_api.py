"""Every admin endpoint: happy path, 401 without credentials, 403 for a non-admin, 404 for an
unknown resource, 422 for a bad body — and a refused request changes nothing."""

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from app.organisation.models import Membership, Organ, Person, Position, Unit


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # formatted with the Org fixture's attributes
    body: dict[str, Any] | None
    bad_body: dict[str, Any] | None
    admin_only: bool
    ok: int
    missing: str | None  # the path with an unknown id/code, when the endpoint has one
    expect: dict[str, Any] | None = None  # what the response body must then show

    def url(self, org) -> str:
        return self.path.format(org=org)


def render(body: dict[str, Any] | None, org) -> dict[str, Any] | None:
    """Fill the fixture's ids into a body template ("{org.elected.id}" becomes an int)."""
    if body is None:
        return None
    return {
        key: int(value.format(org=org)) if isinstance(value, str) and "{" in value else value
        for key, value in body.items()
    }


# fmt: off
ENDPOINTS = [
    Endpoint("GET", "/api/v1/organs", None, None, False, 200, None),
    Endpoint("POST", "/api/v1/organs",
             {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": 11},
             {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": 0},
             True, 201, None,
             expect={"code": "SN", "kind_label_sv": "nämnd", "valid_to": None}),
    Endpoint("GET", "/api/v1/organs/BUN", None, None, False, 200, "/api/v1/organs/NOPE",
             expect={"code": "BUN", "seats": 11}),
    Endpoint("PATCH", "/api/v1/organs/BUN", {"name": "BUN ny"}, {"seats": "many"},
             True, 200, "/api/v1/organs/NOPE", expect={"name": "BUN ny", "seats": 11}),
    Endpoint("POST", "/api/v1/organs/BUN/end", {"valid_to": "2026-12-31"},
             {"valid_to": "not a date"}, True, 200, "/api/v1/organs/NOPE/end",
             expect={"valid_to": "2026-12-31"}),
    Endpoint("GET", "/api/v1/organs/BUN/members", None, None, False, 200,
             "/api/v1/organs/NOPE/members"),
    Endpoint("GET", "/api/v1/units", None, None, False, 200, None),
    Endpoint("POST", "/api/v1/units",
             {"code": "SOC", "name": "Socialförvaltningen", "serves": ["BUN"]},
             {"code": "soc lower", "name": "x"}, True, 201, None,
             expect={"code": "SOC", "serves": ["BUN"]}),
    Endpoint("GET", "/api/v1/units/UTB", None, None, False, 200, "/api/v1/units/NOPE",
             expect={"serves": ["BUN"]}),
    Endpoint("PATCH", "/api/v1/units/UTB", {"name": "UTB ny"}, {"serves": "BUN"},
             True, 200, "/api/v1/units/NOPE", expect={"name": "UTB ny", "serves": ["BUN"]}),
    Endpoint("POST", "/api/v1/units/UTB/end", {"valid_to": "2026-12-31"}, {"valid_to": 5},
             True, 200, "/api/v1/units/NOPE/end", expect={"valid_to": "2026-12-31"}),
    Endpoint("GET", "/api/v1/units/UTB/staff", None, None, False, 200,
             "/api/v1/units/NOPE/staff"),
    Endpoint("GET", "/api/v1/people", None, None, False, 200, None),
    Endpoint("POST", "/api/v1/people",
             {"username": "kim.ny", "name": "Kim Ny", "kind": "elected"},
             {"username": "kim.ny", "name": "Kim Ny", "kind": "robot"}, True, 201, None,
             expect={"username": "kim.ny", "kind_label_sv": "förtroendevald"}),
    Endpoint("GET", "/api/v1/people/{org.elected.id}", None, None, False, 200,
             "/api/v1/people/999999", expect={"username": "eva.ek"}),
    Endpoint("PATCH", "/api/v1/people/{org.elected.id}", {"email": "eva@exempel.se"},
             {"email": "not-an-email"}, True, 200, "/api/v1/people/999999",
             expect={"email": "eva@exempel.se", "username": "eva.ek"}),
    Endpoint("GET", "/api/v1/memberships", None, None, False, 200, None),
    Endpoint("POST", "/api/v1/memberships",
             {"person_id": "{org.newcomer.id}", "organ": "BUN", "role": "substitute"},
             {"person_id": "{org.elected.id}", "organ": "BUN", "role": "boss"}, True, 201, None,
             expect={"organ": "BUN", "role": "substitute", "role_label_sv": "ersättare"}),
    Endpoint("GET", "/api/v1/memberships/{org.membership.id}", None, None, False, 200,
             "/api/v1/memberships/999999", expect={"role": "chair", "organ": "BUN"}),
    Endpoint("PATCH", "/api/v1/memberships/{org.membership.id}", {"valid_to": "2026-12-31"},
             {"valid_to": "2026-02-30"}, True, 200, "/api/v1/memberships/999999",
             expect={"valid_from": "2026-01-01", "valid_to": "2026-12-31"}),
    Endpoint("POST", "/api/v1/memberships/{org.membership.id}/end", {"valid_to": "2026-12-31"},
             {"valid_to": []}, True, 200, "/api/v1/memberships/999999/end",
             expect={"valid_to": "2026-12-31"}),
    Endpoint("GET", "/api/v1/positions", None, None, False, 200, None),
    Endpoint("POST", "/api/v1/positions",
             {"person_id": "{org.employee.id}", "unit": "UTB", "role": "unit_manager"},
             {"person_id": "{org.employee.id}", "unit": "UTB"}, True, 201, None,
             expect={"unit": "UTB", "role": "unit_manager", "valid_to": None}),
    Endpoint("GET", "/api/v1/positions/{org.position.id}", None, None, False, 200,
             "/api/v1/positions/999999", expect={"role": "case_officer"}),
    Endpoint("PATCH", "/api/v1/positions/{org.position.id}", {"valid_from": "2026-02-01"},
             {"valid_from": "yesterday"}, True, 200, "/api/v1/positions/999999",
             expect={"valid_from": "2026-02-01"}),
    Endpoint("POST", "/api/v1/positions/{org.position.id}/end", {"valid_to": "2026-12-31"},
             {"valid_to": {}}, True, 200, "/api/v1/positions/999999/end",
             expect={"valid_to": "2026-12-31"}),
]
# fmt: on


def ids(endpoint: Endpoint) -> str:
    return f"{endpoint.method} {endpoint.path}"


def call(client, endpoint: Endpoint, org, *, headers=None, body=None, path=None):
    return client.request(
        endpoint.method,
        path or endpoint.url(org),
        headers=headers or {},
        json=render(body if body is not None else endpoint.body, org),
    )


def snapshot(session) -> dict[str, Any]:
    """Every organisation row, to prove a refused request changed nothing."""
    tables = (Organ, Unit, Person, Membership, Position)
    session.expire_all()
    return {
        t.__tablename__: [
            {c.name: getattr(row, c.key) for c in t.__table__.columns}
            for row in session.scalars(select(t).order_by(t.id))
        ]
        for t in tables
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_happy_path(client, org, endpoint):
    response = call(client, endpoint, org, headers=org.admin)
    assert response.status_code == endpoint.ok, response.text
    assert response.headers["content-type"] == "application/json"
    shown = {key: response.json().get(key) for key in endpoint.expect or {}}
    assert shown == (endpoint.expect or {})


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ids)
def test_without_credentials_is_401(client, org, session, endpoint):
    before = snapshot(session)
    response = call(client, endpoint, org)
    assert response.status_code == 401
    assert response.json()["code"] == "MISSING_CREDENTIALS"
    assert response.headers["www-authenticate"] == "Bearer"
    assert snapshot(session) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.admin_only], ids=ids)
def test_non_admin_is_403(client, org, session, endpoint):
    before = snapshot(session)
    response = call(client, endpoint, org, headers=org.not_admin)
    assert response.status_code == 403
    assert response.json()["code"] == "ADMIN_REQUIRED"
    assert snapshot(session) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not e.admin_only], ids=ids)
def test_any_person_may_read(client, org, endpoint):
    assert call(client, endpoint, org, headers=org.not_admin).status_code == 200


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.missing], ids=ids)
def test_unknown_resource_is_404(client, org, session, endpoint):
    before = snapshot(session)
    response = call(client, endpoint, org, headers=org.admin, path=endpoint.missing)
    assert response.status_code == 404
    assert response.json()["code"].endswith("NOT_FOUND")
    assert snapshot(session) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.bad_body is not None], ids=ids)
def test_bad_body_is_422_and_changes_nothing(client, org, session, endpoint):
    before = snapshot(session)
    response = call(client, endpoint, org, headers=org.admin, body=endpoint.bad_body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "VALIDATION_FAILED"
    assert problem["errors"][0]["loc"][0] == "body"
    assert snapshot(session) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.body], ids=ids)
def test_unknown_fields_are_refused(client, org, session, endpoint):
    before = snapshot(session)
    body = {**render(endpoint.body, org), "colour": "blue"}
    response = call(client, endpoint, org, headers=org.admin, body=body)
    assert response.status_code == 422
    assert response.json()["errors"][-1]["type"] == "extra_forbidden"
    assert snapshot(session) == before
