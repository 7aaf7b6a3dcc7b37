"""The authority matrix through the API, on every database: each caller approves a case that
waits for its decision, under each authority they may name (or none). A refusal answers with the
status and code its first reason maps to and writes nothing; a grant writes exactly one event,
whose authority records the kind.

BUN's order (``adopt_premises_order``): premises matters approved by the head of UTB up to
3 MSEK, and the chair's clause for urgent matters. The case costs 2.4 MSEK."""

from typing import Any

import pytest
from sqlalchemy import func, select

from app.cases.models import Case, CaseEvent
from tests.builders import bearer, make_membership, make_position, make_unit
from tests.cases.test_authority_api import adopt_premises_order, events, register, to_decision

APPROVE = {"decision_text": "Bifall", "decided_on": "2026-11-20"}
CLAIMS = ("none", "operational", "delegated", "urgent", "organ")
ND, NO, U, R = "NOT_DELEGATE", "NOT_OPERATIONAL", "URGENT_POWER_NOT_HELD", "NOT_RECORDER"
DEL, URG, ORG = (200, "delegated_decision"), (200, "urgent_decision"), (200, "organ_decision")
# (status, problem code), or (200, the kind the event records), per claim: none named,
# operational, delegated_decision, urgent_decision, organ_decision in BUN's quorate meeting.
MATRIX = {
    "registrar": ((403, ND), (403, NO), (403, ND), (403, U), ORG),
    "secretary": ((403, ND), (403, NO), (403, ND), (403, U), ORG),
    "chair": ((403, ND), (403, NO), (403, ND), URG, (403, R)),
    "member": ((403, ND), (403, NO), (403, ND), (403, U), (403, R)),
    "head": (DEL, (403, NO), DEL, (403, U), (403, R)),
    "manager": ((403, ND), (403, NO), (403, ND), (403, U), (403, R)),
    "officer": ((403, ND), (403, NO), (403, ND), (403, U), (403, R)),
    "other_employee": ((403, ND), (403, NO), (403, ND), (403, U), (403, R)),
    "api_key": ((403, ND), (403, NO), (403, ND), (403, U), (403, R)),  # owned by the head
}
# Who records the meeting may still not have a decision: 5 of BUN's 11 seats present; someone
# holding no seat among those present.
FLAWED_MEETINGS = {
    (who, claim): expected
    for who in ("registrar", "secretary")
    for claim, expected in (("organ_thin", (409, "QUORUM_NOT_MET")),
                            ("organ_stranger", (422, "NOT_MEMBER")))
}  # fmt: skip
CELLS = {(who, claim): row[i] for who, row in MATRIX.items() for i, claim in enumerate(CLAIMS)}
REFUSALS = {cell: expected for cell, expected in CELLS.items() if expected[0] != 200}
GRANTS = {cell: expected for cell, expected in CELLS.items() if expected[0] == 200}


def claims(world) -> dict[str, dict[str, Any] | None]:
    def meeting(present: list[int]) -> dict[str, Any]:
        record = {"held_on": "2026-11-20", "paragraph": "§ 101", "present": present}
        return {"kind": "organ_decision", "meeting": record}

    return {
        "none": None,
        "operational": {"kind": "operational"},
        "delegated": {"kind": "delegated_decision"},
        "urgent": {"kind": "urgent_decision"},
        "organ": meeting(world.members),
        "organ_thin": meeting(world.members[:5]),
        "organ_stranger": meeting([*world.members, 999_999]),
    }


@pytest.fixture
def callers(client, world, session, settings) -> dict[str, dict[str, str]]:
    make_unit(session, code="SOC", name="Socialförvaltningen")
    stranger = make_position(session, unit="SOC", role="head_of_administration").person
    member = make_membership(session, organ="BUN", role="member").person
    session.commit()
    head_id = client.get("/api/v1/me", headers=world.head).json()["person_id"]
    key = client.post(
        "/api/v1/api-keys",
        json={"name": "P360", "scopes": ["cases:write"], "person_id": head_id},
        headers=world.registrar,
    )
    assert key.status_code == 201, key.text
    return {
        "registrar": world.registrar,
        "secretary": world.secretary,
        "chair": world.chair,
        "member": bearer(settings, member.username),
        "head": world.head,
        "manager": world.manager,
        "officer": world.officer,
        "other_employee": bearer(settings, stranger.username),
        "api_key": {"Authorization": f"Bearer {key.json()['key']}"},
    }


def case_at_decision(client, world, **overrides: Any) -> int:
    case_id = register(client, world, matter_type="lokal", **overrides)
    to_decision(client, world, case_id)
    return case_id


def approve(client, case_id: int, headers: dict[str, str], claim: dict[str, Any] | None):
    body = {"payload": APPROVE} | ({"authority": claim} if claim else {})
    return client.post(f"/api/v1/cases/{case_id}/transitions/approve", json=body, headers=headers)


def written(session, case_id: int) -> tuple[int, str]:
    """How many events the case has, and its state."""
    state = session.scalar(select(Case.state).where(Case.id == case_id))
    return events(session, case_id), state


def last_authority(session, case_id: int) -> dict[str, Any]:
    newest = select(func.max(CaseEvent.id)).where(CaseEvent.case_id == case_id)
    return session.scalar(
        select(CaseEvent.authority).where(CaseEvent.id == newest.scalar_subquery())
    )


def test_a_refusal_says_why_and_writes_nothing(client, world, session, callers):
    adopt_premises_order(client, world)
    case_id = case_at_decision(client, world)
    before = written(session, case_id)
    assert before[1] == "decision"
    tried = {
        (who, claim): approve(client, case_id, callers[who], claims(world)[claim])
        for who, claim in REFUSALS | FLAWED_MEETINGS
    }
    observed = {
        cell: (response.status_code, response.json().get("code"))
        for cell, response in tried.items()
    }
    assert observed == REFUSALS | FLAWED_MEETINGS
    assert written(session, case_id) == before


def test_a_grant_writes_one_event_recording_its_authority(client, world, session, callers):
    adopt_premises_order(client, world)
    cases = {cell: case_at_decision(client, world) for cell in GRANTS}
    before = {cell: written(session, case_id)[0] for cell, case_id in cases.items()}
    responses = {
        (who, claim): approve(client, cases[who, claim], callers[who], claims(world)[claim])
        for who, claim in GRANTS
    }
    observed = {
        cell: (
            response.status_code,
            response.json().get("code"),
            last_authority(session, cases[cell])["kind"],
            written(session, cases[cell]),
        )
        for cell, response in responses.items()
    }
    assert observed == {
        cell: (200, None, kind, (before[cell] + 1, "planning"))
        for cell, (_, kind) in GRANTS.items()
    }


def test_the_delegate_is_bound_by_the_price_tag(client, world, session):
    adopt_premises_order(client, world)
    over = case_at_decision(client, world, estimated_cost_sek=3_500_000)
    unpriced = case_at_decision(client, world, estimated_cost_sek=None)
    before = written(session, over), written(session, unpriced)
    refused = [
        approve(client, case_id, world.head, claim)
        for case_id in (over, unpriced)
        for claim in (None, {"kind": "delegated_decision"})
    ]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [
        (403, "AMOUNT_OVER_LIMIT"),
        (403, "AMOUNT_OVER_LIMIT"),
        (422, "AMOUNT_REQUIRED"),
        (422, "AMOUNT_REQUIRED"),
    ]
    assert (written(session, over), written(session, unpriced)) == before
