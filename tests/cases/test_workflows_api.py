"""Publishing workflow versions: validated, numbered in order, and open cases stay on theirs."""

import pytest

from app.integrations import graphviz
from app.workflows.definition import builtin
from tests.cases.conftest import CASE


def version_3() -> dict:
    """Version 3 no longer lets a fresh proposal be withdrawn."""
    document = builtin("measure", 2).body() | {"version": 3}
    for trigger in document["triggers"]:
        if trigger["name"] == "withdraw":
            trigger["from"] = [s for s in trigger["from"] if s != "proposed"]
    return document


def publish(client, world, document, key="measure"):
    return client.post(f"/api/v1/workflows/{key}/versions", json=document, headers=world.registrar)


def test_the_shipped_definitions_are_listed(client, world):
    listed = client.get("/api/v1/workflows", headers=world.officer).json()
    assert [(d["key"], d["version"]) for d in listed] == [("measure", 1), ("measure", 2)]
    one = client.get("/api/v1/workflows/measure/versions/1", headers=world.officer).json()
    assert one["body"]["initial"] == "proposed"
    assert "deadlines" not in one["body"]
    assert one["checksum"] == builtin("measure", 1).checksum()
    two = client.get("/api/v1/workflows/measure/versions/2", headers=world.officer).json()
    assert two["body"]["deadlines"]["states"]["assessment"] == {
        "days": 60,
        "unit": "calendar_days",
    }
    assert two["checksum"] == builtin("measure", 2).checksum()


def test_version_3_leaves_open_cases_on_version_2(client, world):
    old = client.post("/api/v1/cases", json=CASE, headers=world.registrar).json()
    created = publish(client, world, version_3())
    assert created.status_code == 201, created.text
    assert created.headers["location"].endswith("/api/v1/workflows/measure/versions/3")
    new = client.post("/api/v1/cases", json=CASE, headers=world.registrar).json()
    assert new["workflow"] == {"key": "measure", "version": 3}

    def withdraw(case):
        return world.step(client, case["id"], "withdraw", {"reason": "Dras tillbaka"})

    assert withdraw(new).json()["code"] == "WRONG_STATE"
    moved = withdraw(old)
    assert moved.status_code == 200
    assert moved.json()["workflow"] == {"key": "measure", "version": 2}
    assert moved.json()["state"] == "withdrawn"


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (lambda d: d | {"version": 5}, 409, "VERSION_CONFLICT"),
        (lambda d: d | {"version": 2}, 409, "VERSION_CONFLICT"),
        (lambda d: d | {"key": "other"}, 422, "DEFINITION_KEY_MISMATCH"),
        (lambda d: d | {"initial": "nowhere"}, 422, "DEFINITION_INVALID"),
        (lambda d: {"key": "measure"}, 422, "DEFINITION_INVALID"),
    ],
)
def test_refused_publications(client, world, change, status, code):
    response = publish(client, world, change(version_3()))
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    listed = client.get("/api/v1/workflows", headers=world.officer).json()
    assert [d["version"] for d in listed] == [1, 2]


def test_invalid_definition_lists_its_problems(client, world):
    document = version_3()
    document["triggers"][0]["guards"] = ["made_up"]
    problems = publish(client, world, document).json()["problems"]
    assert problems == [
        {"code": "UNKNOWN_GUARD", "message": "triage names guard made_up, which does not exist"}
    ]


def test_publishing_needs_an_administrator(client, world):
    response = client.post(
        "/api/v1/workflows/measure/versions", json=version_3(), headers=world.officer
    )
    assert response.status_code == 403


def test_unknown_workflow_is_404(client, world):
    response = client.get("/api/v1/workflows/nope/versions/1", headers=world.officer)
    assert response.json()["code"] == "WORKFLOW_NOT_FOUND"


def test_mermaid_diagram_of_a_case_highlights_its_state(client, world):
    case = client.post("/api/v1/cases", json=CASE, headers=world.registrar).json()
    response = client.get(f"/api/v1/cases/{case['id']}/diagram", headers=world.officer)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/vnd.mermaid")
    assert response.text.startswith("stateDiagram-v2")
    assert "class proposed current" in response.text


def test_definition_diagram_in_english(client, world):
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram?language=en", headers=world.officer
    )
    assert "decision --> planning : Approve" in response.text


def test_svg_without_graphviz_is_406(client, world, monkeypatch):
    monkeypatch.setattr(graphviz.shutil, "which", lambda name: None)
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram",
        headers=world.officer | {"Accept": "image/svg+xml"},
    )
    assert response.status_code == 406
    assert response.json()["code"] == "SVG_UNAVAILABLE"


@pytest.mark.skipif(not graphviz.dot_available(), reason="graphviz is not installed")
def test_svg_with_graphviz(client, world):
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram",
        headers=world.officer | {"Accept": "image/svg+xml"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in response.content


@pytest.mark.parametrize(
    "accept",
    [
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "application/json, */*",
        "image/svg+xml;q=0, */*",
        "text/*",
    ],
)
def test_browsers_and_wildcards_get_mermaid(client, world, accept):
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram", headers=world.officer | {"Accept": accept}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/vnd.mermaid")


def test_unknown_language_is_422(client, world):
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram?language=fi", headers=world.officer
    )
    assert response.status_code == 422


def test_other_media_types_are_406(client, world):
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram",
        headers=world.officer | {"Accept": "application/pdf"},
    )
    assert response.status_code == 406
