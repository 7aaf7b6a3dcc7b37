"""The organisation's rules, one test each, through the API a registrar uses."""

import pytest

from app.errors import Conflict
from app.organisation import service
from app.organisation.schemas import PersonUpdate
from tests.builders import make_organ, make_person, make_unit


def post(client, org, path, body):
    return client.post(f"/api/v1/{path}", json=body, headers=org.admin)


def code_of(response) -> str:
    return response.json()["code"]


@pytest.mark.parametrize(
    ("path", "body", "person"),
    [
        ("memberships", {"organ": "BUN", "role": "member"}, "employee"),
        ("memberships", {"organ": "BUN", "role": "substitute"}, "employee"),
        ("memberships", {"organ": "BUN", "role": "secretary"}, "newcomer"),
        ("positions", {"unit": "UTB", "role": "case_officer"}, "newcomer"),
        ("positions", {"unit": "UTB", "role": "head_of_administration"}, "elected"),
    ],
)
def test_elected_and_employees_do_not_take_each_others_roles(client, org, path, body, person):
    response = post(client, org, path, {**body, "person_id": getattr(org, person).id})
    assert response.status_code == 422
    assert code_of(response) == "PERSON_KIND_MISMATCH"
    assert response.json()["errors"][0]["loc"] == ["body", "person_id"]


def test_the_secretary_is_an_employee(client, org):
    body = {"person_id": org.employee.id, "organ": "BUN", "role": "secretary"}
    assert post(client, org, "memberships", body).status_code == 201


def test_one_seat_per_person_in_an_organ(client, org):
    """The chair is not also a member or substitute of the same organ at the same time."""
    body = {"person_id": org.elected.id, "organ": "BUN", "role": "member"}
    response = post(client, org, "memberships", body)
    assert response.status_code == 409
    assert code_of(response) == "OVERLAPPING_PERIOD"


def test_one_chair_at_a_time_and_a_successor_after(client, org):
    body = {"person_id": org.newcomer.id, "organ": "BUN", "role": "chair"}
    response = post(client, org, "memberships", body)
    assert response.status_code == 409
    assert code_of(response) == "ROLE_ALREADY_HELD"
    assert response.json()["conflicting_id"] == org.membership.id
    assert response.json()["detail"] == (
        "Eva Ek is chair of BUN from 2026-01-01; end or correct that first."
    )

    ended = post(client, org, f"memberships/{org.membership.id}/end", {"valid_to": "2026-06-30"})
    assert ended.status_code == 200
    successor = post(client, org, "memberships", {**body, "valid_from": "2026-07-01"})
    assert successor.status_code == 201


def test_one_head_of_administration_at_a_time(client, org, session):
    head = make_person(session)
    session.commit()
    body = {"unit": "UTB", "role": "head_of_administration"}
    assert post(client, org, "positions", {**body, "person_id": head.id}).status_code == 201
    second = post(client, org, "positions", {**body, "person_id": org.employee.id})
    assert code_of(second) == "ROLE_ALREADY_HELD"


def test_who_held_the_chair_on_a_date(client, org):
    post(client, org, f"memberships/{org.membership.id}/end", {"valid_to": "2026-06-30"})
    body = {
        "person_id": org.newcomer.id,
        "organ": "BUN",
        "role": "chair",
        "valid_from": "2026-07-01",
    }
    post(client, org, "memberships", body)

    def chair_on(day: str) -> list[str]:
        response = client.get(
            f"/api/v1/organs/BUN/members?role=chair&on={day}", headers=org.not_admin
        )
        return [m["person"]["username"] for m in response.json()]

    assert chair_on("2026-06-30") == [org.elected.username]
    assert chair_on("2026-07-01") == [org.newcomer.username]
    assert chair_on("2025-12-31") == []


def test_staff_lists_roles_in_rank_order(client, org, session):
    head = make_person(session)
    session.commit()
    post(
        client,
        org,
        "positions",
        {"person_id": head.id, "unit": "UTB", "role": "head_of_administration"},
    )
    staff = client.get("/api/v1/units/UTB/staff", headers=org.admin).json()
    assert [s["role"] for s in staff] == ["head_of_administration", "case_officer"]
    assert [s["role_label_sv"] for s in staff] == ["förvaltningschef", "handläggare"]


def test_period_that_ends_before_it_starts_is_422(client, org):
    body = {
        "person_id": org.newcomer.id,
        "organ": "BUN",
        "role": "member",
        "valid_from": "2026-05-01",
        "valid_to": "2026-04-30",
    }
    assert code_of(post(client, org, "memberships", body)) == "INVALID_PERIOD"


def test_role_outside_the_organs_lifetime_is_422(client, org):
    body = {
        "person_id": org.newcomer.id,
        "organ": "BUN",
        "role": "member",
        "valid_from": "2025-01-01",
    }
    response = post(client, org, "memberships", body)
    assert code_of(response) == "OUTSIDE_PLACE_PERIOD"
    assert response.json()["errors"][0]["loc"] == ["body", "valid_from"]


def test_ending_twice_is_409_and_keeps_the_first_end(client, org):
    first = post(client, org, "organs/BUN/end", {"valid_to": "2026-12-31"})
    assert first.json()["valid_to"] == "2026-12-31"
    again = post(client, org, "organs/BUN/end", {"valid_to": "2027-06-30"})
    assert again.status_code == 409
    assert code_of(again) == "ALREADY_ENDED"
    assert client.get("/api/v1/organs/BUN", headers=org.admin).json()["valid_to"] == "2026-12-31"


def test_end_defaults_to_today_and_history_stays_listed(client, org):
    ended = client.post(f"/api/v1/positions/{org.position.id}/end", headers=org.admin)
    assert ended.status_code == 200
    today = ended.json()["valid_to"]
    everything = client.get("/api/v1/positions?unit=UTB", headers=org.admin).json()["items"]
    assert [p["id"] for p in everything] == [org.position.id]
    later = client.get("/api/v1/positions?unit=UTB&active_on=2099-01-01", headers=org.admin)
    assert later.json()["items"] == []
    assert today


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"code": "KF2", "kind": "council", "parent": "BUN"}, "INVALID_PARENT"),
        ({"code": "AU", "kind": "sub_committee"}, "INVALID_PARENT"),
        ({"code": "PR", "kind": "presidium"}, "INVALID_PARENT"),
        ({"code": "N2", "kind": "committee", "parent": "BUN"}, "INVALID_PARENT"),
        ({"code": "BUN", "kind": "committee"}, "ALREADY_EXISTS"),
        ({"code": "AU", "kind": "sub_committee", "parent": "NOPE"}, "UNKNOWN_REFERENCE"),
    ],
)
def test_organ_chain_rules(client, org, body, code):
    response = post(client, org, "organs", {"name": "Organ", "seats": 5, **body})
    assert code_of(response) == code


def test_sub_committee_under_its_committee(client, org):
    body = {
        "code": "BUNAU",
        "name": "Arbetsutskott",
        "kind": "sub_committee",
        "parent": "BUN",
        "seats": 3,
    }
    created = post(client, org, "organs", body).json()
    assert created["parent"] == "BUN"
    assert created["kind_label_sv"] == "utskott"


def test_unit_tree_cannot_loop(client, org, session):
    child = make_unit(session, code="UTB-GRU", parent="UTB")
    session.commit()
    response = client.patch("/api/v1/units/UTB", json={"parent": child.code}, headers=org.admin)
    assert code_of(response) == "PARENT_CYCLE"


def test_an_organ_can_move_in_the_chain_and_be_detached(client, org, session):
    make_organ(session, code="KF", kind="council", seats=61)
    make_organ(session, code="BUNPR", kind="presidium", parent="BUN", seats=3)
    session.commit()
    assert (
        client.patch("/api/v1/organs/BUN", json={"parent": "KF"}, headers=org.admin).status_code
        == 200
    )
    detached = client.patch("/api/v1/organs/BUN", json={"parent": None}, headers=org.admin)
    assert detached.json()["parent"] is None


def test_unit_serves_organs_and_is_found_by_them(client, org, session):
    make_organ(session, code="SN")
    session.commit()
    client.patch("/api/v1/units/UTB", json={"serves": ["SN", "BUN"]}, headers=org.admin)
    assert client.get("/api/v1/units/UTB", headers=org.admin).json()["serves"] == ["BUN", "SN"]
    found = client.get("/api/v1/units?serves=SN", headers=org.admin).json()["items"]
    assert [u["code"] for u in found] == ["UTB"]
    response = client.patch("/api/v1/units/UTB", json={"serves": ["GHOST"]}, headers=org.admin)
    assert code_of(response) == "UNKNOWN_REFERENCE"


def test_duplicate_username_is_409(client, org):
    body = {"username": org.elected.username, "name": "Dubblett", "kind": "elected"}
    assert code_of(post(client, org, "people", body)) == "ALREADY_EXISTS"
    renamed = client.patch(
        f"/api/v1/people/{org.newcomer.id}",
        json={"username": org.elected.username},
        headers=org.admin,
    )
    assert code_of(renamed) == "ALREADY_EXISTS"


def test_a_refused_rename_leaves_the_transaction_usable(session, org):
    """The unique violation is caught in a savepoint: the same transaction goes on (PostgreSQL
    would otherwise refuse every further statement)."""
    with pytest.raises(Conflict):
        service.update_person(session, org.newcomer.id, PersonUpdate(username=org.elected.username))
    renamed = service.update_person(session, org.newcomer.id, PersonUpdate(name="Sara Ny"))
    assert renamed.name == "Sara Ny"
    assert service.get_person(session, org.newcomer.id).username == "sara.al"


def test_people_filters(client, org):
    elected = client.get("/api/v1/people?kind=elected", headers=org.admin).json()["items"]
    assert {p["username"] for p in elected} == {"eva.ek", "sara.al"}
    by_name = client.get("/api/v1/people?name=EVA", headers=org.admin).json()["items"]
    assert [p["username"] for p in by_name] == ["eva.ek"]
