"""Two dispatchers at once on PostgreSQL, each in its own thread with its own connections: every
message is delivered exactly once between them (no crash, so no duplicate), each case in order."""

import threading
import time
from collections import Counter

import pytest

from tests.integrations.webhooks.conftest import until_idle

CASES, UPDATES = 12, 3


@pytest.fixture
def postgres_only(backend):
    if backend != "postgresql":
        pytest.skip("SKIP LOCKED claims are PostgreSQL's; on SQLite one dispatcher runs")


def test_two_dispatchers_never_deliver_a_message_twice(postgres_only, town, receiver):
    subscription_id, _ = town.subscribe(receiver.url)
    # Answers that take a moment, as a receiver's work does, so neither dispatcher can empty
    # the outbox before the other has claimed a batch, however the machine schedules them.
    receiver.delay = 0.02
    cases = [town.register() for _ in range(CASES)]
    for _ in range(UPDATES):
        for case_id in cases:
            town.retitle(case_id)
    dispatchers = [town.dispatcher(batch=4), town.dispatcher(batch=4)]
    start = threading.Barrier(2)
    delivered_by = Counter[int]()
    failures: list[BaseException] = []

    everything = CASES * (UPDATES + 1)

    def work(index: int) -> None:
        # Idle may only mean the other holds the rest (its fan-out, its claimed batch): each
        # looks again until every message is delivered, as a long-running dispatcher would.
        try:
            start.wait(timeout=10)
            deadline = time.monotonic() + 60
            while town.statuses(subscription_id).count("delivered") < everything:
                assert time.monotonic() < deadline, "not all delivered within 60 s"
                done = until_idle(dispatchers[index], rounds=200)
                delivered_by[index] += sum(one.tally.delivered for one in done)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert all(delivered_by[index] > 0 for index in (0, 1)), delivered_by  # both took part
    assert delivered_by.total() == everything
    delivered = receiver.delivered()
    counts = Counter(r.webhook_id for r in delivered)
    assert len(counts) == CASES * (UPDATES + 1)
    assert set(counts.values()) == {1}
    order: dict[int, list[int]] = {}
    for request in delivered:
        data = request.json["data"]
        order.setdefault(data["case"]["id"], []).append(data["event"]["seq"])
    assert order == {case_id: list(range(1, UPDATES + 2)) for case_id in cases}
    assert town.statuses(subscription_id) == ["delivered"] * CASES * (UPDATES + 1)
