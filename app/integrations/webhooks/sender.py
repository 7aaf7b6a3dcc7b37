"""Posting one signed webhook: the one place that calls receivers (STYLE rule 11).

A receiver gets ``timeout`` seconds to connect, to take the body and to start answering, and
its answer is read no longer than ``timeout`` from the start: one slow or hanging receiver must
not hold up the deliveries of the others for long. Redirects are not followed (a
3xx is a failed attempt): a receiver moves by changing its subscription, not by sending the
signed body on to an address no administrator chose."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import httpx

from app.integrations.webhooks.signing import sign
from app.kit.clock import utcnow

USER_AGENT = "Styrkedja-Webhooks/1"
KEPT_RESPONSE_CHARS = 200
"""How much of a refusing receiver's answer the delivery log keeps, to say why."""


@dataclass(frozen=True)
class Sent:
    """What one attempt came to: a status code (None if no answer came), the time it took, and
    for a failure what went wrong."""

    status_code: int | None
    latency_ms: int
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookSender:
    def __init__(
        self, client: httpx.Client, *, timeout: float, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._client, self._timeout, self._clock = client, timeout, clock
        self._extensions = {"timeout": httpx.Timeout(timeout).as_dict()}

    def send(self, url: str, message_id: str, body: str, secret: str, *older: str) -> Sent:
        """POST the body signed at this moment (receivers check the timestamp is fresh), with
        ``secret`` and each of the ``older`` secrets that still sign while the receiver changes
        over: Standard Webhooks puts the signatures in one header, space-separated, and a
        receiver accepts the message if any of them verifies with its secret.

        The request is built here, whole, and sent through the client's connection pool
        (``Client.send``) rather than built by the client (``Client.post``): no defaults,
        cookies or parameters of the client are merged into it, so what a receiver gets is
        exactly these headers and none of the cookies any receiver set, and the dispatcher is
        spared most of the per-request work of merging them."""
        timestamp = self._clock()
        headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "webhook-id": message_id,
            "webhook-timestamp": str(int(timestamp.timestamp())),
            "webhook-signature": " ".join(
                sign(key, message_id, timestamp, body) for key in (secret, *older)
            ),
        }
        request = httpx.Request(
            "POST", url, content=body.encode(), headers=headers, extensions=self._extensions
        )
        started = time.monotonic()
        deadline = started + self._timeout
        try:
            response = self._client.send(request, stream=True, follow_redirects=False)
            try:
                answer = _read_some(response, deadline)
            finally:
                response.close()
        except httpx.HTTPError as exc:
            return Sent(None, _ms_since(started), f"{type(exc).__name__}: {exc}"[:500])
        except TimeoutError as exc:
            return Sent(None, _ms_since(started), str(exc))
        latency = _ms_since(started)
        if 200 <= response.status_code < 300:
            return Sent(response.status_code, latency, None)
        return Sent(response.status_code, latency, f"HTTP {response.status_code}: {answer}"[:500])


def _read_some(response: httpx.Response, deadline: float) -> str:
    """The start of the answer, read within the deadline (the rest is not waited for)."""
    kept = b""
    for chunk in response.iter_bytes():
        if time.monotonic() > deadline:
            raise TimeoutError("the receiver took longer than the timeout to answer")
        kept += chunk[: KEPT_RESPONSE_CHARS * 4 - len(kept)]
        if len(kept) >= KEPT_RESPONSE_CHARS * 4:
            break
    return kept.decode("utf-8", "replace")[:KEPT_RESPONSE_CHARS].strip()


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
