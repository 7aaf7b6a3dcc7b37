"""Webhook delivery tests run against a database of their own per test, committed for real
(the dispatcher works in its own transactions, as in production), with a real receiver."""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Principal
from app.auth.service import person_principal
from app.cases.schemas import CaseCreate, CaseUpdate
from app.cases.service import records
from app.cases.service.updates import update_case
from app.db import make_engine, make_sessionmaker, session_scope
from app.integrations.webhooks import service
from app.integrations.webhooks.dispatcher import Dispatcher, Round
from app.integrations.webhooks.models import WebhookDelivery
from app.integrations.webhooks.retry import RetryPolicy
from app.integrations.webhooks.schemas import SubscriptionCreate
from app.integrations.webhooks.sender import WebhookSender
from app.kit.clock import today
from tests.builders import make_organ, make_registrar
from tests.cases.conftest import world  # noqa: F401  (a committee and its people, for API tests)
from tests.integrations.webhooks.receiver import Receiver

SCHEDULE = (1.0, 2.0, 4.0)
"""Four attempts, 1 s, 2 s and 4 s apart: stepped through with ``run_once(now=…)``."""
TIMEOUT = 10.0
"""Generous: on a busy test machine a receiver may answer late; a late answer is retried."""
LEASE = timedelta(seconds=30)
SECRET_CASE = {
    "confidential": True,
    "secrecy": {"provision": "OSL 26 kap. 1 §", "marked_on": "2026-01-15", "marked_by": "BUN"},
}
_titles = itertools.count(1)


@dataclass
class Town:
    """A municipality with two organs (BUN, KS) and a registrar, in a database of its own."""

    sessions: sessionmaker[Session]
    registrar: Principal
    client: httpx.Client
    dispatchers: list[Dispatcher] = field(default_factory=list)

    def register(self, organ: str = "BUN", **fields: object) -> int:
        data = CaseCreate.model_validate(
            {"title": "Ärende", "problem": "p", "organ": organ} | fields
        )
        with session_scope(self.sessions) as session:
            return records.register(session, self.registrar, data).id

    def retitle(self, case_id: int, **fields: object) -> None:
        data = CaseUpdate.model_validate({"title": f"Ny rubrik {next(_titles)}"} | fields)
        with session_scope(self.sessions) as session:
            update_case(session, self.registrar, case_id, data, None)

    def subscribe(self, url: str, **fields: object) -> tuple[int, str]:
        data = SubscriptionCreate.model_validate(
            {"url": url, "event_types": ["case.registered", "case.updated"]} | fields
        )
        with session_scope(self.sessions) as session:
            subscription, secret = service.create(session, self.registrar, data)
            return subscription.id, secret

    def dispatcher(self, *, batch: int = 100, sender: WebhookSender | None = None) -> Dispatcher:
        return Dispatcher(
            self.sessions,
            sender or WebhookSender(self.client, timeout=TIMEOUT),
            policy=RetryPolicy(delays_seconds=SCHEDULE, jitter=0),
            timeout=TIMEOUT,
            lease=LEASE,
            batch=batch,
        )

    def statuses(self, subscription_id: int) -> list[str]:
        with session_scope(self.sessions) as session:
            query = select(WebhookDelivery.status).where(
                WebhookDelivery.subscription_id == subscription_id
            )
            return list(session.scalars(query.order_by(WebhookDelivery.id)))


def until_idle(dispatcher: Dispatcher, now: object = None, rounds: int = 50) -> list[Round]:
    """Rounds at ``now`` until one finds nothing to do (bounded, so a bug cannot hang a test)."""
    done = []
    for _ in range(rounds):
        done.append(dispatcher.run_once(now))  # type: ignore[arg-type]
        if done[-1].idle:
            return done
    raise AssertionError(f"still busy after {rounds} rounds")


@pytest.fixture
def town(own_database) -> Iterator[Town]:
    engine = make_engine(own_database)
    sessions = make_sessionmaker(engine)
    with session_scope(sessions) as session:
        make_organ(session, code="BUN", name="Barn- och utbildningsnämnden")
        make_organ(session, code="KS", name="Kommunstyrelsen", kind="executive_board")
        registrar = person_principal(session, make_registrar(session), today())
    with httpx.Client(trust_env=False) as client:
        yield Town(sessions, registrar, client)
    engine.dispose()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running
