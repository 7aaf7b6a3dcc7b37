"""Delivery to a real receiver on 127.0.0.1: signed, retried until it recovers, dead after the
last attempt and sent again on request, in each case's order, at least once through a crash,
and never a confidential case to a subscription without the permission."""

import threading
import time
from datetime import timedelta

import pytest
from standardwebhooks import Webhook

from app.db import session_scope
from app.integrations.webhooks import service
from app.integrations.webhooks.schemas import SecretRotation, SubscriptionUpdate
from app.integrations.webhooks.sender import Sent, WebhookSender
from app.kit.clock import utcnow
from tests.integrations.webhooks.conftest import LEASE, SECRET_CASE, until_idle
from tests.integrations.webhooks.receiver import Receiver, free_port


def seqs_by_case(received):
    """Each case's event numbers, in the order the receiver got them."""
    order: dict[int, list[int]] = {}
    for request in received:
        data = request.json["data"]
        order.setdefault(data["case"]["id"], []).append(data["event"]["seq"])
    return order


def first_receipts(received):
    """Each message once, as first received. Delivery is at least once: a message whose answer
    was lost on the way (a dropped connection, a machine too busy to answer within the timeout)
    is sent again, with the same ``webhook-id`` for the receiver to drop it by, as this does."""
    seen: set[str] = set()
    return [r for r in received if not (r.webhook_id in seen or seen.add(r.webhook_id))]


def test_the_signature_verifies_with_the_secret_and_not_with_another(town, receiver):
    subscription_id, secret = town.subscribe(receiver.url)
    case_id = town.register(title="Paviljong vid Norrskolan")
    until_idle(town.dispatcher())
    [request] = receiver.all()
    assert request.verifies_with(secret)
    assert not request.verifies_with("whsec_" + "QUJD" * 8)
    assert request.headers["webhook-id"].startswith("msg_")
    assert request.headers["content-type"] == "application/json"
    body = Webhook(secret).verify(request.body, request.headers)
    assert body["type"] == "case.registered"
    assert body["timestamp"].endswith("Z")
    assert body["data"]["case"]["id"] == case_id
    assert body["data"]["case"]["organ"] == "BUN"
    assert body["data"]["case"]["diary_number"].startswith("BUN ")
    assert body["data"]["event"]["seq"] == 1
    assert body["data"]["event"]["payload"]["title"] == "Paviljong vid Norrskolan"
    assert town.statuses(subscription_id) == ["delivered"]


def test_a_failing_receiver_gets_every_event_in_case_order_once_it_recovers(town, receiver):
    subscription_id, secret = town.subscribe(receiver.url)
    cases = [town.register() for _ in range(3)]
    for case_id in cases:
        town.retitle(case_id)
        town.retitle(case_id)
    dispatcher = town.dispatcher()
    start = utcnow()
    receiver.status = 500
    first = dispatcher.run_once(start)
    second = dispatcher.run_once(start + timedelta(seconds=1))
    assert (first.fanned_out, first.tally.failed, second.tally.failed) == (9, 3, 3)
    receiver.status = 200
    until_idle(dispatcher, start + timedelta(seconds=3))
    delivered = receiver.delivered()
    assert len(delivered) == 9
    assert len({r.webhook_id for r in delivered}) == 9
    assert seqs_by_case(delivered) == {case_id: [1, 2, 3] for case_id in cases}
    assert seqs_by_case(receiver.all()) == {case_id: [1, 1, 1, 2, 3] for case_id in cases}
    assert all(r.verifies_with(secret) for r in receiver.all())
    assert town.statuses(subscription_id) == ["delivered"] * 9


def test_a_receiver_down_past_the_last_attempt_is_dead_then_redelivered(town):
    port = free_port()
    subscription_id, _ = town.subscribe(f"http://127.0.0.1:{port}/hooks")
    case_id = town.register()
    town.retitle(case_id)
    dispatcher = town.dispatcher()
    start = utcnow()
    tallies = [
        done.tally
        for second in range(20)
        for done in until_idle(dispatcher, start + timedelta(seconds=second))
    ]
    assert sum(t.failed for t in tallies) == 6  # attempts 1-3 of each message
    assert sum(t.dead for t in tallies) == 2  # the 4th
    assert town.statuses(subscription_id) == ["dead", "dead"]
    with Receiver(port) as receiver:
        with session_scope(town.sessions) as session:
            ids = service.redeliver(session, subscription_id, None)
        assert len(ids) == 2
        until_idle(dispatcher)
        assert seqs_by_case(receiver.delivered()) == {case_id: [1, 2]}
    assert town.statuses(subscription_id) == ["delivered", "delivered"]


class Killed(BaseException):
    """The dispatcher process dying: nothing after it runs."""


class DyingSender(WebhookSender):
    """Sends ``lives`` messages, then the process is killed mid-batch, before it records any."""

    def __init__(self, *args, lives: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lives = lives

    def send(self, url: str, message_id: str, body: str, secret: str, *older: str) -> Sent:
        if self.lives == 0:
            raise Killed
        self.lives -= 1
        return super().send(url, message_id, body, secret, *older)


def test_a_dispatcher_killed_mid_batch_loses_nothing(town, receiver):
    subscription_id, _ = town.subscribe(receiver.url)
    cases = [town.register() for _ in range(5)]
    start = utcnow()
    dying = town.dispatcher(sender=DyingSender(town.client, timeout=2.0, lives=3))
    try:
        dying.run_once(start)
        raise AssertionError("the dispatcher was to be killed")
    except Killed:
        pass
    assert len(receiver.all()) == 3
    restarted = town.dispatcher()
    assert until_idle(restarted, start)[0].idle  # still leased to the dead one
    until_idle(restarted, start + LEASE + timedelta(seconds=1))
    received = {r.json["data"]["case"]["id"] for r in receiver.delivered()}
    assert received == set(cases)
    assert len(receiver.delivered()) == 8  # the first three twice: at least once, not exactly
    assert town.statuses(subscription_id) == ["delivered"] * 5


def test_confidential_cases_reach_only_subscriptions_allowed_them(town):
    with Receiver() as plain, Receiver() as cleared:
        town.subscribe(plain.url)
        town.subscribe(cleared.url, include_confidential=True)
        public = town.register()
        secret = town.register(**SECRET_CASE)
        town.retitle(public)
        town.retitle(secret)
        town.retitle(secret, confidential=False)  # lifted: this event still tells of a secret
        town.retitle(secret)  # public now
        until_idle(town.dispatcher())
        assert seqs_by_case(first_receipts(plain.all())) == {public: [1, 2], secret: [4]}
        assert seqs_by_case(first_receipts(cleared.delivered())) == {
            public: [1, 2],
            secret: [1, 2, 3, 4],
        }


def pause(town, subscription_id, active):
    with session_scope(town.sessions) as session:
        service.update(session, subscription_id, SubscriptionUpdate(active=active))


def test_subscriptions_get_their_types_and_organs_and_nothing_while_paused(town):
    with Receiver() as ks_only, Receiver() as updates_only:
        town.subscribe(ks_only.url, organs=["KS"])
        updates, _ = town.subscribe(updates_only.url, event_types=["case.updated"])
        bun, ks = town.register(organ="BUN"), town.register(organ="KS")
        town.retitle(bun)
        dispatcher = town.dispatcher()
        dispatcher.fan_out()
        pause(town, updates, active=False)  # its delivery waits, unsent
        until_idle(dispatcher)
        assert seqs_by_case(ks_only.delivered()) == {ks: [1]}
        assert updates_only.all() == []
        pause(town, updates, active=True)
        until_idle(dispatcher)
        assert seqs_by_case(updates_only.delivered()) == {bun: [2]}
        pause(town, updates, active=False)
        town.retitle(ks)  # happens while it is paused: never sent to it
        until_idle(dispatcher)
        pause(town, updates, active=True)
        until_idle(dispatcher)
        assert seqs_by_case(updates_only.delivered()) == {bun: [2]}
        assert seqs_by_case(ks_only.delivered()) == {ks: [1, 2]}


def test_a_change_committed_while_a_round_sends_is_fanned_out_beside_the_sends(town, receiver):
    subscription_id, _ = town.subscribe(receiver.url)
    first = town.register()
    dispatcher = town.dispatcher()
    start = utcnow()
    receiver.status = 500
    dispatcher.run_once(start)  # nothing due yet: fans out first, then sends (and fails)
    second = town.register()
    receiver.status = 200
    retry = dispatcher.run_once(start + timedelta(seconds=1))  # sends the first, fans out
    after = dispatcher.run_once(start + timedelta(seconds=1))
    assert (retry.fanned_out, retry.tally.delivered) == (1, 1)
    assert (after.fanned_out, after.tally.delivered) == (0, 1)
    assert [r.json["data"]["case"]["id"] for r in receiver.delivered()] == [first, second]
    assert town.statuses(subscription_id) == ["delivered", "delivered"]


class FanOutFails(RuntimeError):
    pass


def test_what_a_round_sent_is_recorded_though_its_fan_out_failed(town, receiver, monkeypatch):
    subscription_id, _ = town.subscribe(receiver.url)
    town.register()
    dispatcher = town.dispatcher()
    start = utcnow()
    receiver.status = 500
    dispatcher.run_once(start)
    receiver.status = 200

    def failing(now=None):
        raise FanOutFails

    monkeypatch.setattr(dispatcher, "fan_out", failing)
    with pytest.raises(FanOutFails):
        dispatcher.run_once(start + timedelta(seconds=1))
    assert town.statuses(subscription_id) == ["delivered"]
    assert len(receiver.delivered()) == 1


def test_a_receiver_gets_the_webhook_headers_and_no_cookie_it_set(town, receiver):
    town.subscribe(receiver.url)
    receiver.set_cookie = "seen=1; Path=/"
    town.register()
    until_idle(town.dispatcher())
    town.register()
    until_idle(town.dispatcher())
    first, second = receiver.all()
    assert "cookie" not in second.headers
    assert set(first.headers) == set(second.headers)
    assert {"webhook-id", "webhook-timestamp", "webhook-signature"} <= set(second.headers)


def wait_for(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not check() and time.monotonic() < deadline:
        time.sleep(0.02)
    return bool(check())


def test_a_change_soon_after_a_busy_round_goes_out_well_within_the_poll_interval(town, receiver):
    subscription_id, _ = town.subscribe(receiver.url)
    town.register()
    stop = threading.Event()
    thread = threading.Thread(target=town.dispatcher().run, args=(stop, 30.0))
    thread.start()
    try:  # recorded before the next change (on SQLite, writers take turns)
        first = wait_for(lambda: town.statuses(subscription_id) == ["delivered"], 20)
        town.register()
        second = wait_for(lambda: len(receiver.delivered()) == 2, 10)  # a third of 30 s
    finally:
        stop.set()
        thread.join(timeout=20)
    assert (first, second, thread.is_alive()) == (True, True, False)


def rotate(town, subscription_id: int, **fields: object) -> str:
    with session_scope(town.sessions) as session:
        data = SecretRotation.model_validate(fields)
        return service.rotate_secret(session, subscription_id, data)[1]


def test_after_a_rotation_both_secrets_verify_until_the_overlap_ends(town, receiver):
    """The receiver keeps verifying with the old secret while it changes over, and the new one
    verifies from the first delivery after the rotation; once the overlap is over, only the new
    one does."""
    subscription_id, old = town.subscribe(receiver.url)
    new = rotate(town, subscription_id, overlap_hours=1)
    town.register(title="Under bytet")
    until_idle(town.dispatcher())
    town.register(title="Efter bytet")
    until_idle(town.dispatcher(), utcnow() + timedelta(hours=1, seconds=1))
    during, after = first_receipts(receiver.all())
    assert (during.verifies_with(new), during.verifies_with(old)) == (True, True)
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert (after.verifies_with(new), after.verifies_with(old)) == (True, False)
    assert after.headers["webhook-signature"].count("v1,") == 1


def test_a_secret_rotated_without_overlap_no_longer_signs(town, receiver):
    subscription_id, old = town.subscribe(receiver.url)
    new = rotate(town, subscription_id, overlap_hours=0)
    town.register()
    until_idle(town.dispatcher())
    [request] = first_receipts(receiver.all())
    assert (request.verifies_with(new), request.verifies_with(old)) == (True, False)
