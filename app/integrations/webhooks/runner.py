"""A dispatcher built from the settings, and one run in a background thread of the server
(``styrkedja serve --dispatch``), started and stopped with the application."""

import threading
from datetime import timedelta

import httpx
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.integrations.webhooks.dispatcher import Dispatcher
from app.integrations.webhooks.retry import RetryPolicy
from app.integrations.webhooks.sender import WebhookSender

STOP_TIMEOUT_SECONDS = 30.0


def new_client(settings: Settings) -> httpx.Client:
    """One client per dispatcher: its pool keeps a connection to each receiver alive."""
    limits = httpx.Limits(max_connections=settings.webhook_concurrency * 2)
    return httpx.Client(timeout=settings.webhook_timeout_seconds, limits=limits)


def build(
    sessions: sessionmaker[Session],
    settings: Settings,
    client: httpx.Client,
    *,
    batch: int | None = None,
) -> Dispatcher:
    return Dispatcher(
        sessions,
        WebhookSender(client, timeout=settings.webhook_timeout_seconds),
        policy=RetryPolicy(
            delays_seconds=tuple(settings.webhook_retry_delays_seconds),
            jitter=settings.webhook_retry_jitter,
        ),
        timeout=settings.webhook_timeout_seconds,
        lease=timedelta(seconds=settings.webhook_lease_seconds),
        batch=batch or settings.webhook_batch_size,
        concurrency=settings.webhook_concurrency,
    )


class BackgroundDispatcher:
    """A dispatcher in a daemon thread; ``stop`` lets the round in progress finish (its sends
    are bounded by the timeout) and closes the HTTP client."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self._client = new_client(settings)
        dispatcher = build(sessions, settings, self._client)
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=dispatcher.run,
            args=(self._stop, settings.webhook_poll_interval_seconds),
            name="webhook-dispatcher",
            daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=STOP_TIMEOUT_SECONDS)
        self._client.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()
