"""Publishing workflow versions: validated, numbered in order, and open cases stay on theirs."""

import pytest

from app.workflows import diagram
from app.workflows.definition import builtin
from tests.cases.conftest import CASE


def version_2() -> dict:
    document = builtin("measure", 1).body() | {"version": 2}
    for trigger in document["triggers"]:
        if trigger["name"] == "approve":
            trigger["label_sv"] = "Bifall (version 2)"
    return document


def publish(client, world, document, key="measure"):
    return client.post(f"/api/v1/workflows/{key}/versions", json=document, headers=world.registrar)


def test_the_shipped_definition_is_listed(client, world):
    listed = client.get("/api/v1/workflows", headers=world.officer).json()
    assert [(d["key"], d["version"]) for d in listed] == [("measure", 1)]
    one = client.get("/api/v1/workflows/measure/versions/1", headers=world.officer).json()
    assert one["body"]["initial"] == "proposed"
    assert one["checksum"] == builtin("measure", 1).checksum()


def test_version_2_leaves_open_cases_on_version_1(client, world):
    old = client.post("/api/v1/cases", json=CASE, headers=world.registrar).json()
    created = publish(client, world, version_2())
    assert created.status_code == 201, created.text
    assert created.headers["location"].endswith("/api/v1/workflows/measure/versions/2")
    new = client.post("/api/v1/cases", json=CASE, headers=world.registrar).json()
    assert new["workflow"] == {"key": "measure", "version": 2}

    moved = client.post(
        f"/api/v1/cases/{old['id']}/transitions/triage",
        json={"route": "political", "motivation": "x"},
        headers=world.officer,
    )
    assert moved.json()["workflow"] == {"key": "measure", "version": 1}
    options = client.get(f"/api/v1/cases/{new['id']}/transitions", headers=world.officer)
    assert options.status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (lambda d: d | {"version": 5}, 409, "VERSION_CONFLICT"),
        (lambda d: d | {"version": 1}, 409, "VERSION_CONFLICT"),
        (lambda d: d | {"key": "other"}, 422, "DEFINITION_KEY_MISMATCH"),
        (lambda d: d | {"initial": "nowhere"}, 422, "DEFINITION_INVALID"),
        (lambda d: {"key": "measure"}, 422, "DEFINITION_INVALID"),
    ],
)
def test_refused_publications(client, world, change, status, code):
    response = publish(client, world, change(version_2()))
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    listed = client.get("/api/v1/workflows", headers=world.officer).json()
    assert [d["version"] for d in listed] == [1]


def test_invalid_definition_lists_its_problems(client, world):
    document = version_2()
    document["triggers"][0]["guards"] = ["made_up"]
    problems = publish(client, world, document).json()["problems"]
    assert problems == [{"code": "UNKNOWN_GUARD", "message": problems[0]["message"]}]


def test_publishing_needs_an_administrator(client, world):
    response = client.post(
        "/api/v1/workflows/measure/versions", json=version_2(), headers=world.officer
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
    def no_dot(*args, **kwargs):
        raise diagram.DotUnavailable("dot is not installed")

    monkeypatch.setattr(diagram, "svg", no_dot)
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram",
        headers=world.officer | {"Accept": "image/svg+xml"},
    )
    assert response.status_code == 406
    assert response.json()["code"] == "SVG_UNAVAILABLE"


@pytest.mark.skipif(not diagram.dot_available(), reason="graphviz is not installed")
def test_svg_with_graphviz(client, world):
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram",
        headers=world.officer | {"Accept": "image/svg+xml"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_other_media_types_are_406(client, world):
    response = client.get(
        "/api/v1/workflows/measure/versions/1/diagram",
        headers=world.officer | {"Accept": "application/pdf"},
    )
    assert response.status_code == 406
