"""API keys: shown once, stored only as a hash, limited to their scopes, revocable."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.auth.models import ApiKey
from app.kit.clock import utcnow
from app.kit.hashing import sha256_hex
from tests.builders import bearer, make_membership, make_person, make_registrar


@pytest.fixture
def admin(session, settings):
    registrar = make_registrar(session)
    session.commit()
    return bearer(settings, registrar.username)


def create_key(client, admin, **body):
    response = client.post("/api/v1/api-keys", json={"name": "P360", **body}, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def key_header(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_the_plain_key_is_shown_once_and_never_stored(client, session, admin):
    created = create_key(client, admin, scopes=["integration", "cases:read"])
    plain = created["key"]
    assert plain.startswith(f"stk_{created['prefix']}_")

    stored = session.scalars(select(ApiKey).where(ApiKey.id == created["id"])).one()
    assert stored.key_hash == sha256_hex(plain)
    row = session.execute(text("SELECT * FROM api_keys WHERE id = :id"), {"id": created["id"]})
    assert all(plain not in str(value) for value in row.one())

    listed = client.get("/api/v1/api-keys", headers=admin).json()["items"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0]
    assert "key" not in client.get(f"/api/v1/api-keys/{created['id']}", headers=admin).json()
    assert plain not in client.get("/api/v1/api-keys", headers=admin).text


def test_scopes_are_sorted_and_unique(client, admin):
    created = create_key(client, admin, scopes=["integration", "admin", "integration"])
    assert created["scopes"] == ["admin", "integration"]


def test_admin_scoped_key_administers(client, admin):
    key = create_key(client, admin, scopes=["admin"])["key"]
    body = {"username": "kim.ny", "name": "Kim Ny", "kind": "employee"}
    assert client.post("/api/v1/people", json=body, headers=key_header(key)).status_code == 201


@pytest.mark.parametrize("scopes", [["integration"], ["cases:read", "cases:write"]])
def test_key_without_admin_scope_cannot_administer(client, admin, scopes):
    key = create_key(client, admin, scopes=scopes)["key"]
    body = {"username": "kim.ny", "name": "Kim Ny", "kind": "employee"}
    response = client.post("/api/v1/people", json=body, headers=key_header(key))
    assert response.status_code == 403
    assert response.json()["code"] == "ADMIN_REQUIRED"


def test_key_owned_by_a_registrar_is_still_limited_to_its_scopes(client, session, admin):
    registrar = make_registrar(session)
    session.commit()
    key = create_key(client, admin, scopes=["cases:read"], person_id=registrar.id)["key"]
    me = client.get("/api/v1/me", headers=key_header(key)).json()
    assert me["username"] == registrar.username
    assert me["is_admin"] is False


def test_revoked_key_is_refused(client, admin):
    created = create_key(client, admin, scopes=["admin"])
    assert client.get("/api/v1/me", headers=key_header(created["key"])).status_code == 200
    revoked = client.post(f"/api/v1/api-keys/{created['id']}/revoke", headers=admin)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    response = client.get("/api/v1/me", headers=key_header(created["key"]))
    assert response.status_code == 401
    assert response.json()["code"] == "API_KEY_REVOKED"


def test_expired_key_is_refused(client, session, admin):
    expires = (utcnow() + timedelta(hours=1)).isoformat()
    created = create_key(client, admin, scopes=["admin"], expires_at=expires)
    assert client.get("/api/v1/me", headers=key_header(created["key"])).status_code == 200
    session.get(ApiKey, created["id"]).expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    response = client.get("/api/v1/me", headers=key_header(created["key"]))
    assert response.status_code == 401
    assert response.json()["code"] == "API_KEY_EXPIRED"


@pytest.mark.parametrize(
    ("expires_at", "code"),
    [("2020-01-01T00:00:00+00:00", "EXPIRY_IN_PAST"), ("2030-01-01T00:00:00", "VALIDATION_FAILED")],
    ids=["past", "no-time-zone"],
)
def test_expiry_must_be_a_future_moment_with_a_zone(client, session, admin, expires_at, code):
    body = {"name": "x", "scopes": ["admin"], "expires_at": expires_at}
    response = client.post("/api/v1/api-keys", json=body, headers=admin)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert session.scalars(select(ApiKey)).all() == []


@pytest.mark.parametrize(
    "mangle",
    [
        lambda k: k[:-1] + ("A" if k[-1] != "A" else "B"),
        lambda k: "stk_000000000000_" + k.split("_", 2)[2],
        lambda k: "stk_",
    ],
)
def test_wrong_key_is_refused(client, admin, mangle):
    key = create_key(client, admin, scopes=["admin"])["key"]
    response = client.get("/api/v1/me", headers=key_header(mangle(key)))
    assert response.status_code == 401
    assert response.json()["code"] == "API_KEY_INVALID"


def test_unknown_owner_is_422(client, admin):
    response = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "scopes": ["admin"], "person_id": 999999},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "UNKNOWN_REFERENCE"


def test_unknown_scope_is_422(client, admin):
    response = client.post(
        "/api/v1/api-keys", json={"name": "x", "scopes": ["root"]}, headers=admin
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/api-keys"),
        ("POST", "/api/v1/api-keys"),
        ("GET", "/api/v1/api-keys/1"),
        ("POST", "/api/v1/api-keys/1/revoke"),
    ],
)
def test_key_admin_needs_admin(client, session, settings, method, path):
    employee = make_person(session)
    session.commit()
    response = client.request(
        method,
        path,
        headers=bearer(settings, employee.username),
        json={"name": "x", "scopes": ["admin"]},
    )
    assert response.status_code == 403
    assert client.request(method, path).status_code == 401


def test_unknown_key_id_is_404(client, admin):
    assert (
        client.get("/api/v1/api-keys/999999", headers=admin).json()["code"] == "API_KEY_NOT_FOUND"
    )
    assert client.post("/api/v1/api-keys/999999/revoke", headers=admin).status_code == 404


def test_a_key_carries_no_roles_of_its_owner(client, session, admin, settings):
    """An administrator who makes a key owned by the chair does not gain the chair's roles."""
    chair = make_membership(session, role="chair")
    session.commit()
    key = create_key(client, admin, scopes=["cases:write"], person_id=chair.person_id)["key"]
    through_key = client.get("/api/v1/me", headers=key_header(key)).json()
    assert through_key["person_id"] == chair.person_id
    assert through_key["memberships"] == []
    own_token = client.get("/api/v1/me", headers=bearer(settings, chair.person.username)).json()
    assert own_token["memberships"] == [{"place": chair.organ.code, "role": "chair"}]
