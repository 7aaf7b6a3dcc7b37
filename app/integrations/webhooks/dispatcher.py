"""The dispatcher: after changes commit, it fans their outbox messages out to deliveries, claims
the deliveries that are due, posts them and records how it went, round after round.

Delivery is at least once. A dispatcher that dies after a receiver said 2xx but before the
result was written leaves a leased delivery that another round takes again once the lease has
run out: the receiver may get that message twice (same ``webhook-id``, for it to deduplicate by),
never not at all. Only the head of a case's queue to a subscription is ever claimed, so a case
has at most one message in flight per subscription and sends may run in parallel without
reordering a case.

Each step is its own short transaction, so several dispatchers may run at once on PostgreSQL
(their claims skip each other's locked rows, and they take turns to fan out); on SQLite run one.
"""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.db import session_scope
from app.integrations.webhooks import deliveries, fanout
from app.integrations.webhooks.deliveries import Attempted, Claim, Claimed, Tally
from app.integrations.webhooks.retry import RetryPolicy
from app.integrations.webhooks.sender import WebhookSender
from app.kit.clock import utcnow

log = logging.getLogger(__name__)

FIRST_REST_SECONDS = 0.05
"""The rest after the first idle round that follows a busy one (then doubled, see ``run``)."""


@dataclass(frozen=True)
class Round:
    """What one round did: messages fanned out, and its attempts by outcome."""

    fanned_out: int
    tally: Tally
    released: int  # claimed but left unsent, as the lease was running out

    @property
    def attempted(self) -> int:
        return self.tally.delivered + self.tally.failed + self.tally.dead

    @property
    def idle(self) -> bool:
        return not (self.fanned_out or self.attempted)


class Dispatcher:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        sender: WebhookSender,
        *,
        policy: RetryPolicy,
        timeout: float,
        lease: timedelta,
        batch: int = 100,
        concurrency: int = 1,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if lease.total_seconds() <= timeout:
            raise ValueError("the lease must outlast one attempt's timeout")
        self._sessions, self._sender, self._policy = sessions, sender, policy
        self._timeout, self._lease, self._batch = timeout, lease, batch
        self._concurrency, self._clock = concurrency, clock

    def run_once(self, now: datetime | None = None) -> Round:
        """One round: claim what is due, send it and record how it went, fanning out the
        messages committed since the last round meanwhile, in a helper thread (the sends wait
        mostly on receivers, fanning out mostly on the database: together they take little
        longer than the sends alone). With nothing due, the round fans out first and claims
        what that made due. ``now`` pins the clock of the round (tests step through a retry
        schedule with it); by default each step reads the clock."""
        claim = self.claim(now)
        if not claim.items:
            fanned = self.fan_out(now)
            claim = self.claim(now)  # also what another dispatcher fanned out meanwhile
            attempted = self.send(claim, now)
            failed = None
        else:
            with ThreadPoolExecutor(1, thread_name_prefix="webhook-fan-out") as helper:
                fanning = helper.submit(self.fan_out, now)
                attempted = self.send(claim, now)
                failed = fanning.exception()
            fanned = 0 if failed else fanning.result()
        tally = self.record(claim, attempted)
        if failed:  # only now: what was sent is recorded all the same
            raise failed
        return Round(fanned, tally, len(claim.items) - len(attempted))

    def fan_out(self, now: datetime | None = None) -> int:
        with session_scope(self._sessions) as session:
            return fanout.fan_out(session, now or self._clock(), self._batch)

    def claim(self, now: datetime | None = None) -> Claim:
        with session_scope(self._sessions) as session:
            return deliveries.claim(session, now or self._clock(), self._batch, self._lease)

    def send(self, claim: Claim, now: datetime | None = None) -> list[Attempted]:
        """Post the claimed deliveries; one that could not finish within the lease is not
        started (another dispatcher may take it once the lease is over)."""

        def attempt(item: Claimed) -> Attempted | None:
            if time.monotonic() + self._timeout >= claim.expires:
                return None
            at = now or self._clock()
            return Attempted(
                item, at, self._sender.send(item.url, item.webhook_id, item.body, *item.secrets)
            )

        if self._concurrency > 1 and len(claim.items) > 1:
            with ThreadPoolExecutor(self._concurrency, thread_name_prefix="webhook-send") as pool:
                results = list(pool.map(attempt, claim.items))
        else:
            results = [attempt(item) for item in claim.items]
        return [result for result in results if result is not None]

    def record(self, claim: Claim, attempted: list[Attempted]) -> Tally:
        if not claim.items:
            return Tally()
        with session_scope(self._sessions) as session:
            return deliveries.record(session, claim, attempted, self._policy)

    def run(self, stop: threading.Event, poll_interval: float) -> None:
        """Round after round until ``stop`` is set. After a round that found nothing to do it
        rests, briefly at first (``FIRST_REST_SECONDS``) and twice as long after each further
        idle round, up to ``poll_interval``: a change committed soon after the last busy round
        goes out within tens of milliseconds, while a quiet dispatcher asks the database no
        more than once a poll interval. A round that fails (the database away, say) is logged
        and tried again after a full poll interval: what it had claimed comes back when its
        lease ends."""
        rest = 0.0
        while not stop.is_set():
            try:
                idle = self.run_once().idle
            except Exception:
                log.exception("a webhook dispatch round failed; trying again")
                idle, rest = True, poll_interval
            if not idle:
                rest = 0.0
                continue
            rest = min(poll_interval, rest * 2 if rest else FIRST_REST_SECONDS)
            stop.wait(rest)
