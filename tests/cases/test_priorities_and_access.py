"""The prioritisation view, and which callers may read and write cases at all (scopes)."""

import pytest
from sqlalchemy import func, select

from app.cases.models import Case
from tests.builders import bearer, make_person
from tests.cases.conftest import CASE, COMPLETE_SIMPLIFIED


def prioritised(client, world, title, cost, **priority):
    case_id = client.post(
        "/api/v1/cases", json=CASE | {"title": title, "estimated_cost_sek": cost},
        headers=world.registrar,
    ).json()["id"]  # fmt: skip
    steps = [
        ("triage", {"route": "political", "motivation": "x"}),
        ("scope_assessment", {"level": "none", "motivation": "Ren verkställighet"}),
    ]
    for trigger, payload in steps:
        world.step(client, case_id, trigger, payload)
    client.put(
        f"/api/v1/cases/{case_id}/assessment",
        json={"content": {"motivation": "Ren verkställighet"}},
        headers=world.officer,
    )
    world.step(client, case_id, "submit_assessment")
    response = world.step(
        client, case_id, "prioritise", {"period": "2027", "motivation": "m"} | priority
    )
    assert response.status_code == 200, response.text
    return case_id


def test_priorities_in_rank_order_with_running_total(client, world):
    second = prioritised(client, world, "Solskydd", 300_000, rank=2)
    first = prioritised(client, world, "Paviljong", 2_400_000, rank=1)
    scored = prioritised(client, world, "Ventilation", None, score=40)
    other_year = prioritised(client, world, "Nästa år", 1, rank=1, period="2028")
    view = client.get("/api/v1/organs/BUN/priorities?period=2027", headers=world.officer).json()
    assert [(r["case_id"], r["running_total_sek"]) for r in view["rows"]] == [
        (first, 2_400_000), (second, 2_700_000), (scored, 2_700_000),
    ]  # fmt: skip
    assert view["total_sek"] == 2_700_000
    assert other_year not in [r["case_id"] for r in view["rows"]]


def test_priorities_of_an_unknown_organ_is_404(client, world):
    response = client.get("/api/v1/organs/NOPE/priorities?period=2027", headers=world.officer)
    assert response.status_code == 404


def key_for(client, world, *scopes):
    created = client.post("/api/v1/api-keys", json={"name": "P360", "scopes": list(scopes)},
                          headers=world.registrar).json()  # fmt: skip
    return {"Authorization": f"Bearer {created['key']}"}


@pytest.mark.parametrize(
    ("scopes", "may_read", "may_write"),
    [
        (["cases:read"], True, False),
        (["cases:write"], True, True),
        (["integration"], True, True),
        (["admin"], False, False),
    ],
)
def test_api_keys_need_case_scopes(client, world, session, scopes, may_read, may_write):
    headers = key_for(client, world, *scopes)
    case_id = client.post("/api/v1/cases", json=CASE, headers=world.registrar).json()["id"]
    read = client.get(f"/api/v1/cases/{case_id}", headers=headers)
    assert read.status_code == (200 if may_read else 403)
    before = session.scalar(select(func.count()).select_from(Case))
    write = client.post("/api/v1/cases", json=CASE, headers=headers)
    assert write.status_code == (201 if may_write else 403)
    moved = world.step(client, case_id, "withdraw", {"reason": "x"}, headers=headers)
    assert moved.status_code == 403  # a key holds no post or delegation: it may not decide
    assert moved.json()["code"] == ("NOT_OPERATIONAL" if may_write else "SCOPE_REQUIRED")
    assert session.scalar(select(func.count()).select_from(Case)) == before + int(may_write)


def test_any_person_may_register_a_proposal(client, world, session, settings):
    elected = make_person(session, kind="elected")
    session.commit()
    response = client.post("/api/v1/cases", json=CASE, headers=bearer(settings, elected.username))
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/v1/cases"), ("POST", "/api/v1/cases"), ("GET", "/api/v1/cases/1"),
     ("GET", "/api/v1/cases/1/events"), ("GET", "/api/v1/cases/1/transitions"),
     ("POST", "/api/v1/cases/1/transitions/triage"), ("PUT", "/api/v1/cases/1/assessment"),
     ("GET", "/api/v1/cases/1/assessment"), ("GET", "/api/v1/cases/1/diagram"),
     ("GET", "/api/v1/workflows"), ("POST", "/api/v1/workflows/measure/versions"),
     ("GET", "/api/v1/organs/BUN/priorities?period=2027")],
)  # fmt: skip
def test_every_case_endpoint_needs_credentials(client, world, method, path):
    response = client.request(method, path, json={})
    assert response.status_code == 401


def test_complete_assessment_leaves_nothing_missing(client, world):
    case_id = client.post("/api/v1/cases", json=CASE, headers=world.registrar).json()["id"]
    world.step(client, case_id, "triage", {"route": "political", "motivation": "x"})
    world.step(client, case_id, "scope_assessment", {"level": "simplified"})
    client.put(f"/api/v1/cases/{case_id}/assessment", json={"content": {"problem": "x"}},
               headers=world.officer)  # fmt: skip
    written = client.put(
        f"/api/v1/cases/{case_id}/assessment",
        json={"content": COMPLETE_SIMPLIFIED},
        headers=world.officer,
    ).json()
    assert written["missing"] == []
    assert [r["revision"] for r in written["history"]] == [1, 2]
    assert written["current"]["revision"] == 2
