"""When a failed delivery is tried again: exponential backoff with jitter, by a schedule of
delays that deployments set (``Settings.webhook_retry_delays_seconds``). The default, 8
attempts over about 27 hours, is the schedule Svix (where Standard Webhooks began) publishes for its
own deliveries: a receiver that is down for a night still gets everything, and one that is gone
for good is given up on within about a day."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """``delays_seconds[n]``: the wait after the (n+1)th failed attempt; the default
    (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h) makes eight attempts in all."""

    delays_seconds: tuple[float, ...]
    jitter: float = 0.2  # each delay stretched or shrunk by up to this share, at random
    rng: random.Random = field(default_factory=random.Random, compare=False)

    @property
    def max_attempts(self) -> int:
        return len(self.delays_seconds) + 1

    def next_attempt_at(self, failed_attempts: int, now: datetime) -> datetime | None:
        """When to try after ``failed_attempts`` failures, or None: that was the last attempt.
        The jitter spreads the retries of many deliveries that failed together (a receiver that
        was down), so they do not all come back at the same second."""
        if failed_attempts >= self.max_attempts:
            return None
        delay = self.delays_seconds[failed_attempts - 1]
        spread = self.rng.uniform(1 - self.jitter, 1 + self.jitter) if self.jitter else 1.0
        return now + timedelta(seconds=delay * spread)
