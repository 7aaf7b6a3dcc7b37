"""Every GET that reads outside a transaction (``routing.OneHopRoute.reads_only``), through the
real app on PostgreSQL with the demo municipality loaded: the API suite's shared test session
is transactional, so only a run like this one shows a read that PostgreSQL refuses outside a
transaction (a server-side cursor, say) or a write the reading session refuses."""

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.db import make_engine, make_sessionmaker, session_scope
from app.demo.loader import demo_cast, load_demo
from app.main import create_app
from tests.api.test_routing import routers_routes
from tests.builders import bearer
from tests.cases.test_documents import DOCUMENT

UNKNOWN = {"import_id": "999999", "system": "p360", "external_id": "NONE-1"}
"""Path values no demo row has: those routes answer 404, after their lookups ran."""
QUERIES = {"/organs/{code}/priorities": "?period=2027"}  # a required query parameter


@pytest.fixture
def demo(backend, request, settings) -> Iterator[tuple[TestClient, dict]]:
    if backend != "postgresql":
        pytest.skip("reading outside a transaction is PostgreSQL's (SQLite reads in one)")
    url = request.getfixturevalue("own_database")
    engine = make_engine(url)
    with session_scope(make_sessionmaker(engine)) as session:
        load_demo(session)
    engine.dispose()
    app = create_app(settings.model_copy(update={"database_url": url}))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, bearer(settings, demo_cast().registrar)


def _first(client: TestClient, headers: dict, path: str, field: str = "id") -> str:
    response = client.get(f"/api/v1{path}", headers=headers)
    assert response.status_code == 200, (path, response.text)
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    return str(items[0][field])


def _values(client: TestClient, headers: dict) -> dict[str, str]:
    """A real value for each path parameter, some of them made here through the API."""
    case_id = _first(client, headers, "/cases")
    document = client.post(f"/api/v1/cases/{case_id}/documents", json=DOCUMENT, headers=headers)
    key = client.post(
        "/api/v1/api-keys", json={"name": "smoke", "scopes": ["cases:read"]}, headers=headers
    )
    subscription = client.post(
        "/api/v1/webhooks/subscriptions",
        json={"url": "https://diarium.example.se/hooks", "event_types": ["case.transitioned"]},
        headers=headers,
    )
    assert [document.status_code, key.status_code, subscription.status_code] == [201] * 3
    return UNKNOWN | {
        "case_id": case_id,
        "nr": quote(_first(client, headers, "/cases", "diary_number"), safe=""),
        "document_id": str(document.json()["id"]),
        "key_id": str(key.json()["id"]),
        "subscription_id": str(subscription.json()["id"]),
        "code": "BUN",
        "unit_code": _first(client, headers, "/units", "code"),
        "order_id": _first(client, headers, "/organs/BUN/delegation-orders"),
        "person_id": _first(client, headers, "/people"),
        "membership_id": _first(client, headers, "/memberships"),
        "position_id": _first(client, headers, "/positions"),
    }


def test_every_get_outside_a_transaction_answers(demo):
    client, headers = demo
    values = _values(client, headers)
    answers = {}
    for route in routers_routes(client.app):
        if route.reads_only:
            unit = route.path_format.startswith("/units/")  # a unit's code, not an organ's
            path = route.path_format.format(
                **values | ({"code": values["unit_code"]} if unit else {})
            )
            prefix = "" if path.startswith("/health") else "/api/v1"
            query = QUERIES.get(route.path_format, "")
            response = client.get(prefix + path + query, headers=headers)
            answers[route.path_format] = (response.status_code, response.text[:200])
    failed = {path: answer for path, answer in answers.items() if answer[0] >= 500}
    assert failed == {}
    not_found = sorted(path for path, (status, _) in answers.items() if status == 404)
    assert not_found == ["/imports/{import_id}", "/imports/{import_id}/rows",
                         "/integrations/{system}/cases/{external_id}"]  # fmt: skip
    others = {path: answer for path, answer in answers.items() if answer[0] not in (200, 404)}
    assert others == {}
    assert len(answers) > 40
