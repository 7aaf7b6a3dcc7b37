"""The write side: every case event writes one outbox row in its own transaction, with what the
dispatcher needs; a report of delegated decisions writes one per decision; a refused request
writes none. Bodies are rendered at fan-out (here in the test's transaction)."""

import json

from sqlalchemy import select

from app.cases.models import CaseEvent
from app.integrations.webhooks import fanout
from app.integrations.webhooks.models import OutboxMessage, WebhookDelivery, WebhookSubscription
from app.integrations.webhooks.signing import new_secret
from app.kit.clock import utcnow
from app.organisation.repository import organ_by_code
from tests.cases.conftest import CASE, SECRET
from tests.cases.test_authority_api import adopt_premises_order, to_decision


def register(client, world, **overrides):
    response = client.post("/api/v1/cases", json=CASE | overrides, headers=world.registrar)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def outbox(session, case_id):
    query = select(OutboxMessage).where(OutboxMessage.case_id == case_id)
    return list(session.scalars(query.order_by(OutboxMessage.id)))


def test_every_event_writes_one_outbox_row(client, world, session):
    case_id = register(client, world)
    world.step(client, case_id, "triage", {"route": "political", "motivation": "x"})
    client.patch(f"/api/v1/cases/{case_id}", json={"title": "Ny"}, headers=world.registrar)
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.seq)
    ).all()
    rows = outbox(session, case_id)
    assert [(r.event_id, r.event_type) for r in rows] == [
        (events[0].id, "case.registered"),
        (events[1].id, "case.transitioned"),
        (events[2].id, "case.updated"),
    ]
    bun = organ_by_code(session, "BUN")
    assert {(r.organ_id, r.confidential, r.fanned_out_at) for r in rows} == {(bun.id, False, None)}


def test_a_confidential_case_is_marked_so_and_a_refusal_writes_nothing(client, world, session):
    case_id = register(client, world, **SECRET)
    refused = world.step(client, case_id, "triage", {"route": "political"}, headers=world.officer)
    assert refused.json()["code"] == "NOT_IN_RESPONSIBLE_UNIT"
    assert [(r.event_type, r.confidential) for r in outbox(session, case_id)] == [
        ("case.registered", True)
    ]


def test_reporting_a_delegated_decision_announces_decision_reported(client, world, session):
    adopt_premises_order(client, world)
    case_id = register(client, world)
    to_decision(client, world, case_id)
    world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "Brådskande", "decided_on": "2026-11-21"},
        headers=world.chair,
        authority={"kind": "urgent_decision"},
    )
    [decision] = client.get(
        "/api/v1/organs/BUN/delegated-decisions?reported=false", headers=world.officer
    ).json()
    body = {"decision_ids": [decision["id"]], "held_on": "2026-12-10", "paragraph": "§ 120"}
    reported = client.post(
        "/api/v1/organs/BUN/delegated-decisions/report", json=body, headers=world.secretary
    )
    assert reported.status_code == 200, reported.text
    last = outbox(session, case_id)[-1]
    assert (last.event_type, last.decision_id) == ("decision.reported", decision["id"])

    session.add(
        WebhookSubscription(
            url="http://127.0.0.1:9/hooks", event_types=["decision.reported"], secret=new_secret()
        )
    )
    session.flush()
    fanout.fan_out(session, utcnow(), 100)
    session.refresh(last)
    message = json.loads(last.body)
    assert message["type"] == "decision.reported"
    assert message["data"]["decision"] == {
        "id": decision["id"],
        "kind": "urgent_decision",
        "reported_on": "2026-12-10",
        "report_paragraph": "§ 120",
    }
    assert message["data"]["event"]["trigger"] == "approve"
    assert message["data"]["case"]["id"] == case_id
    assert outbox(session, case_id) == [last]  # the others matched no one: deleted


def test_a_message_whose_event_is_gone_is_dropped_and_holds_up_nothing(client, world, session):
    case_id = register(client, world)
    [registered] = outbox(session, case_id)
    session.add(
        OutboxMessage(
            event_type="case.updated",
            case_id=case_id,
            event_id=2**31 - 1,  # deleted behind the service's back
            organ_id=registered.organ_id,
            confidential=False,
        )
    )
    session.add(
        WebhookSubscription(
            url="http://127.0.0.1:9/hooks",
            event_types=["case.registered", "case.updated"],
            secret=new_secret(),
        )
    )
    session.flush()
    assert fanout.fan_out(session, utcnow(), 100) == 2
    assert outbox(session, case_id) == [registered]
    delivery_messages = session.scalars(select(WebhookDelivery.message_id)).all()
    assert delivery_messages == [registered.id]
