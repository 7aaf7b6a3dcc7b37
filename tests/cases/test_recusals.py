"""Conflicts of interest (jäv): a declared or upheld one bars the person from the case, and
members barred are not counted towards the quorum."""

from sqlalchemy import select

from app.cases.models import CaseEvent
from tests.cases.conftest import CASE


def register(client, world):
    return client.post("/api/v1/cases", json=CASE, headers=world.registrar).json()["id"]


def recuse(client, headers, case_id, **body):
    return client.post(
        f"/api/v1/cases/{case_id}/recusals",
        json={"ground": 1, "reason": "Närstående berörs"} | body,
        headers=headers,
    )


def test_a_declared_conflict_bars_the_person_at_once(client, world, session):
    case_id = register(client, world)
    declared = recuse(client, world.head, case_id)
    assert declared.status_code == 201, declared.text
    assert declared.json()["status"] == "declared"
    refused = world.step(client, case_id, "triage", {"route": "political", "motivation": "x"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "RECUSED"
    kinds = session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)).all()
    assert kinds == ["registered", "recusal"]


def test_a_recused_case_officer_may_not_prepare(client, world):
    case_id = register(client, world)
    world.step(client, case_id, "triage", {"route": "political", "motivation": "x"})
    world.step(client, case_id, "scope_assessment", {"level": "simplified"})
    recuse(client, world.officer, case_id, ground=2)
    response = client.put(
        f"/api/v1/cases/{case_id}/assessment", json={"content": {}}, headers=world.officer
    )
    assert response.status_code == 403
    assert response.json()["code"] == "RECUSED"


def test_a_raised_conflict_is_decided_by_the_organ_and_barred_members_are_not_counted(
    client, world
):
    case_id = register(client, world)
    world.step(client, case_id, "triage", {"route": "political", "motivation": "x"})
    world.step(client, case_id, "scope_assessment", {"level": "none", "motivation": "m"})
    world.step(client, case_id, "submit_assessment")
    raised = recuse(client, world.head, case_id, person_id=world.members[1], ground=4)
    assert raised.json()["status"] == "raised"
    decision = {"upheld": True, "held_on": "2026-11-20", "paragraph": "§ 100"}
    url = f"/api/v1/cases/{case_id}/recusals/{raised.json()['id']}/decide"
    assert client.post(url, json=decision, headers=world.head).status_code == 403
    upheld = client.post(url, json=decision, headers=world.secretary)
    assert upheld.json()["status"] == "upheld"
    assert client.post(url, json=decision, headers=world.secretary).json()["code"] == (
        "RECUSAL_NOT_PENDING"
    )
    # Six present, one of them barred: five of eleven seats is no quorum.
    response = world.step(
        client, case_id, "prioritise", {"period": "2027", "score": 1, "motivation": "m"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "QUORUM_NOT_MET"


def test_an_api_key_cannot_declare(client, world):
    case_id = register(client, world)
    key = client.post(
        "/api/v1/api-keys", json={"name": "x", "scopes": ["cases:write"]}, headers=world.registrar
    ).json()["key"]
    response = recuse(client, {"Authorization": f"Bearer {key}"}, case_id)
    assert response.status_code == 403
    assert response.json()["code"] == "PERSON_REQUIRED"


def test_ground_must_be_one_of_four(client, world):
    case_id = register(client, world)
    assert recuse(client, world.head, case_id, ground=5).status_code == 422
