"""Delegation orders through the API: drafted, checked and adopted by the organ's decision, in
force from a date, never changed after."""

import pytest
from sqlalchemy import select

from app.delegation.models import DelegationOrder
from tests.builders import bearer, make_organ, make_person, make_registrar, make_unit

HEAD = {"kind": "position", "role": "head_of_administration", "unit": "UTB"}
ADOPTION = {
    "decided_on": "2026-12-10",
    "paragraph": "§ 87",
    "diary_number": "BUN 2026/412",
    "valid_from": "2027-01-01",
}


@pytest.fixture
def admin(session, settings):
    make_organ(session, code="BUN")
    make_organ(session, code="BUNAU", kind="sub_committee", parent="BUN", seats=3)
    make_unit(session, code="UTB", serves=["BUN"])
    registrar = make_registrar(session)
    session.commit()
    return bearer(settings, registrar.username)


def matter(client, admin, code, **flags):
    response = client.post(
        "/api/v1/organs/BUN/matter-types",
        json={"code": code, "name": code.title()} | flags,
        headers=admin,
    )
    assert response.status_code == 201, response.text
    return response.json()


def draft(client, admin, *entries):
    order = client.post(
        "/api/v1/organs/BUN/delegation-orders", json={"title": "Delegationsordning"}, headers=admin
    ).json()
    for code, body in entries:
        response = client.put(
            f"/api/v1/delegation-orders/{order['id']}/entries/{code}", json=body, headers=admin
        )
        assert response.status_code == 200, response.text
    return order["id"]


def entry(matters=("skolskjuts",), actions=("approve", "reject"), delegate=HEAD, **more):
    return {
        "title": "Beslut om skolskjuts",
        "matter_types": list(matters),
        "actions": list(actions),
        "delegate": delegate,
    } | more


def adopt(client, admin, order_id, **overrides):
    return client.post(
        f"/api/v1/delegation-orders/{order_id}/adopt", json=ADOPTION | overrides, headers=admin
    )


def test_adopting_an_order_puts_it_in_force(client, admin):
    matter(client, admin, "skolskjuts", appeal_route="administrative_appeal")
    order_id = draft(
        client, admin, ("3.2", entry(amount_limit_sek=500_000, legal_reference="SL 10 kap. 32 §"))
    )
    adopted = adopt(client, admin, order_id)
    assert adopted.status_code == 200, adopted.text
    body = adopted.json()
    assert (body["status"], body["valid_from"], body["paragraph"]) == (
        "adopted",
        "2027-01-01",
        "§ 87",
    )
    assert body["entries"][0]["delegate"] == HEAD

    in_force = client.get(
        "/api/v1/organs/BUN/delegation-orders/in-force?on=2027-03-01", headers=admin
    ).json()
    assert in_force["id"] == order_id
    before = client.get(
        "/api/v1/organs/BUN/delegation-orders/in-force?on=2026-12-31", headers=admin
    )
    assert before.json()["code"] == "DELEGATION_NOT_IN_FORCE"


def test_a_newer_order_ends_the_older_the_day_before(client, admin, session):
    matter(client, admin, "skolskjuts")
    first = draft(client, admin, ("3.2", entry()))
    adopt(client, admin, first)
    second = draft(client, admin, ("3.2", entry(actions=("approve",))))
    assert adopt(client, admin, second, valid_from="2027-07-01").status_code == 200
    session.expire_all()
    assert session.get(DelegationOrder, first).valid_to.isoformat() == "2027-06-30"
    in_force = [
        client.get(f"/api/v1/organs/BUN/delegation-orders/in-force?on={day}", headers=admin).json()[
            "id"
        ]
        for day in ("2027-06-30", "2027-07-01")
    ]
    assert in_force == [first, second]
    early = draft(client, admin, ("3.2", entry()))
    assert (
        adopt(client, admin, early, valid_from="2027-07-01").json()["code"]
        == "VALID_FROM_TOO_EARLY"
    )


@pytest.mark.parametrize(
    ("flags", "body", "code"),
    [
        ({"non_delegable": True}, entry(), "NON_DELEGABLE"),
        ({"council_reserved": True}, entry(), "COUNCIL_RESERVED"),
        (
            {},
            entry(delegate={"kind": "position", "role": "case_officer", "unit": "UTB"}),
            "INVALID_DELEGATE_GROUP",
        ),
        (
            {},
            entry(delegate={"kind": "automated", "function": "Motor"}),
            "AUTOMATED_DECISION_NOT_ALLOWED",
        ),
        ({}, entry(matters=("okand",)), "UNKNOWN_MATTER_TYPE"),
        ({}, entry(actions=("teleport",)), "UNKNOWN_ACTION"),
        (
            {},
            entry(delegate={"kind": "position", "role": "unit_manager", "unit": "NOPE"}),
            "UNKNOWN_REFERENCE",
        ),
        ({}, entry(delegate={"kind": "sub_committee", "organ": "BUN"}), "UNKNOWN_REFERENCE"),
    ],
)
def test_unlawful_orders_are_refused_naming_the_entry(client, admin, session, flags, body, code):
    matter(client, admin, "skolskjuts", **flags)
    order_id = draft(client, admin, ("3.2", body))
    response = adopt(client, admin, order_id)
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert response.json()["problems"][0]["entry"] == "3.2"
    session.expire_all()
    assert session.get(DelegationOrder, order_id).status == "draft"


def test_two_delegates_for_the_same_decision_are_ambiguous(client, admin):
    matter(client, admin, "skolskjuts")
    order_id = draft(
        client,
        admin,
        ("3.2", entry()),
        ("3.3", entry(delegate={"kind": "membership", "role": "chair"})),
    )
    assert adopt(client, admin, order_id).json()["code"] == "AMBIGUOUS_DELEGATION"


def test_a_sub_committee_of_the_organ_is_a_delegate(client, admin):
    matter(client, admin, "skolskjuts")
    order_id = draft(
        client, admin, ("3.2", entry(delegate={"kind": "sub_committee", "organ": "BUNAU"}))
    )
    assert adopt(client, admin, order_id).status_code == 200


def test_an_adopted_order_is_not_changed(client, admin):
    matter(client, admin, "skolskjuts")
    order_id = draft(client, admin, ("3.2", entry()))
    adopt(client, admin, order_id)
    changed = client.put(
        f"/api/v1/delegation-orders/{order_id}/entries/3.2", json=entry(), headers=admin
    )
    assert changed.json()["code"] == "ORDER_NOT_DRAFT"
    removed = client.delete(f"/api/v1/delegation-orders/{order_id}/entries/3.2", headers=admin)
    assert removed.json()["code"] == "ORDER_NOT_DRAFT"
    assert adopt(client, admin, order_id).json()["code"] == "ORDER_NOT_DRAFT"


@pytest.mark.parametrize(
    "delegate",
    [
        {"kind": "position", "role": "chair", "unit": "UTB"},
        {"kind": "membership", "role": "head_of_administration"},
        {"kind": "position", "role": "unit_manager"},
        {"kind": "automated", "function": "x", "unit": "UTB"},
        [HEAD, {"kind": "membership", "role": "chair"}],
    ],
)
def test_malformed_delegates_are_422(client, admin, delegate):
    order_id = draft(client, admin)
    response = client.put(
        f"/api/v1/delegation-orders/{order_id}/entries/1",
        json=entry(delegate=delegate),
        headers=admin,
    )
    assert response.status_code == 422


def test_matter_types(client, admin):
    matter(client, admin, "skolskjuts", appeal_route="administrative_appeal")
    duplicate = client.post(
        "/api/v1/organs/BUN/matter-types", json={"code": "skolskjuts", "name": "x"}, headers=admin
    )
    assert duplicate.status_code == 409
    changed = client.patch(
        "/api/v1/organs/BUN/matter-types/skolskjuts", json={"non_delegable": True}, headers=admin
    )
    assert changed.json()["non_delegable"] is True
    listed = client.get("/api/v1/organs/BUN/matter-types", headers=admin).json()
    assert [m["code"] for m in listed] == ["skolskjuts"]


def test_only_administrators_keep_orders(client, admin, session, settings):
    officer = make_person(session)
    session.commit()
    headers = bearer(settings, officer.username)
    assert (
        client.post(
            "/api/v1/organs/BUN/delegation-orders", json={"title": "x"}, headers=headers
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/api/v1/organs/BUN/matter-types", json={"code": "a", "name": "a"}, headers=headers
        ).status_code
        == 403
    )
    assert client.get("/api/v1/organs/BUN/delegation-orders", headers=headers).status_code == 200
    assert client.get("/api/v1/organs/BUN/delegation-orders").status_code == 401
    assert session.scalars(select(DelegationOrder)).all() == []
