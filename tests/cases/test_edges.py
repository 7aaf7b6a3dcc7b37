"""Edges of the case API a client can hit by mistake: odd bodies, odd headers, big numbers,
refusals inside a trigger's effect, and the rules between cases (one case per rank)."""

import pytest
from sqlalchemy import func, select

from app.cases.models import AssessmentRevision, Case, CaseEvent
from tests.cases.conftest import CASE


def register(client, world, **overrides):
    return client.post("/api/v1/cases", json=CASE | overrides, headers=world.registrar)


def fire(client, world, case_id, trigger, payload=None, headers=None, **kwargs):
    return world.step(client, case_id, trigger, payload, headers=headers, **kwargs)


def history(session, case_id) -> tuple[int, str, int]:
    session.expire_all()
    case = session.get(Case, case_id)
    events = session.scalar(
        select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case_id)
    )
    return events, case.state, case.version


def to_valuation(client, world, case_id):
    fire(client, world, case_id, "triage", {"route": "political", "motivation": "x"})
    scoped = fire(client, world, case_id, "scope_assessment",
                  {"level": "none", "motivation": "Ren verkställighet"})  # fmt: skip
    assert scoped.status_code == 200, scoped.text
    assert fire(client, world, case_id, "submit_assessment", {}).status_code == 200


def test_registration_etag_is_the_first_version(client, world):
    response = register(client, world)
    assert response.headers["etag"] == '"1"'
    assert response.json()["version"] == 1


def test_deciding_no_assessment_is_needed_is_the_assessment(client, world, session):
    """The scope decision's motivation is the revision: nothing to write twice."""
    case_id = register(client, world).json()["id"]
    to_valuation(client, world, case_id)
    revisions = session.scalars(
        select(AssessmentRevision).where(AssessmentRevision.case_id == case_id)
    ).all()
    assert [(r.revision, r.level, r.content) for r in revisions] == [
        (1, "none", {"motivation": "Ren verkställighet"})
    ]


@pytest.mark.parametrize(
    "body",
    [None, [], ["route"], "political", 5, {"route": "political", "motivation": None}],
    ids=["no-body", "empty-list", "list", "string", "number", "null-field"],
)
def test_odd_transition_bodies_are_4xx_and_write_nothing(client, world, session, body):
    case_id = register(client, world).json()["id"]
    before = history(session, case_id)
    response = fire(client, world, case_id, "triage", body)
    assert response.status_code == 422, response.text
    assert history(session, case_id) == before


@pytest.mark.parametrize(
    "raw",
    [
        b'{"period": "2027", "rank": 1000000000000000000000000000000, "motivation": "m"}',
        b'{"period": "2027", "rank": 9223372036854775808, "motivation": "m"}',
        b'{"period": "2027", "score": 1e309, "motivation": "m"}',
        b'{"period": "2027", "score": 50, "criteria": {"nytta": Infinity}, "motivation": "m"}',
        b'{"period": "2027", "score": NaN, "motivation": "m"}',
        b'{"period": "27", "score": 50, "motivation": "m"}',
        b'{"period": "2027", "motivation": "m"}',
    ],
)
def test_odd_numbers_are_4xx(client, world, session, raw):
    case_id = register(client, world).json()["id"]
    to_valuation(client, world, case_id)
    before = history(session, case_id)
    response = fire(client, world, case_id, "prioritise", content=raw,
                    headers=world.officer | {"Content-Type": "application/json"})  # fmt: skip
    assert response.status_code in (400, 422), response.text
    assert history(session, case_id) == before


def test_wrong_state_wins_over_a_bad_payload(client, world):
    case_id = register(client, world).json()["id"]
    response = fire(client, world, case_id, "approve", {})
    assert response.status_code == 409
    assert response.json()["code"] == "WRONG_STATE"


@pytest.mark.parametrize(
    "if_match", [b'"' + b"9" * 5000 + b'"', '"²"'.encode(), b"*", b'"-1"', b"abc"]
)
def test_odd_if_match_is_400(client, world, if_match):
    case_id = register(client, world).json()["id"]
    response = fire(client, world, case_id, "withdraw", {"reason": "x"},
                    headers=world.officer | {"If-Match": if_match})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_IF_MATCH"


def test_one_case_per_rank_and_a_withdrawn_case_gives_its_place_up(client, world):
    first = register(client, world).json()["id"]
    second = register(client, world, title="Solskydd").json()["id"]
    for case_id in (first, second):
        to_valuation(client, world, case_id)
    ranked = {"period": "2027", "rank": 1, "motivation": "m"}
    assert fire(client, world, first, "prioritise", ranked).status_code == 200
    taken = fire(client, world, second, "prioritise", ranked)
    assert taken.status_code == 409
    assert taken.json()["code"] == "RANK_TAKEN"
    assert taken.json()["case_id"] == first
    fire(client, world, first, "withdraw", {"reason": "Inte längre aktuell"})
    assert fire(client, world, second, "prioritise", ranked).status_code == 200


def test_a_refusal_inside_an_effect_writes_nothing(client, world, session):
    case_id = register(client, world).json()["id"]
    to_valuation(client, world, case_id)
    fire(client, world, case_id, "prioritise", {"period": "2027", "score": 1, "motivation": "m"})
    fire(client, world, case_id, "approve", {"decision_text": "Bifall", "decided_on": "2026-11-20"})
    before = history(session, case_id)
    response = fire(client, world, case_id, "start_implementation", {"responsible_unit": "NOPE"})
    assert response.status_code == 422
    assert response.json()["code"] == "UNKNOWN_REFERENCE"
    assert history(session, case_id) == before


def test_a_new_proposal_title_like_registration_takes(client, world):
    case_id = register(client, world).json()["id"]
    to_valuation(client, world, case_id)
    fire(client, world, case_id, "prioritise", {"period": "2027", "score": 1, "motivation": "m"})
    fire(client, world, case_id, "approve", {"decision_text": "Bifall", "decided_on": "2026-11-20"})
    fire(client, world, case_id, "start_implementation", {"responsible_unit": "UTB-GRU"})
    fire(client, world, case_id, "complete_implementation", {"outcome_summary": "Klart"})
    too_long = {"report": {"deviations": "d", "conclusions": "c"},
                "new_proposals": [{"title": "x" * 201, "problem": "p"}]}  # fmt: skip
    assert fire(client, world, case_id, "close", too_long).status_code == 422
    two_lines = {"report": {"deviations": "d", "conclusions": "c"},
                 "new_proposals": [{"title": "a\nb", "problem": "p"}]}  # fmt: skip
    assert fire(client, world, case_id, "close", two_lines).status_code == 422


def test_referral_response_cannot_be_smuggled_in_the_content(client, world):
    case_id = register(client, world).json()["id"]
    fire(client, world, case_id, "triage", {"route": "political", "motivation": "x"})
    fire(client, world, case_id, "scope_assessment", {"level": "simplified"})
    written = client.put(
        f"/api/v1/cases/{case_id}/assessment",
        json={"content": {"referral_response": "påhittat"}},
        headers=world.officer,
    ).json()
    assert written["current"]["referral_response"] is None


def test_assessment_content_must_be_an_object(client, world):
    case_id = register(client, world).json()["id"]
    fire(client, world, case_id, "triage", {"route": "political", "motivation": "x"})
    fire(client, world, case_id, "scope_assessment", {"level": "simplified"})
    response = client.put(f"/api/v1/cases/{case_id}/assessment", json={"content": ["x"]},
                          headers=world.officer)  # fmt: skip
    assert response.status_code == 422
