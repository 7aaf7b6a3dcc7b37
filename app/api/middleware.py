"""Refuse request bodies over the configured size before any handler reads them.

A declared ``Content-Length`` over the limit is refused at once; a chunked body is counted as it
streams and refused as soon as it crosses the limit, so memory stays bounded either way.
"""

from collections.abc import Mapping

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import problem_response


class BodySizeLimit:
    """``max_bytes`` for every body, but the paths in ``streamed``, whose handlers read their
    bodies a chunk at a time (imports), have their own limit."""

    def __init__(
        self, app: ASGIApp, max_bytes: int, streamed: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.streamed = dict(streamed or {})

    def _refusal(self, limit: int) -> JSONResponse:
        return problem_response(
            413,
            "PAYLOAD_TOO_LARGE",
            f"The request body exceeds {limit} bytes.",
            f"Anropets innehåll är större än {limit} byte.",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.streamed.get(scope["path"], self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refusal(limit)(scope, receive, send)
            return

        received = 0
        response_started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException, so the framework's body reader passes it on untouched
                    # and the problem renderer answers 413.
                    raise HTTPException(413)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except HTTPException as exc:
            if exc.status_code != 413 or response_started:
                raise
            await self._refusal(limit)(scope, receive, send)


class RefuseNulBytes:
    """A NUL byte in the path or query is never meaningful here, and PostgreSQL cannot store or
    compare it: refuse the request up front (400) rather than let a query fail."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope["path"] or b"%00" in scope["query_string"].lower()
        ):
            refusal = problem_response(
                400,
                "INVALID_CHARACTERS",
                "The URL contains a NUL byte.",
                "Adressen innehåller ett NUL-tecken.",
            )
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)
