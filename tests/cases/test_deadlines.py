"""Deadlines on cases, on both databases: due_at written at registration and at each change of
state from the case's workflow version (measure v2: assessment 60 days, decision 90 days, motions
and citizen proposals prepared within a year, KL 5:35), overdue once the clock passes it, and
the SQL condition the overdue filter is built on."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.cases import repository as repo
from app.cases.models import Case, WorkflowDefinition
from app.cases.service import definitions, listing, records
from app.workflows.definition import builtin
from tests.cases.conftest import CASE, COMPLETE_SIMPLIFIED


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


class Clock:
    """The time the case service sees: registrations, events and 'overdue' are judged by it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = at("2026-03-10T09:00:00+01:00")
        monkeypatch.setattr(records, "utcnow", lambda: self.now)
        monkeypatch.setattr(listing, "utcnow", lambda: self.now)

    def set(self, moment: str | datetime) -> None:
        self.now = at(moment) if isinstance(moment, str) else moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def register(client, world, **overrides):
    response = client.post("/api/v1/cases", json=CASE | overrides, headers=world.registrar)
    assert response.status_code == 201, response.text
    return response.json()


def fire(client, world, case_id, trigger, payload=None):
    response = world.step(client, case_id, trigger, payload)
    assert response.status_code == 200, response.text
    return response.json()


def read(client, world, case_id):
    return client.get(f"/api/v1/cases/{case_id}", headers=world.officer).json()


def to_assessment(client, world, case_id):
    fire(client, world, case_id, "triage", {"route": "political", "motivation": "Principfråga"})
    return fire(client, world, case_id, "scope_assessment", {"level": "simplified"})


def submit_assessment(client, world, case_id):
    response = client.put(
        f"/api/v1/cases/{case_id}/assessment",
        json={"content": COMPLETE_SIMPLIFIED},
        headers=world.officer,
    )
    assert response.status_code == 200, response.text
    return fire(client, world, case_id, "submit_assessment")


def to_valuation(client, world, case_id):
    to_assessment(client, world, case_id)
    return submit_assessment(client, world, case_id)


def prioritise(client, world, case_id):
    return fire(client, world, case_id, "prioritise",
                {"period": "2027", "rank": 1, "motivation": "Akut"})  # fmt: skip


def test_an_operations_case_is_due_only_in_the_states_with_a_limit(client, world, clock):
    case = register(client, world)
    assert case["workflow"] == {"key": "measure", "version": 2}
    assert (case["due_at"], case["overdue"]) == (None, False)

    clock.set("2026-04-01T10:00:00+02:00")
    assessed = to_assessment(client, world, case["id"])
    # 60 days from 1 April is Sunday 31 May: the limit ends with Monday 1 June, in Sweden.
    assert assessed["due_at"] == "2026-06-01T22:00:00Z"
    assert assessed["overdue"] is False

    clock.set("2026-11-19T15:00:00+01:00")
    valued = submit_assessment(client, world, case["id"])
    assert valued["due_at"] is None

    clock.set("2026-11-20T08:30:00+01:00")
    decided = prioritise(client, world, case["id"])
    assert decided["due_at"] == "2027-02-18T23:00:00Z"  # 90 days: Thursday 18 February


def test_triage_keeps_the_state_and_its_deadline(client, world, clock):
    case = register(client, world, origin="motion")
    clock.set("2026-05-02T12:00:00+02:00")
    triaged = fire(client, world, case["id"], "triage",
                   {"route": "political", "motivation": "Principfråga"})  # fmt: skip
    assert triaged["due_at"] == case["due_at"] == "2027-03-10T23:00:00Z"


def test_a_motion_is_prepared_within_a_year_of_registration(client, world, clock):
    """KL 5:35: registered 10 March 2026, the motion must be prepared by 10 March 2027; in the
    assessment state the earlier of that and the state's 60 days counts."""
    case = register(client, world, origin="motion")
    assert case["due_at"] == "2027-03-10T23:00:00Z"

    clock.set("2026-04-01T10:00:00+02:00")
    assert to_assessment(client, world, case["id"])["due_at"] == "2026-06-01T22:00:00Z"


def test_the_year_wins_when_it_ends_first(client, world, clock):
    case = register(client, world, origin="citizen_proposal")
    clock.set("2027-02-01T10:00:00+01:00")  # 60 days would run to 2 April
    assert to_assessment(client, world, case["id"])["due_at"] == "2027-03-10T23:00:00Z"
    clock.set("2027-02-10T10:00:00+01:00")
    valued = submit_assessment(client, world, case["id"])
    assert valued["due_at"] == "2027-03-10T23:00:00Z"  # still preparing: the year holds
    clock.set("2027-03-01T10:00:00+01:00")
    decided = prioritise(client, world, case["id"])
    assert decided["due_at"] == "2027-05-31T22:00:00Z"  # prepared: the decision's 90 days


def test_a_referral_back_starts_the_assessment_limit_again(client, world, clock):
    case = register(client, world)
    clock.set("2026-04-01T10:00:00+02:00")
    to_valuation(client, world, case["id"])
    prioritise(client, world, case["id"])
    clock.set("2026-10-15T14:00:00+02:00")
    referred = fire(client, world, case["id"], "refer_back",
                    {"reason": "Belys driftskostnaderna", "requested_by": ["Eva Ek"]})  # fmt: skip
    assert referred["state"] == "assessment"
    # 60 days from 15 October is Monday 14 December, ending after the change to winter time.
    assert referred["due_at"] == "2026-12-14T23:00:00Z"


def test_overdue_flips_when_the_clock_passes_the_end_of_the_last_day(client, world, clock, session):
    case = register(client, world, origin="motion")
    due = at(case["due_at"])
    assert due == at("2027-03-11T00:00:00+01:00")

    clock.set(due - timedelta(seconds=1))  # 10 March 2027, 23:59:59 in Stockholm
    assert read(client, world, case["id"])["overdue"] is False
    assert case["id"] not in overdue_ids(session, clock.now)

    clock.set(due)
    assert read(client, world, case["id"])["overdue"] is True
    assert case["id"] in overdue_ids(session, clock.now)


def test_a_final_state_has_no_deadline(client, world, clock, session):
    case = register(client, world, origin="motion")
    withdrawn = fire(client, world, case["id"], "withdraw", {"reason": "Dras tillbaka"})
    assert (withdrawn["state"], withdrawn["due_at"]) == ("withdrawn", None)
    clock.set("2030-01-01T00:00:00+01:00")
    assert read(client, world, case["id"])["overdue"] is False
    assert case["id"] not in overdue_ids(session, clock.now)


def test_the_list_filters_on_overdue(client, world, clock):
    motion = register(client, world, origin="motion", title="Motion")
    register(client, world, title="Utan frist")
    clock.set(at(motion["due_at"]))

    def titles(overdue):
        response = client.get("/api/v1/cases", params={"overdue": overdue}, headers=world.registrar)
        assert response.status_code == 200, response.text
        return [case["title"] for case in response.json()["items"]]

    assert titles("true") == ["Motion"]
    assert titles("false") == ["Utan frist"]
    clock.set(at(motion["due_at"]) - timedelta(seconds=1))
    assert titles("true") == []


def overdue_ids(session, now) -> set[int]:
    return set(session.scalars(select(Case.id).where(repo.overdue(now))))


def test_the_overdue_condition_selects_exactly_the_cases_past_their_deadline(
    client, world, clock, session
):
    motion = register(client, world, origin="motion")["id"]  # due end of 10 March 2027
    clock.set("2026-06-01T09:00:00+02:00")
    late_motion = register(client, world, origin="motion")["id"]  # due end of 1 June 2027
    plain = register(client, world)["id"]  # no deadline
    clock.set("2026-07-01T09:00:00+02:00")
    assessed = to_assessment(client, world, plain)["id"]  # due end of 31 August 2026
    withdrawn = register(client, world, origin="motion")["id"]
    fire(client, world, withdrawn, "withdraw", {"reason": "Dras tillbaka"})

    assert overdue_ids(session, at("2026-08-31T23:59:59+02:00")) == set()
    assert overdue_ids(session, at("2026-09-01T00:00:00+02:00")) == {assessed}
    assert overdue_ids(session, at("2027-03-11T00:00:00+01:00")) == {assessed, motion}
    assert overdue_ids(session, at("2027-06-02T00:00:00+02:00")) == {
        assessed,
        motion,
        late_motion,
    }


def test_a_working_day_limit_from_a_published_version(client, world, clock):
    document = builtin("measure", 2).body() | {"version": 3}
    document["deadlines"]["states"]["valuation"] = {"days": 10, "unit": "working_days"}
    published = client.post("/api/v1/workflows/measure/versions", json=document,
                             headers=world.registrar)  # fmt: skip
    assert published.status_code == 201, published.text
    case = register(client, world)
    assert case["workflow"] == {"key": "measure", "version": 3}
    clock.set("2026-12-14T10:00:00+01:00")
    valued = to_valuation(client, world, case["id"])
    # Ten working days from Monday 14 December: julafton and juldagen are not counted.
    assert valued["due_at"] == "2026-12-30T23:00:00Z"


def test_a_deadline_of_another_unit_is_refused_at_publishing(client, world):
    document = builtin("measure", 2).body() | {"version": 3}
    document["deadlines"]["states"]["valuation"] = {"days": 10, "unit": "fortnights"}
    response = client.post("/api/v1/workflows/measure/versions", json=document,
                           headers=world.registrar)  # fmt: skip
    assert response.status_code == 422
    assert [p["code"] for p in response.json()["problems"]] == ["DEADLINE_UNKNOWN_UNIT"]


def test_a_database_with_only_v1_gets_v2_and_its_v1_cases_keep_no_deadline(
    client, world, clock, session
):
    """An existing database: measure v1 stored before deadlines existed, and an open motion on
    it. New cases go to v2; the old one stays on v1, under which it has no time limit."""
    v1 = builtin("measure", 1)
    stored = WorkflowDefinition(key="measure", version=1, body=v1.body(), checksum=v1.checksum())
    session.add(stored)
    session.flush()
    old = register(client, world, origin="motion")
    session.execute(update(Case).where(Case.id == old["id"]).values(workflow_id=stored.id,
                                                                    due_at=None))  # fmt: skip
    session.expire_all()

    new = register(client, world, origin="motion")
    assert new["workflow"] == {"key": "measure", "version": 2}
    assert new["due_at"] == "2027-03-10T23:00:00Z"
    assert [(d.version, d.checksum) for d in repo.definitions(session)] == [
        (1, v1.checksum()),
        (2, builtin("measure", 2).checksum()),
    ]
    assert definitions.current(session, "measure").version == 2

    clock.set("2026-04-01T10:00:00+02:00")
    moved = to_assessment(client, world, old["id"])
    assert moved["workflow"] == {"key": "measure", "version": 1}
    assert (moved["due_at"], moved["overdue"]) == (None, False)
