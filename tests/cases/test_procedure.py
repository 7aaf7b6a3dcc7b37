"""FL 25 and 32 on the decision of a matter appealed by administrative appeal: without the
party's communication (or why none was needed) or without reasons, nothing is decided; in a
matter for judicial review FL 2 switches both off."""

import pytest

from tests.cases.test_authority_api import events, register, to_decision

COMMUNICATED = {
    "communicated_on": "2026-11-02",
    "party": "Vårdnadshavare",
    "answer_by": "2026-11-16",
}


def decide(client, world, case_id, trigger, payload):
    return world.step(client, case_id, trigger, payload)


@pytest.mark.parametrize(
    ("trigger", "payload", "code"),
    [
        (
            "approve",
            {"decision_text": "Bifall", "decided_on": "2026-11-20", "reasons": "5 §"},
            "FL_COMMUNICATION_MISSING",
        ),
        (
            "approve",
            {"decision_text": "Bifall", "decided_on": "2026-11-20", "communication": COMMUNICATED},
            "FL_REASONS_MISSING",
        ),
        ("reject", {"decision_text": "Avslag", "motivation": "Skäl"}, "FL_COMMUNICATION_MISSING"),
    ],
)
def test_an_administrative_appeal_decision_needs_communication_and_reasons(
    client, world, session, trigger, payload, code
):
    case_id = register(client, world, appeal_route="administrative_appeal")
    to_decision(client, world, case_id)
    before = events(session, case_id)
    response = decide(client, world, case_id, trigger, payload)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert response.json()["legal_reference"] == ("FL 25" if "COMMUNICATION" in code else "FL 32")
    assert events(session, case_id) == before
    state = client.get(f"/api/v1/cases/{case_id}", headers=world.officer).json()["state"]
    assert state == "decision"


@pytest.mark.parametrize(
    "payload",
    [
        {
            "decision_text": "Bifall",
            "decided_on": "2026-11-20",
            "reasons": "5 § skollagen",
            "communication": COMMUNICATED,
        },
        {
            "decision_text": "Bifall",
            "decided_on": "2026-11-20",
            "reasons": "Fullt bifall",
            "communication_not_needed": "Beslutet går parten helt till mötes",
        },
    ],
)
def test_with_them_the_decision_is_taken_and_recorded(client, world, payload):
    case_id = register(client, world, appeal_route="administrative_appeal")
    to_decision(client, world, case_id)
    response = decide(client, world, case_id, "approve", payload)
    assert response.status_code == 200, response.text
    history = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert history[-1]["payload"]["reasons"] == payload["reasons"]


def test_communication_is_before_the_decision_and_not_both_ways(client, world):
    case_id = register(client, world, appeal_route="administrative_appeal")
    to_decision(client, world, case_id)
    late = COMMUNICATED | {"communicated_on": "2026-11-25"}
    both = {"communication": COMMUNICATED, "communication_not_needed": "x"}
    for extra in ({"communication": late}, both):
        payload = {"decision_text": "B", "decided_on": "2026-11-20", "reasons": "r"} | extra
        response = decide(client, world, case_id, "approve", payload)
        assert (response.status_code, response.json()["code"]) == (422, "VALIDATION_FAILED")


def test_judicial_review_matters_need_neither(client, world):
    case_id = register(client, world, appeal_route="judicial_review")
    to_decision(client, world, case_id)
    response = decide(
        client, world, case_id, "approve", {"decision_text": "B", "decided_on": "2026-11-20"}
    )
    assert response.status_code == 200, response.text
