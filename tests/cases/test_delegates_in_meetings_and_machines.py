"""Delegates that are not one person (KL 6:37): a sub-committee deciding in its meeting under
the order, recorded by a registrar and judged for its own quorum; and an automated decision
function, an API key that decides only under the entries naming it."""

import pytest

from tests.builders import make_membership, make_organ
from tests.cases.conftest import adopt_order
from tests.cases.test_authority_api import events, register, to_decision

COMMUNICATED = {"communicated_on": "2026-11-02", "party": "Vårdnadshavare"}
APPROVE = {
    "decision_text": "Skolskjuts beviljas",
    "decided_on": "2026-11-20",
    "reasons": "Avståndet överstiger 4 km",
    "communication": COMMUNICATED,
}


def adopt(client, world, entries):
    matter_types = [
        {"code": "skola", "name": "Skolorganisation", "appeal_route": "judicial_review"},
        {"code": "skolskjuts", "name": "Skolskjuts", "appeal_route": "administrative_appeal"},
    ]
    adopted = adopt_order(client, world, entries, matter_types=matter_types)
    assert adopted.status_code == 200, adopted.text


@pytest.fixture
def sub_committee(session):
    make_organ(
        session, code="BUN-AU", name="Arbetsutskottet", kind="sub_committee", parent="BUN", seats=3
    )
    members = [make_membership(session, organ="BUN-AU", role="member").person_id for _ in range(3)]
    session.commit()
    return members


def in_meeting(present):
    return {
        "kind": "delegated_decision",
        "organ": "BUN-AU",
        "meeting": {"held_on": "2026-11-20", "paragraph": "AU § 4", "present": present},
    }


SKOLA_TO_AU = {
    "6.1": {
        "matter_types": ["skola"],
        "actions": ["approve"],
        "delegate": {"kind": "sub_committee", "organ": "BUN-AU"},
    }
}
OK = {"decision_text": "Utskottet bifaller", "decided_on": "2026-11-20"}


def test_a_sub_committee_decides_in_its_meeting_under_the_order(
    client, world, session, sub_committee
):
    adopt(client, world, SKOLA_TO_AU)
    case_id = register(client, world, matter_type="skola")
    to_decision(client, world, case_id)
    options = client.get(f"/api/v1/cases/{case_id}/transitions", headers=world.registrar).json()
    approve = next(o for o in options if o["trigger"] == "approve")
    assert "delegated_decision" in approve["authority_kinds"]

    thin = world.step(
        client,
        case_id,
        "approve",
        OK,
        headers=world.registrar,
        authority=in_meeting(sub_committee[:1]),
    )
    assert (thin.status_code, thin.json()["code"]) == (409, "QUORUM_NOT_MET")
    response = world.step(
        client,
        case_id,
        "approve",
        OK,
        headers=world.registrar,
        authority=in_meeting(sub_committee[:2]),
    )
    assert response.status_code == 200, response.text
    authority = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()[-1][
        "authority"
    ]
    assert authority | {"present": None} == {
        "kind": "delegated_decision",
        "order_version": 1,
        "entry": "6.1",
        "organ": "BUN-AU",
        "held_on": "2026-11-20",
        "paragraph": "AU § 4",
        "present": None,
        "substitutes_serving": [],
        "counted": 2,
        "seats": 3,
        "report_to_organ": True,
    }


def test_a_sub_committee_decides_only_what_the_order_gives_it(
    client, world, session, sub_committee
):
    adopt(client, world, SKOLA_TO_AU)
    case_id = register(client, world, matter_type="skolskjuts")
    to_decision(client, world, case_id)
    before = events(session, case_id)
    response = world.step(
        client,
        case_id,
        "approve",
        APPROVE,
        headers=world.registrar,
        authority=in_meeting(sub_committee),
    )
    assert (response.status_code, response.json()["code"]) == (403, "NOT_DELEGATED")
    other = register(client, world, matter_type="skola")
    to_decision(client, world, other)
    by_secretary = world.step(client, other, "approve", OK, authority=in_meeting(sub_committee))
    assert (by_secretary.status_code, by_secretary.json()["code"]) == (403, "NOT_RECORDER")
    assert events(session, case_id) == before


SKOLSKJUTS_TO_MACHINE = {
    "7.1": {
        "matter_types": ["skolskjuts"],
        "actions": ["approve"],
        "delegate": {"kind": "automated", "function": "skolskjuts-e-tjanst"},
        "legal_reference": "KL 6:37, FL 28",
    }
}


def machine(client, world, function):
    body = {"name": "E-tjänst skolskjuts", "scopes": ["cases:read", "cases:write"]}
    if function:
        body["automated_function"] = function
    created = client.post("/api/v1/api-keys", json=body, headers=world.registrar)
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['key']}"}


@pytest.mark.parametrize(
    ("function", "status", "code"),
    [
        ("skolskjuts-e-tjanst", 200, None),
        ("annan-e-tjanst", 403, "NOT_DELEGATE"),
        (None, 403, "NOT_DELEGATE"),
    ],
)
def test_an_automated_function_decides_only_under_its_own_entries(
    client, world, session, function, status, code
):
    adopt(client, world, SKOLSKJUTS_TO_MACHINE)
    case_id = register(
        client, world, matter_type="skolskjuts", appeal_route="administrative_appeal"
    )
    to_decision(client, world, case_id)
    before = events(session, case_id)
    response = world.step(
        client,
        case_id,
        "approve",
        APPROVE,
        headers=machine(client, world, function),
        authority={"kind": "delegated_decision"},
    )
    assert response.status_code == status, response.text
    if code:
        assert response.json()["code"] == code
        assert events(session, case_id) == before
    else:
        authority = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()[-1][
            "authority"
        ]
        assert (authority["kind"], authority["entry"]) == ("delegated_decision", "7.1")


def test_no_automated_decisions_on_judicial_review_matters(client, world):
    entries = {"7.1": SKOLSKJUTS_TO_MACHINE["7.1"] | {"matter_types": ["skola"]}}
    refused = adopt_order(client, world, entries, matter_types=[{"code": "skola", "name": "Skola"}])
    assert (refused.status_code, refused.json()["code"]) == (422, "AUTOMATED_DECISION_NOT_ALLOWED")
