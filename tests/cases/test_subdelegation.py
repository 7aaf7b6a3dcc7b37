"""Subdelegation (KL 7:6): the head of administration named by an entry that allows it passes
the power on to one employee, one hop; the employee then decides under the entry, and the
decision is recorded and reported as subdelegated."""

from datetime import timedelta

import pytest

from app.kit.clock import today
from tests.builders import bearer, make_person, make_position, make_unit
from tests.cases.test_authority_api import adopt_premises_order, events, register, to_decision


def order_id(client, world) -> int:
    return client.get("/api/v1/organs/BUN/delegation-orders/in-force", headers=world.head).json()[
        "id"
    ]


def pass_on(client, world, delegate, *, headers=None, entry="4.1"):
    return client.post(
        f"/api/v1/delegation-orders/{order_id(client, world)}/entries/{entry}/subdelegations",
        json={"delegate": delegate},
        headers=headers or world.head,
    )


MANAGER = {"kind": "position", "role": "unit_manager", "unit": "UTB-GRU"}


def approve(client, world, case_id, headers, on=None):
    return world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "Beslut på vidaredelegation", "decided_on": on or today().isoformat()},
        headers=headers,
        authority={"kind": "delegated_decision"},
    )


def test_the_subdelegate_decides_under_the_entry_and_it_is_reported(client, world):
    adopt_premises_order(client, world, subdelegation_allowed=True)
    created = pass_on(client, world, MANAGER)
    assert created.status_code == 201, created.text
    head_id = client.get("/api/v1/me", headers=world.head).json()["person_id"]
    assert created.json()["granted_by_person_id"] == head_id
    case_id = register(client, world, matter_type="lokal")
    to_decision(client, world, case_id)

    response = approve(client, world, case_id, world.manager)

    assert response.status_code == 200, response.text
    history = client.get(f"/api/v1/cases/{case_id}/events", headers=world.officer).json()
    assert history[-1]["authority"] == {
        "kind": "delegated_decision",
        "order_version": 1,
        "entry": "4.1",
        "subdelegation": created.json()["id"],
        "subdelegated_by": head_id,
        "report_to_organ": True,
    }
    listed = client.get("/api/v1/organs/BUN/delegated-decisions", headers=world.officer).json()
    assert [(d["case_id"], d["kind"]) for d in listed] == [(case_id, "subdelegated_decision")]


def test_the_amount_limit_of_the_entry_binds_the_subdelegate(client, world):
    adopt_premises_order(client, world, subdelegation_allowed=True)
    pass_on(client, world, MANAGER)
    case_id = register(client, world, matter_type="lokal", estimated_cost_sek=3_500_000)
    to_decision(client, world, case_id)
    response = approve(client, world, case_id, world.manager)
    assert (response.status_code, response.json()["code"]) == (403, "AMOUNT_OVER_LIMIT")


@pytest.mark.parametrize("who", ["manager", "officer", "registrar", "chair"])
def test_only_the_named_head_passes_an_entry_on(client, world, session, who):
    """A second hop (the subdelegate passing it on again) is refused like anyone else's."""
    adopt_premises_order(client, world, subdelegation_allowed=True)
    pass_on(client, world, MANAGER)
    officer = {"kind": "person", "person_id": make_person(session).id}
    session.commit()
    before = client.get(
        f"/api/v1/delegation-orders/{order_id(client, world)}/subdelegations", headers=world.head
    ).json()
    response = pass_on(client, world, officer, headers=getattr(world, who))
    assert (response.status_code, response.json()["code"]) == (
        403,
        "SUBDELEGATION_NOT_AUTHORIZED",
    )
    assert response.json()["legal_reference"] == "KL 7:6"
    after = client.get(
        f"/api/v1/delegation-orders/{order_id(client, world)}/subdelegations", headers=world.head
    ).json()
    assert after == before


def test_an_entry_that_does_not_allow_it_is_not_passed_on(client, world):
    adopt_premises_order(client, world)
    response = pass_on(client, world, MANAGER)
    assert (response.status_code, response.json()["code"]) == (
        403,
        "SUBDELEGATION_NOT_AUTHORIZED",
    )


def test_the_recipient_is_one_employee_of_the_heads_administration(client, world, session):
    adopt_premises_order(client, world, subdelegation_allowed=True)
    make_unit(session, code="SOC", name="Socialförvaltningen")
    politician = make_person(session, kind="elected")
    session.commit()
    cases = [
        ({"kind": "position", "role": "case_officer", "unit": "UTB-GRU"}, "INVALID_DELEGATE_GROUP"),
        ({"kind": "person", "person_id": politician.id}, "SUBDELEGATE_NOT_EMPLOYEE"),
        ({"kind": "membership", "role": "chair"}, "SUBDELEGATE_NOT_EMPLOYEE"),
        ({"kind": "position", "role": "unit_manager", "unit": "SOC"}, "OUTSIDE_ADMINISTRATION"),
        (
            {"kind": "position", "role": "head_of_administration", "unit": "UTB"},
            "SUBDELEGATE_IS_DELEGATE",
        ),
    ]
    for delegate, code in cases:
        response = pass_on(client, world, delegate)
        assert (response.status_code, response.json()["code"]) == (422, code), delegate


def test_an_ended_subdelegation_no_longer_lets_the_employee_decide(client, world, session):
    adopt_premises_order(client, world, subdelegation_allowed=True)
    sub = pass_on(client, world, MANAGER).json()
    ended = client.post(f"/api/v1/subdelegations/{sub['id']}/end", json={}, headers=world.head)
    assert ended.status_code == 200, ended.text
    assert ended.json()["valid_to"] < ended.json()["valid_from"]  # ended at once
    case_id = register(client, world, matter_type="lokal")
    to_decision(client, world, case_id)
    before = events(session, case_id)
    response = approve(client, world, case_id, world.manager)
    assert (response.status_code, response.json()["code"]) == (403, "NOT_DELEGATE")
    assert events(session, case_id) == before
    again = client.post(f"/api/v1/subdelegations/{sub['id']}/end", json={}, headers=world.head)
    assert (again.status_code, again.json()["code"]) == (409, "ALREADY_ENDED")
    stranger = client.post(
        f"/api/v1/subdelegations/{sub['id']}/end", json={}, headers=world.manager
    )
    assert stranger.status_code == 403


def test_a_named_employee_can_be_the_subdelegate(client, world, session, settings):
    adopt_premises_order(client, world, subdelegation_allowed=True)
    employee = make_person(session)
    make_position(session, person_id=employee.id, unit="UTB-GRU", role="case_officer")
    session.commit()
    assert pass_on(client, world, {"kind": "person", "person_id": employee.id}).status_code == 201
    case_id = register(client, world, matter_type="lokal")
    to_decision(client, world, case_id)
    response = approve(client, world, case_id, bearer(settings, employee.username))
    assert response.status_code == 200, response.text


def test_a_decision_dated_before_the_subdelegation_is_not_covered_by_it(client, world):
    """A decision is judged by the powers in force on the day it says it was taken."""
    adopt_premises_order(client, world, subdelegation_allowed=True)
    pass_on(client, world, MANAGER)
    case_id = register(client, world, matter_type="lokal")
    to_decision(client, world, case_id)
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = approve(client, world, case_id, world.manager, on=yesterday)
    assert (response.status_code, response.json()["code"]) == (403, "NOT_DELEGATE")
    assert approve(client, world, case_id, world.manager).status_code == 200
