"""Cases end to end through the API, on both databases: the whole flow, a referral back, the
other endings, and refusals that write nothing."""

import pytest
from sqlalchemy import func, select

from app.cases.models import Case, CaseEvent
from tests.cases.conftest import CASE, COMPLETE_SIMPLIFIED


def register(client, world, **overrides):
    response = client.post("/api/v1/cases", json=CASE | overrides, headers=world.registrar)
    assert response.status_code == 201, response.text
    return response.json()


def fire(client, world, case_id, trigger, payload=None, status=200, headers=None):
    response = world.step(client, case_id, trigger, payload, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def assess(client, world, case_id, content, referral_response=None):
    body = {"content": content}
    if referral_response:
        body["referral_response"] = referral_response
    response = client.put(f"/api/v1/cases/{case_id}/assessment", json=body, headers=world.officer)
    assert response.status_code == 200, response.text
    return response.json()


def events_of(session, case_id) -> int:
    return session.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
    )


def to_decision(client, world, case_id):
    fire(client, world, case_id, "triage", {"route": "political", "motivation": "Principfråga"})
    fire(client, world, case_id, "scope_assessment", {"level": "simplified"})
    assess(client, world, case_id, COMPLETE_SIMPLIFIED)
    fire(client, world, case_id, "submit_assessment")
    fire(client, world, case_id, "prioritise",
         {"period": "2027", "rank": 1, "score": 80, "motivation": "Akut"})  # fmt: skip


def test_registration(client, world, session):
    case = register(client, world)
    assert case["state"] == "proposed"
    assert case["state_label_sv"] == "Förslag till åtgärd"
    assert case["workflow"] == {"key": "measure", "version": 2}
    assert case["organ"] == "BUN"
    stored = session.get(Case, case["id"])
    assert stored.state == "proposed"
    events = client.get(f"/api/v1/cases/{case['id']}/events", headers=world.officer).json()
    assert [(e["seq"], e["kind"], e["to_state"]) for e in events] == [(1, "registered", "proposed")]


def test_a_case_from_proposal_to_closed_with_one_referral_back(client, world, session):
    case_id = register(client, world)["id"]
    to_decision(client, world, case_id)

    referred = fire(client, world, case_id, "refer_back",
                    {"reason": "Belys driftskostnaderna", "requested_by": ["Eva Ek"]})  # fmt: skip
    assert referred["state"] == "assessment"
    assert referred["pending_referral"] == "Belys driftskostnaderna"

    refused = fire(client, world, case_id, "submit_assessment", status=422)
    assert refused["code"] == "REFERRAL_NOT_ADDRESSED"
    assess(client, world, case_id, COMPLETE_SIMPLIFIED | {"cost_sek": 2_600_000},
           referral_response="Driftskostnaden är 200 000 kr per år")  # fmt: skip
    fire(client, world, case_id, "submit_assessment")
    fire(client, world, case_id, "prioritise", {"period": "2027", "rank": 1, "motivation": "Akut"})
    fire(client, world, case_id, "approve",
         {"decision_text": "Nämnden bifaller", "decided_on": "2026-11-20"})  # fmt: skip
    started = fire(client, world, case_id, "start_implementation",
                   {"responsible_unit": "UTB-GRU", "milestones": [{"due_on": "2027-08-01",
                    "title": "Paviljong på plats"}]})  # fmt: skip
    assert started["unit"] == "UTB-GRU"
    fire(client, world, case_id, "complete_implementation", {"outcome_summary": "Klart"})
    closed = fire(client, world, case_id, "close", {"report": {
        "indicators": [{"name": "Elever per klassrum", "value": 24, "target": 25}],
        "conclusions": "Målet nåtts"}})  # fmt: skip
    assert closed["state"] == "closed"

    events = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert [e["trigger"] or e["kind"] for e in events] == [
        "registered", "triage", "scope_assessment", "assessment_revised", "submit_assessment",
        "prioritise", "refer_back", "assessment_revised", "submit_assessment", "prioritise",
        "approve", "start_implementation", "complete_implementation", "close",
    ]  # fmt: skip
    assert [e["seq"] for e in events] == list(range(1, 15))
    authorities = [e["authority"]["kind"] for e in events if e["trigger"]]
    assert authorities == [
        "operational", "operational", "operational", "organ_decision", "organ_decision",
        "operational", "organ_decision", "organ_decision", "operational", "operational",
        "organ_decision",
    ]  # fmt: skip
    assert session.get(Case, case_id).state == "closed"


@pytest.mark.parametrize(
    ("trigger", "payload", "end"),
    [
        ("reject", {"decision_text": "Avslag", "motivation": "Medel saknas"}, "rejected"),
        ("withdraw", {"reason": "Dras tillbaka"}, "withdrawn"),
    ],
)
def test_other_endings(client, world, trigger, payload, end):
    case_id = register(client, world)["id"]
    to_decision(client, world, case_id)
    assert fire(client, world, case_id, trigger, payload)["state"] == end
    options = client.get(f"/api/v1/cases/{case_id}/transitions", headers=world.officer).json()
    assert options == []
    again = fire(client, world, case_id, "approve",
                 {"decision_text": "x", "decided_on": "2026-11-20"}, status=409)  # fmt: skip
    assert again["code"] == "WRONG_STATE"


def test_withdrawal_straight_from_proposed(client, world):
    case_id = register(client, world)["id"]
    assert fire(client, world, case_id, "withdraw", {"reason": "Fel nämnd"})["state"] == "withdrawn"


def test_follow_up_spawns_new_proposals(client, world, session):
    case_id = register(client, world)["id"]
    to_decision(client, world, case_id)
    fire(client, world, case_id, "approve", {"decision_text": "Bifall", "decided_on": "2026-11-20"})
    fire(client, world, case_id, "start_implementation", {"responsible_unit": "UTB-GRU"})
    fire(client, world, case_id, "complete_implementation", {"outcome_summary": "Klart"})
    fire(client, world, case_id, "close", {
        "report": {"deviations": "Ventilationen räcker inte", "conclusions": "Två nya åtgärder"},
        "new_proposals": [
            {"title": "Förstärkt ventilation", "problem": "Dålig luft i paviljongen"},
            {"title": "Solskydd", "problem": "Höga temperaturer", "description": "Markiser"},
        ],
    })  # fmt: skip
    spawned = client.get("/api/v1/cases?state=proposed", headers=world.officer).json()["items"]
    assert [(c["title"], c["origin"], c["origin_case_id"], c["organ"]) for c in spawned] == [
        ("Förstärkt ventilation", "follow_up", case_id, "BUN"),
        ("Solskydd", "follow_up", case_id, "BUN"),
    ]
    assert all(events_of(session, c["id"]) == 1 for c in spawned)


@pytest.mark.parametrize(
    ("trigger", "payload", "status", "code"),
    [
        ("scope_assessment", {"level": "simplified"}, 409, "ROUTE_NOT_SET"),
        ("triage", {"route": "sideways", "motivation": "x"}, 422, "VALIDATION_FAILED"),
        ("triage", {"route": "political"}, 422, "VALIDATION_FAILED"),
        ("approve", {"decision_text": "x", "decided_on": "2026-11-20"}, 409, "WRONG_STATE"),
        ("launch_rocket", {}, 404, "UNKNOWN_TRIGGER"),
    ],
)
def test_refusals_write_nothing(client, world, session, trigger, payload, status, code):
    case_id = register(client, world)["id"]
    before = events_of(session, case_id)
    problem = fire(client, world, case_id, trigger, payload, status=status)
    assert problem["code"] == code
    assert events_of(session, case_id) == before
    assert session.get(Case, case_id).state == "proposed"
    assert session.get(Case, case_id).route is None


def test_incomplete_assessment_lists_what_is_missing(client, world, session):
    case_id = register(client, world)["id"]
    fire(client, world, case_id, "triage", {"route": "political", "motivation": "x"})
    fire(client, world, case_id, "scope_assessment", {"level": "simplified"})
    written = assess(client, world, case_id, {"problem": "Trångt"})
    assert "proposed_measure" in written["missing"]
    before = events_of(session, case_id)
    problem = fire(client, world, case_id, "submit_assessment", status=422)
    assert problem["code"] == "ASSESSMENT_INCOMPLETE"
    assert problem["missing"][0] == "proposed_measure"
    assert problem["reasons"][0]["message_sv"]
    assert events_of(session, case_id) == before


def test_flags_force_the_political_route(client, world):
    case_id = register(client, world, flags=["council_reserved"])["id"]
    problem = fire(client, world, case_id, "triage",
                   {"route": "operational", "motivation": "x"}, status=422)  # fmt: skip
    assert problem["code"] == "ROUTE_MUST_BE_POLITICAL"
    assert problem["flags"] == ["council_reserved"]


def test_options_tell_what_stands_in_the_way(client, world):
    case_id = register(client, world)["id"]
    options = client.get(f"/api/v1/cases/{case_id}/transitions", headers=world.officer).json()
    assert [(o["trigger"], o["ready"]) for o in options] == [
        ("triage", True), ("scope_assessment", False), ("withdraw", True),
    ]  # fmt: skip
    assert options[1]["reasons"][0]["code"] == "ROUTE_NOT_SET"
    assert options[0]["payload_schema"]["required"] == ["route", "motivation"]
    assert options[1]["label_sv"] == "Beslut om konsekvensbeskrivning"


def test_stale_if_match_is_412_and_a_fresh_one_passes(client, world, session):
    case_id = register(client, world)["id"]
    etag = client.get(f"/api/v1/cases/{case_id}", headers=world.officer).headers["etag"]
    fire(client, world, case_id, "triage", {"route": "political", "motivation": "x"},
         headers=world.head | {"If-Match": etag})  # fmt: skip
    stale = fire(client, world, case_id, "withdraw", {"reason": "x"}, status=412,
                 headers=world.head | {"If-Match": etag})  # fmt: skip
    assert stale["code"] == "PRECONDITION_FAILED"
    assert session.get(Case, case_id).state == "proposed"


def test_the_assessment_is_written_in_its_state(client, world):
    case_id = register(client, world)["id"]
    response = client.put(f"/api/v1/cases/{case_id}/assessment", json={"content": {}},
                          headers=world.officer)  # fmt: skip
    assert response.status_code == 409
    assert response.json()["code"] == "WRONG_STATE"


def test_unknown_case_is_404(client, world):
    assert (
        client.get("/api/v1/cases/999999", headers=world.officer).json()["code"] == "CASE_NOT_FOUND"
    )
    assert fire(client, world, 999999, "triage", {}, status=404)["code"] == "CASE_NOT_FOUND"


def test_unknown_organ_in_registration_is_422(client, world, session):
    response = client.post("/api/v1/cases", json=CASE | {"organ": "XYZ"}, headers=world.registrar)
    assert response.status_code == 422
    assert response.json()["code"] == "UNKNOWN_REFERENCE"
    assert session.scalar(select(func.count()).select_from(Case)) == 0
