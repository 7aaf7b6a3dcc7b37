"""RFC 9457 problem+json: every error the API returns has this one shape, with a stable ``code``.

Domain errors carry their own code and both languages; payload validation becomes 422
``VALIDATION_FAILED`` with the offending fields; unparseable JSON 400 ``MALFORMED_JSON``; anything
unexpected 500 ``INTERNAL_ERROR`` with no detail (the traceback goes to the log, never the client).
"""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException

from app.errors import StyrkedjaError

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where: e.g. ['body', 'seats']")
    msg: str
    type: str


class ProblemReason(BaseModel):
    """One of several reasons a step is refused (an authority refusal or a guard)."""

    code: str
    message_en: str
    message_sv: str
    details: dict[str, Any] = Field(description="e.g. the legal reference")


class Problem(BaseModel):
    """RFC 9457 problem details. Beyond the members named here, a problem may carry members of
    its own code (``missing``, ``current_version``, ``diary_number``, ``document_id``, …)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI naming the problem type")
    title: str
    status: int
    detail: str = Field(description="What went wrong, in English")
    detail_sv: str = Field(description="What went wrong, in Swedish")
    code: str = Field(description="Stable machine-readable reason code")
    errors: list[FieldError] | None = Field(default=None, description="Offending fields (422)")
    legal_reference: str | None = Field(
        default=None, description="The provision behind the refusal, e.g. 'KL 6:38'"
    )
    reasons: list[ProblemReason] | None = Field(
        default=None, description="Every reason a step is refused, the first one's code above"
    )
    problems: list[dict[str, Any]] | None = Field(
        default=None,
        description="Every problem found in a document (a delegation order, a "
        "workflow definition), the first one's code above",
    )


def problem_type(code: str) -> str:
    return f"urn:styrkedja:problem:{code.lower().replace('_', '-')}"


def problem_response(
    status: int,
    code: str,
    detail: str,
    detail_sv: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "detail_sv": detail_sv,
        "code": code,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StyrkedjaError)
    extra = dict(exc.extra)
    field = extra.pop("field", None)
    if field is not None:
        extra["errors"] = [{"loc": ["body", field], "msg": exc.message_en, "type": exc.code}]
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(
        exc.status,
        exc.code,
        exc.message_en,
        exc.message_sv,
        headers=headers,
        **extra,
    )


def _sent_json(request: Request) -> bool:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    body_errors = [error for error in raw if tuple(error.get("loc", ()))[:1] == ("body",)]
    if body_errors and not _sent_json(request):
        return problem_response(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the body as JSON, with 'Content-Type: application/json'.",
            "Skicka innehållet som JSON, med 'Content-Type: application/json'.",
        )
    malformed = next((error for error in raw if error.get("type") == "json_invalid"), None)
    if malformed is not None:
        position = tuple(malformed.get("loc", ()))[1:2]
        reason = str(malformed.get("ctx", {}).get("error", ""))
        where_en = f" at character {position[0]}: {reason}" if position else ""
        where_sv = f" vid tecken {position[0]}: {reason}" if position else ""
        return problem_response(
            400,
            "MALFORMED_JSON",
            f"The request body is not valid JSON{where_en}.",
            f"Anropets innehåll är inte giltig JSON{where_sv}.",
        )
    errors = [
        {
            "loc": list(error.get("loc", ())),
            "msg": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in raw
    ]
    return problem_response(
        422,
        "VALIDATION_FAILED",
        "The request does not match the expected schema; see 'errors'.",
        "Anropet följer inte det förväntade schemat; se 'errors'.",
        errors=errors,
    )


HTTP_CODES: dict[int, tuple[str, str, str]] = {
    404: ("NOT_FOUND", "No such resource.", "Resursen finns inte."),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed here.", "Metoden är inte tillåten här."),
    413: (
        "PAYLOAD_TOO_LARGE",
        "The request body exceeds the configured limit.",
        "Anropets innehåll är större än den tillåtna gränsen.",
    ),
}


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code, detail, detail_sv = HTTP_CODES.get(
        exc.status_code, ("HTTP_ERROR", str(exc.detail), str(exc.detail))
    )
    return problem_response(exc.status_code, code, detail, detail_sv, headers=exc.headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    return database_error_response(request.method, request.url.path, exc)


def database_error_response(method: str, path: str, exc: DBAPIError) -> JSONResponse:
    """SQLite lets one writer at a time; a request that loses that race is told to retry (its
    transaction was rolled back, nothing was written). A database out of reach (the connection
    lost under the request, or none to be had: the server restarting; ``db._ping_when_idle``)
    is 503 too, but the request may have been completed: the connection may have been lost
    after the COMMIT reached the server. Anything else is unexpected. Also answers for the
    idempotency middleware, which runs outside the app's handlers."""
    if _out_of_reach(exc):
        log.warning("database out of reach on %s %s: %s", method, path, exc)
        return problem_response(
            503,
            "DATABASE_UNAVAILABLE",
            "The database could not be reached while the request ran; it may or may not have "
            "been completed. Retry with the same Idempotency-Key, or check before retrying a "
            "request sent without one.",
            "Databasen gick inte att nå medan anropet kördes; det kan ha genomförts eller inte. "
            "Försök igen med samma Idempotency-Key, eller kontrollera först om anropet "
            "skickades utan en.",
            headers={"Retry-After": "1"},
        )
    if "database is locked" in str(exc.orig):
        return problem_response(
            503,
            "DATABASE_BUSY",
            "Another change was being written at the same moment; nothing was changed. Retry.",
            "En annan ändring skrevs i samma ögonblick; inget ändrades. Försök igen.",
            headers={"Retry-After": "1"},
        )
    return _internal_error(method, path, exc)


def _out_of_reach(exc: DBAPIError) -> bool:
    """The connection broke (SQLAlchemy saw a disconnect), or none could be made: psycopg's
    errors of the connection itself carry no SQLSTATE, the server's errors do (a lock timeout
    is 55P03)."""
    return exc.connection_invalidated or (
        isinstance(exc, OperationalError) and getattr(exc.orig, "sqlstate", "") is None
    )


async def _no_free_connection(request: Request, exc: Exception) -> JSONResponse:
    """Every connection of the pool stayed taken for the pool's whole timeout: the worker is
    overloaded. A request gets its connection at its first statement, so it mostly changed
    nothing (an import may have committed its first batches; its job says which)."""
    return pool_busy_response()


def pool_busy_response() -> JSONResponse:
    return problem_response(
        503,
        "DATABASE_BUSY",
        "Every database connection stayed busy; the request could not be completed. Retry.",
        "Alla databasanslutningar var upptagna; anropet kunde inte slutföras. Försök igen.",
        headers={"Retry-After": "1"},
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    return _internal_error(request.method, request.url.path, exc)


def _internal_error(method: str, path: str, exc: BaseException) -> JSONResponse:
    log.exception("unhandled error on %s %s", method, path, exc_info=exc)
    return problem_response(
        500,
        "INTERNAL_ERROR",
        "An unexpected error occurred; it has been logged.",
        "Ett oväntat fel inträffade; det har loggats.",
    )


def install(app: FastAPI) -> None:
    """The handlers are coroutines: they do no I/O, and Starlette would run a plain function in
    a request thread. A refused request under an Idempotency-Key still holds its row locks
    while its answer is made (the middleware ends its transaction after), and every request
    thread may be waiting for those locks (tests/cases/test_concurrency.py)."""
    app.add_exception_handler(StyrkedjaError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(PoolTimeout, _no_free_connection)
    app.add_exception_handler(Exception, _unexpected_error)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declaration of the problem responses a route gives beyond the common ones
    (``app.api.openapi`` adds 401, 422, and 400/413/415 for bodies, to every API route)."""
    return {status: problem_schema(status) for status in statuses}


def problem_schema(status: int) -> dict[str, Any]:
    return {
        "description": HTTPStatus(status).phrase,
        "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
