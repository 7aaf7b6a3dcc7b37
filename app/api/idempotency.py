"""``Idempotency-Key`` on POST: a retry of a request gets the first answer back, unchanged, with
``Idempotency-Replayed: true``, instead of doing the work twice; the same key with another
request is 422 ``IDEMPOTENCY_KEY_REUSED``. Keys belong to the credential that sent them and
expire after ``idempotency_ttl_hours``.

Only successful answers (2xx) are kept: a refused request changed nothing, so its retry is
judged afresh. An answer marked ``Cache-Control: no-store`` (a new API key, shown once) is never
kept: such a request is not idempotent. The key, the work and the answer are one transaction:
this middleware opens the session, the route uses it (``get_session`` finds it on the
request), and the answer is stored before the commit, so a crash never leaves work without its
record or a record without work."""

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.deps import end_session, in_claiming_thread, in_ending_thread
from app.api.problems import database_error_response, pool_busy_response, problem_response
from app.idempotency import store
from app.kit.clock import utcnow
from app.kit.hashing import sha256_hex

HEADER = b"idempotency-key"
KEPT_HEADERS = ("content-type", "location", "etag")


class Idempotency:
    """``streamed`` paths read their bodies a chunk at a time and keep their own keys (imports:
    ``app.api.routes.imports``); this middleware, which reads a body whole, leaves them be."""

    def __init__(
        self, app: ASGIApp, ttl: timedelta, streamed: frozenset[str] = frozenset()
    ) -> None:
        self.app, self.ttl, self.streamed = app, ttl, streamed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        key, credential = headers.get(HEADER), headers.get(b"authorization")
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or key is None
            or not credential
            or scope["path"] in self.streamed
        ):
            await self.app(scope, receive, send)  # no key, or no caller to hold it: as usual
            return
        text = key.decode("latin-1").strip()
        if not 1 <= len(text) <= 255:
            await problem_response(
                400,
                "INVALID_IDEMPOTENCY_KEY",
                "An Idempotency-Key is 1 to 255 characters.",
                "En Idempotency-Key är 1 till 255 tecken.",
            )(scope, receive, send)
            return
        body = await _read_body(receive)
        request = f"{scope['method']} {scope['path']}?{scope.get('query_string', b'').decode()}"
        request_hash = sha256_hex(request + "\n" + body.decode("utf-8", "surrogateescape"))
        session = scope["app"].state.sessionmaker()
        try:
            await self._handle(
                scope, send, session, sha256_hex(credential.decode()), text, request_hash, body
            )
            return
        except PoolTimeout:  # outside the app's handlers: answered as they answer it
            response = pool_busy_response()
        except DBAPIError as error:  # the claim's or the commit's
            response = database_error_response(scope["method"], scope["path"], error)
        except BaseException:
            await in_ending_thread(scope["app"], session.close)
            raise
        await in_ending_thread(scope["app"], session.close)
        await response(scope, receive, send)

    async def _handle(
        self,
        scope: Scope,
        send: Send,
        session: Any,
        caller: str,
        key: str,
        request_hash: str,
        body: bytes,
    ) -> None:
        """Every way this returns has ended and closed the session (``end_session``), in the
        same hop that commits or rolls it back."""
        now = utcnow()
        try:
            outcome = await in_claiming_thread(
                scope["app"], store.claim, session, caller, key, request_hash, now, self.ttl
            )
        except store.Reused:
            await in_ending_thread(scope["app"], end_session, session, False)
            await _refuse(
                scope,
                send,
                422,
                "IDEMPOTENCY_KEY_REUSED",
                "This Idempotency-Key was used for another request.",
                "Denna Idempotency-Key har använts för ett annat anrop.",
            )
            return
        except store.InProgress:
            await in_ending_thread(scope["app"], end_session, session, False)
            await _refuse(
                scope,
                send,
                409,
                "IDEMPOTENCY_KEY_IN_USE",
                "A request with this Idempotency-Key is still being handled; retry.",
                "Ett anrop med denna Idempotency-Key hanteras fortfarande; försök igen.",
            )
            return
        if isinstance(outcome, store.Answered):
            await in_ending_thread(scope["app"], end_session, session, False)
            await _send(
                send,
                outcome.status_code,
                outcome.headers | {"idempotency-replayed": "true"},
                outcome.body,
            )
            return
        scope.setdefault("state", {})["session"] = session
        status, response_headers, chunks = await _run(self.app, scope, body)
        content = b"".join(chunks)
        if 200 <= status < 300 and "no-store" in response_headers.get("cache-control", ""):
            await in_ending_thread(scope["app"], _forget, session, outcome)
        elif 200 <= status < 300:
            kept = {k: v for k, v in response_headers.items() if k in KEPT_HEADERS}
            await in_ending_thread(scope["app"], _keep, session, outcome, status, kept, content)
        else:
            await in_ending_thread(scope["app"], end_session, session, False)
        await _send(send, status, response_headers, content)


def _keep(
    session: Any, claimed: store.Claimed, status: int, headers: dict[str, str], body: bytes
) -> None:
    """The answer is kept with the key, and the work and the key are committed."""
    store.answer(session, claimed, status, headers, body)
    end_session(session, True)


def _forget(session: Any, claimed: store.Claimed) -> None:
    """The answer holds a secret: the key is not kept, and the work is committed."""
    store.forget(session, claimed)
    end_session(session, True)


async def _read_body(receive: Receive) -> bytes:
    chunks, more = [], True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _run(app: ASGIApp, scope: Scope, body: bytes) -> tuple[int, dict[str, str], list[bytes]]:
    """Call the app with the body already read, and keep its answer instead of sending it."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status, headers, chunks = 500, {}, []

    async def keep(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, replay, keep)
    return status, headers, chunks


async def _send(send: Send, status: int, headers: dict[str, str], body: bytes) -> None:
    raw = [
        (k.encode("latin-1"), v.encode("latin-1"))
        for k, v in headers.items()
        if k != "content-length"
    ] + [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def _refuse(scope: Scope, send: Send, status: int, code: str, en: str, sv: str) -> None:
    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await problem_response(status, code, en, sv)(scope, nothing, send)
