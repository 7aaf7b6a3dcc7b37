"""Ending an organ or unit ends the roles in it, and refuses while parts of it go on."""

from tests.builders import make_membership, make_organ, make_unit


def end(client, org, path, valid_to):
    return client.post(f"/api/v1/{path}/end", json={"valid_to": valid_to}, headers=org.admin)


def test_ending_an_organ_ends_its_open_memberships(client, org, session):
    substitute = make_membership(session, organ="BUN", role="substitute", valid_to="2026-03-31")
    session.commit()
    assert end(client, org, "organs/BUN", "2026-06-30").status_code == 200

    chair = client.get(f"/api/v1/memberships/{org.membership.id}", headers=org.admin).json()
    assert chair["valid_to"] == "2026-06-30"
    earlier = client.get(f"/api/v1/memberships/{substitute.id}", headers=org.admin).json()
    assert earlier["valid_to"] == "2026-03-31"
    after = client.get("/api/v1/organs/BUN/members?on=2026-07-01", headers=org.admin).json()
    assert after == []


def test_ending_a_unit_ends_its_positions(client, org):
    assert end(client, org, "units/UTB", "2026-06-30").status_code == 200
    position = client.get(f"/api/v1/positions/{org.position.id}", headers=org.admin).json()
    assert position["valid_to"] == "2026-06-30"


def test_an_organ_with_a_sub_organ_that_goes_on_cannot_end(client, org, session):
    make_organ(session, code="BUNAU", kind="sub_committee", parent="BUN", seats=3)
    session.commit()
    response = end(client, org, "organs/BUN", "2026-06-30")
    assert response.status_code == 409
    assert response.json()["code"] == "HAS_ACTIVE_CHILDREN"
    assert response.json()["children"] == ["BUNAU"]
    organ = client.get("/api/v1/organs/BUN", headers=org.admin).json()
    assert organ["valid_to"] is None
    chair = client.get(f"/api/v1/memberships/{org.membership.id}", headers=org.admin).json()
    assert chair["valid_to"] is None


def test_a_unit_with_a_sub_unit_that_goes_on_cannot_end(client, org, session):
    make_unit(session, code="UTB-GRU", parent="UTB")
    session.commit()
    assert end(client, org, "units/UTB", "2026-06-30").json()["code"] == "HAS_ACTIVE_CHILDREN"


def test_roles_that_begin_after_the_end_must_be_corrected_first(client, org, session):
    later = make_membership(session, organ="BUN", role="member", valid_from="2026-09-01")
    session.commit()
    response = end(client, org, "organs/BUN", "2026-06-30")
    assert response.status_code == 409
    assert response.json()["code"] == "HAS_LATER_HOLDINGS"
    assert response.json()["holding_ids"] == [later.id]
    chair = client.get(f"/api/v1/memberships/{org.membership.id}", headers=org.admin).json()
    assert chair["valid_to"] is None


def test_no_new_roles_in_an_ended_organ(client, org):
    end(client, org, "organs/BUN", "2026-06-30")
    body = {
        "person_id": org.newcomer.id,
        "organ": "BUN",
        "role": "member",
        "valid_from": "2026-07-01",
    }
    response = client.post("/api/v1/memberships", json=body, headers=org.admin)
    assert response.status_code == 422
    assert response.json()["code"] == "OUTSIDE_PLACE_PERIOD"
