"""Authority through the API: each step needs it, refusals say why in both languages and write
nothing, the event records the authority, and options tell the caller what they may do."""

from sqlalchemy import func, select

from app.cases.models import CaseEvent
from tests.cases.conftest import CASE, adopt_order


def register(client, world, **overrides):
    response = client.post("/api/v1/cases", json=CASE | overrides, headers=world.registrar)
    return response.json()["id"]


def events(session, case_id) -> int:
    query = select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
    return session.scalar(query)


def to_decision(client, world, case_id):
    world.step(client, case_id, "triage", {"route": "political", "motivation": "x"})
    world.step(client, case_id, "scope_assessment", {"level": "none", "motivation": "m"})
    world.step(client, case_id, "submit_assessment")
    world.step(client, case_id, "prioritise", {"period": "2027", "score": 5, "motivation": "m"})


URGENT_CLAUSE = {
    "title": "Brådskande ärenden",
    "matter_types": [],
    "actions": ["approve", "reject"],
    "delegate": {"kind": "membership", "role": "chair"},
    "urgent": True,
    "legal_reference": "KL 6:39",
}


def adopt_premises_order(client, world, **entry):
    """BUN's order: premises matters (lokal) approved by the head of UTB up to 3 MSEK, and the
    chair's clause for urgent matters."""
    premises = {
        "title": "Lokalfrågor",
        "matter_types": ["lokal"],
        "actions": ["approve"],
        "delegate": {"kind": "position", "role": "head_of_administration", "unit": "UTB"},
        "amount_limit_sek": 3_000_000,
    }
    entries = {"4.1": premises | entry, "1.1": URGENT_CLAUSE}
    adopted = adopt_order(
        client, world, entries, matter_types=[{"code": "lokal", "name": "Lokaler"}]
    )
    assert adopted.status_code == 200, adopted.text


def test_a_case_officer_cannot_triage(client, world, session):
    case_id = register(client, world)
    before = events(session, case_id)
    response = world.step(
        client, case_id, "triage", {"route": "political", "motivation": "x"}, headers=world.officer
    )
    assert response.status_code == 403
    problem = response.json()
    assert problem["code"] == "NOT_IN_RESPONSIBLE_UNIT"
    assert "förvaltningschef" in problem["detail_sv"]
    assert [r["code"] for r in problem["reasons"]] == [
        "NOT_IN_RESPONSIBLE_UNIT",
        "DELEGATION_NOT_IN_FORCE",
    ]
    assert events(session, case_id) == before


def test_an_organ_decision_needs_a_quorum(client, world, session):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    before = events(session, case_id)
    thin = {
        "kind": "organ_decision",
        "meeting": {"held_on": "2026-11-20", "paragraph": "§ 7", "present": world.members[:5]},
    }
    response = world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "Bifall", "decided_on": "2026-11-20"},
        authority=thin,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "QUORUM_NOT_MET"
    assert response.json()["legal_reference"] == "KL 5:45, 6:27"
    assert events(session, case_id) == before


def test_the_event_records_the_meeting(client, world):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    world.step(client, case_id, "approve", {"decision_text": "Bifall", "decided_on": "2026-11-20"})
    history = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert history[-1]["authority"] == {
        "kind": "organ_decision",
        "organ": "BUN",
        "held_on": "2026-11-20",
        "paragraph": "§ 101",
        "present": sorted(world.members[:6]),
        "substitutes_serving": [],
        "counted": 6,
        "seats": 11,
        "report_to_organ": False,
    }


def test_the_chair_decides_an_urgent_matter_and_it_is_to_be_reported(client, world):
    adopt_premises_order(client, world)
    case_id = register(client, world)
    to_decision(client, world, case_id)
    response = world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "Brådskande bifall", "decided_on": "2026-11-21"},
        headers=world.chair,
        authority={"kind": "urgent_decision"},
    )
    assert response.status_code == 200, response.text
    history = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert history[-1]["authority"]["kind"] == "urgent_decision"
    assert history[-1]["authority"]["report_to_organ"] is True


def test_an_employee_cannot_take_an_urgent_decision(client, world):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    response = world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "x", "decided_on": "2026-11-21"},
        headers=world.head,
        authority={"kind": "urgent_decision"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "URGENT_POWER_NOT_HELD"


def test_a_delegated_decision_under_an_adopted_order(client, world):
    adopt_premises_order(client, world)
    case_id = register(client, world, matter_type="lokal")
    to_decision(client, world, case_id)

    options = client.get(f"/api/v1/cases/{case_id}/transitions", headers=world.head).json()
    approve = next(o for o in options if o["trigger"] == "approve")
    assert (approve["allowed"], approve["authority_kinds"]) == (True, ["delegated_decision"])

    response = world.step(  # no authority named: the caller's delegation is found
        client,
        case_id,
        "approve",
        headers=world.head,
        json={"payload": {"decision_text": "Beslut på delegation", "decided_on": "2026-11-21"}},
    )
    assert response.status_code == 200, response.text
    history = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert history[-1]["authority"] == {
        "kind": "delegated_decision",
        "order_version": 1,
        "entry": "4.1",
        "decided_on": "2026-11-21",  # recorded later than decided: the event says so
        "report_to_organ": True,
    }


def test_options_tell_each_caller_what_they_may_do(client, world):
    case_id = register(client, world)
    as_head = client.get(f"/api/v1/cases/{case_id}/transitions", headers=world.head).json()
    as_officer = client.get(f"/api/v1/cases/{case_id}/transitions", headers=world.officer).json()
    triage = lambda options: next(o for o in options if o["trigger"] == "triage")  # noqa: E731
    assert (triage(as_head)["allowed"], triage(as_head)["authority_kinds"]) == (
        True,
        ["operational"],
    )
    assert triage(as_officer)["allowed"] is False
    assert triage(as_officer)["reasons"][0]["code"] == "NOT_IN_RESPONSIBLE_UNIT"


def test_urgent_decisions_are_listed_until_a_meeting_takes_note(client, world, session):
    adopt_premises_order(client, world)
    case_id = register(client, world)
    to_decision(client, world, case_id)
    world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "Brådskande", "decided_on": "2026-11-21"},
        headers=world.chair,
        authority={"kind": "urgent_decision"},
    )
    unreported = client.get(
        "/api/v1/organs/BUN/delegated-decisions?reported=false", headers=world.officer
    ).json()
    assert [(d["case_id"], d["kind"], d["trigger"]) for d in unreported] == [
        (case_id, "urgent_decision", "approve")
    ]
    body = {"decision_ids": [unreported[0]["id"]], "held_on": "2026-12-10", "paragraph": "§ 120"}
    refused = client.post(
        "/api/v1/organs/BUN/delegated-decisions/report", json=body, headers=world.head
    )
    assert refused.status_code == 403
    reported = client.post(
        "/api/v1/organs/BUN/delegated-decisions/report", json=body, headers=world.secretary
    )
    assert reported.status_code == 200, reported.text
    assert reported.json()[0]["reported_on"] == "2026-12-10"
    assert (
        client.get(
            "/api/v1/organs/BUN/delegated-decisions?reported=false", headers=world.officer
        ).json()
        == []
    )
    listed = client.get(
        "/api/v1/organs/BUN/delegated-decisions?reported=true", headers=world.officer
    ).json()
    assert [d["report_paragraph"] for d in listed] == ["§ 120"]
    again = client.post(
        "/api/v1/organs/BUN/delegated-decisions/report", json=body, headers=world.secretary
    )
    assert again.status_code == 409
    assert again.json()["reported_ids"] == [unreported[0]["id"]]


def test_organ_decisions_are_not_reportable(client, world):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    world.step(client, case_id, "approve", {"decision_text": "Bifall", "decided_on": "2026-11-20"})
    assert client.get("/api/v1/organs/BUN/delegated-decisions", headers=world.officer).json() == []


def test_a_non_delegable_matter_type_forces_the_political_route(client, world):
    client.post(
        "/api/v1/organs/BUN/matter-types",
        json={"code": "mal", "name": "Mål", "non_delegable": True},
        headers=world.registrar,
    )
    case_id = register(client, world, matter_type="mal")
    response = world.step(client, case_id, "triage", {"route": "operational", "motivation": "x"})
    assert response.status_code == 422
    assert response.json()["code"] == "ROUTE_MUST_BE_POLITICAL"


def test_a_key_owned_by_the_proposer_cannot_withdraw_for_them(client, world, session):
    case_id = register(client, world)
    registrar_id = client.get("/api/v1/me", headers=world.registrar).json()["person_id"]
    key = client.post(
        "/api/v1/api-keys",
        json={"name": "x", "scopes": ["cases:write"], "person_id": registrar_id},
        headers=world.registrar,
    ).json()["key"]
    response = world.step(
        client, case_id, "withdraw", {"reason": "x"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 403


def test_a_meeting_that_has_not_been_held_decides_nothing(client, world):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    future = {
        "kind": "organ_decision",
        "meeting": {"held_on": "2099-01-01", "paragraph": "§ 1", "present": world.members},
    }
    response = world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "x", "decided_on": "2099-01-01"},
        authority=future,
    )
    assert response.status_code == 422


def test_a_referral_back_states_its_reason(client, world):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    response = world.step(client, case_id, "refer_back", {"requested_by": ["Eva Ek"]})
    assert response.status_code == 422
    assert response.json()["code"] == "REFERRAL_REASON_REQUIRED"


def test_attendance_names_members_only(client, world):
    case_id = register(client, world)
    to_decision(client, world, case_id)
    stranger = {
        "kind": "organ_decision",
        "meeting": {"held_on": "2026-11-20", "paragraph": "§ 9", "present": [*world.members, 999]},
    }
    response = world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "x", "decided_on": "2026-11-20"},
        authority=stranger,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "NOT_MEMBER"


def test_a_substitute_decides_while_the_delegate_is_recorded_absent(client, world):
    adopt_premises_order(
        client, world, substitute={"kind": "position", "role": "unit_manager", "unit": "UTB-GRU"}
    )
    case_id = register(client, world, matter_type="lokal")
    to_decision(client, world, case_id)
    approve = {"payload": {"decision_text": "Beslut", "decided_on": "2026-11-21"}}

    present = world.step(client, case_id, "approve", headers=world.manager, json=approve)
    assert present.status_code == 403
    assert present.json()["code"] == "DELEGATE_NOT_ABSENT"

    head_id = client.get("/api/v1/me", headers=world.head).json()["person_id"]
    away = {"starts_on": "2026-11-01", "ends_on": "2099-12-31", "note": "Tjänstledig"}
    assert (
        client.post(
            f"/api/v1/people/{head_id}/absences", json=away, headers=world.manager
        ).status_code
        == 403
    )
    recorded = client.post(f"/api/v1/people/{head_id}/absences", json=away, headers=world.registrar)
    assert recorded.status_code == 201, recorded.text
    decided = world.step(client, case_id, "approve", headers=world.manager, json=approve)
    assert decided.status_code == 200, decided.text
    history = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert history[-1]["authority"]["substitute_for_absent_delegate"] is True


def test_an_absence_ends_after_it_starts(client, world):
    head_id = client.get("/api/v1/me", headers=world.head).json()["person_id"]
    backwards = {"starts_on": "2026-12-01", "ends_on": "2026-11-01"}
    response = client.post(
        f"/api/v1/people/{head_id}/absences", json=backwards, headers=world.registrar
    )
    assert response.status_code == 422
    assert response.json()["code"] == "INVALID_PERIOD"


def test_a_decision_is_dated_between_the_last_decision_and_today(client, world, session):
    """No future day, nothing before the case's last decision (its prioritisation, 2026-11-20),
    and an organ decides on its meeting's day; each refusal writes nothing."""
    adopt_premises_order(client, world)
    case_id = register(client, world, matter_type="lokal")
    to_decision(client, world, case_id)
    before = events(session, case_id)
    delegated = {"kind": "delegated_decision"}
    for decided_on, authority in [
        ("2099-01-01", delegated),
        ("2026-11-19", delegated),
        ("2026-11-19", None),  # the meeting was held 2026-11-20
    ]:
        response = world.step(
            client,
            case_id,
            "approve",
            {"decision_text": "B", "decided_on": decided_on},
            headers=world.head if authority else world.secretary,
            authority=authority,
        )
        assert (response.status_code, response.json()["code"]) == (
            422,
            "DECISION_DATE_OUT_OF_RANGE",
        ), decided_on
    assert events(session, case_id) == before
