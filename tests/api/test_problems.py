"""Every error is RFC 9457 problem+json with a stable code; bad requests change nothing."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.organisation.models import Organ
from tests.builders import bearer, make_registrar

PROBLEM_FIELDS = {"type", "title", "status", "detail", "detail_sv", "code"}


@pytest.fixture
def admin(session, settings):
    registrar = make_registrar(session)
    session.commit()
    return bearer(settings, registrar.username)


def organ_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Organ))


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body.keys() >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:styrkedja:problem:{code.lower().replace('_', '-')}"
    return body


def test_malformed_json_is_400_and_writes_nothing(client, session, admin):
    before = organ_count(session)
    response = client.post(
        "/api/v1/organs",
        content=b'{"code": "SN", "name": ',
        headers={**admin, "content-type": "application/json"},
    )
    problem = assert_problem(response, 400, "MALFORMED_JSON")
    assert (
        problem["detail"] == "The request body is not valid JSON at character 23: Expecting value."
    )
    assert organ_count(session) == before


def test_wrong_types_are_422_with_the_offending_fields(client, session, admin):
    before = organ_count(session)
    body = {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": "eleven"}
    response = client.post("/api/v1/organs", json=body, headers=admin)
    problem = assert_problem(response, 422, "VALIDATION_FAILED")
    assert [error["loc"] for error in problem["errors"]] == [["body", "seats"]]
    assert organ_count(session) == before


def test_domain_rule_422_names_its_field(client, admin):
    body = {"code": "KF2", "name": "Fullmäktige", "kind": "council", "seats": 61, "parent": "KF2"}
    problem = assert_problem(
        client.post("/api/v1/organs", json=body, headers=admin), 422, "UNKNOWN_REFERENCE"
    )
    assert problem["errors"][0]["loc"] == ["body", "parent"]
    assert problem["detail_sv"]


def test_declared_oversized_body_is_413_and_writes_nothing(client, session, admin, settings):
    before = organ_count(session)
    padding = "x" * (settings.max_body_bytes + 1)
    body = {"code": "SN", "name": "Socialnämnden", "kind": "committee", "seats": 11, "p": padding}
    response = client.post("/api/v1/organs", json=body, headers=admin)
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")
    assert organ_count(session) == before


def test_streamed_oversized_body_is_413(client, session, admin, settings):
    """A chunked body has no Content-Length; it is counted as it arrives."""
    before = organ_count(session)
    chunk = b"x" * 65536

    def chunks():
        yield b'{"code": "SN", "name": "'
        for _ in range(settings.max_body_bytes // len(chunk) + 2):
            yield chunk
        yield b'"}'

    response = client.post(
        "/api/v1/organs", content=chunks(), headers={**admin, "content-type": "application/json"}
    )
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")
    assert organ_count(session) == before


def test_unknown_route_is_problem_404(client, admin):
    assert_problem(client.get("/api/v1/nothing-here", headers=admin), 404, "NOT_FOUND")


def test_wrong_method_is_problem_405(client, admin):
    assert_problem(client.delete("/api/v1/organs", headers=admin), 405, "METHOD_NOT_ALLOWED")


def test_bad_cursor_is_400(client, admin):
    response = client.get("/api/v1/organs", params={"cursor": "not-ours"}, headers=admin)
    assert_problem(response, 400, "INVALID_CURSOR")


def test_unexpected_error_is_500_without_internals(app: FastAPI, admin):
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/v1/boom", headers=admin)
    body = assert_problem(response, 500, "INTERNAL_ERROR")
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"] == "An unexpected error occurred; it has been logged."
