"""``GET /api/v1/audit/verify`` on cases moved through the API, then tampered with directly in
the database (on PostgreSQL with the append-only trigger switched off for the test's
transaction, as the table's owner could): the first broken link of each case is named."""

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from app.cases.models import CaseEvent
from tests.audit.builders import unguard
from tests.cases.conftest import CASE, SECRET

VERIFY = "/api/v1/audit/verify"
SWAPPED = (
    "kind", "trigger", "from_state", "to_state", "payload", "authority", "actor_person_id",
    "actor_api_key_id", "created_at", "prev_hash", "hash",
)  # fmt: skip
"""Every column of an event but its id and its place (case and seq)."""


def register(client, world, **fields) -> int:
    response = client.post("/api/v1/cases", json=CASE | fields, headers=world.registrar)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def step(client, world, case_id, trigger, payload):
    response = world.step(client, case_id, trigger, payload)
    assert response.status_code == 200, response.text


@pytest.fixture
def moved(client, world) -> int:
    """A case registered, triaged and scoped, then assessed: four events."""
    case_id = register(client, world)
    step(client, world, case_id, "triage", {"route": "political", "motivation": "Principfråga"})
    step(client, world, case_id, "scope_assessment", {"level": "simplified"})
    assessed = client.put(
        f"/api/v1/cases/{case_id}/assessment",
        json={"content": {"summary": "Åtgärden påverkar årskurs 4–6"}},
        headers=world.officer,
    )
    assert assessed.status_code == 200, assessed.text
    return case_id


@pytest.fixture
def other(client, world) -> int:
    """A second case, left as registered, that nobody tampers with."""
    return register(client, world, title="Skolskjuts i Östra")


@pytest.fixture
def unguarded(session):
    unguard(session.connection())


def verify(client, world, **params):
    response = client.get(VERIFY, params=params, headers=world.registrar)
    assert response.status_code == 200, response.text
    return response.json()


def test_chains_of_cases_moved_through_the_api_hold(client, world, moved, other):
    assert verify(client, world) == {
        "ok": True,
        "cases_checked": 2,
        "events_checked": 5,
        "broken": [],
    }
    assert verify(client, world, case=moved) == {
        "ok": True,
        "cases_checked": 1,
        "events_checked": 4,
        "broken": [],
    }


def test_the_stored_chain_links_each_event_to_the_one_before(session, moved):
    rows = session.execute(
        select(CaseEvent.seq, CaseEvent.prev_hash, CaseEvent.hash)
        .where(CaseEvent.case_id == moved)
        .order_by(CaseEvent.seq)
    ).all()
    assert [row.seq for row in rows] == [1, 2, 3, 4]
    assert rows[0].prev_hash == "0" * 64
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]


def event_of(case_id: int, seq: int):
    return (CaseEvent.case_id == case_id) & (CaseEvent.seq == seq)


def test_a_modified_payload_is_named(client, world, session, moved, other, unguarded):
    session.execute(update(CaseEvent).where(event_of(moved, 2)).values(payload={"route": "x"}))
    assert verify(client, world) == {
        "ok": False,
        "cases_checked": 2,
        "events_checked": 3,
        "broken": [{"case_id": moved, "seq": 2, "problem": "modified"}],
    }


def test_a_deleted_event_is_named_by_the_gap(client, world, session, moved, unguarded):
    session.execute(delete(CaseEvent).where(event_of(moved, 2)))
    assert verify(client, world, case=moved)["broken"] == [
        {"case_id": moved, "seq": 2, "problem": "deleted"}
    ]


def test_a_deleted_newest_event_is_named_by_the_case(client, world, session, moved, unguarded):
    session.execute(delete(CaseEvent).where(event_of(moved, 4)))
    assert verify(client, world, case=moved)["broken"] == [
        {"case_id": moved, "seq": 4, "problem": "deleted"}
    ]


def swap(session, case_id: int, seq: int, columns: tuple[str, ...]) -> None:
    """Exchange ``columns`` of events ``seq`` and ``seq + 1``."""
    first, second = (
        session.execute(select(CaseEvent).where(event_of(case_id, n))).scalar_one()
        for n in (seq, seq + 1)
    )
    values = [{name: getattr(event, name) for name in columns} for event in (first, second)]
    for event, taken in zip((first, second), reversed(values), strict=True):
        for name, value in taken.items():
            setattr(event, name, value)
    session.flush()


def test_two_swapped_events_are_reordered_at_the_first(client, world, session, moved, unguarded):
    swap(session, moved, 2, SWAPPED)
    assert verify(client, world, case=moved)["broken"] == [
        {"case_id": moved, "seq": 2, "problem": "reordered"}
    ]


def test_contents_swapped_under_their_hashes_are_modified(client, world, session, moved, unguarded):
    swap(session, moved, 3, SWAPPED[:-2])
    assert verify(client, world, case=moved)["broken"] == [
        {"case_id": moved, "seq": 3, "problem": "modified"}
    ]


def test_verification_is_for_administrators(client, world, moved):
    response = client.get(VERIFY, headers=world.officer)
    assert response.status_code == 403
    assert response.json()["code"] == "ADMIN_REQUIRED"


def test_an_unknown_case_is_404(client, world):
    response = client.get(VERIFY, params={"case": 2_000_000_000}, headers=world.registrar)
    assert response.status_code == 404
    assert response.json()["code"] == "CASE_NOT_FOUND"


def test_a_confidential_case_out_of_sight_does_not_exist(client, world, moved):
    secret = register(client, world, **SECRET)
    created = client.post(
        "/api/v1/api-keys",
        json={"name": "Revision", "scopes": ["admin"]},
        headers=world.registrar,
    )
    assert created.status_code == 201, created.text
    key = {"Authorization": f"Bearer {created.json()['key']}"}
    assert client.get(VERIFY, params={"case": secret}, headers=key).status_code == 404
    assert client.get(VERIFY, headers=key).json()["cases_checked"] == 1
    assert verify(client, world)["cases_checked"] == 2


@pytest.fixture
def postgresql(backend) -> None:
    if backend != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's; on SQLite verification guards")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE case_events SET payload = '{}'",
        "DELETE FROM case_events",
        "TRUNCATE case_events CASCADE",
    ],
)
def test_postgresql_refuses_to_change_events(session, moved, postgresql, statement):
    with pytest.raises(DBAPIError, match="case_events is append-only"), session.begin_nested():
        session.execute(text(statement))
    assert len(session.scalars(select(CaseEvent.id).where(CaseEvent.case_id == moved)).all()) == 4
