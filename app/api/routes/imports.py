"""Bulk imports of cases from a diarium's NDJSON or CSV, streamed: the body is read a chunk at a
time by the import, which runs in a worker thread and commits a batch of rows at a time."""

import hashlib
import io
from functools import partial
from typing import Annotated, Any

from anyio import from_thread, to_thread
from fastapi import Header, Query, Request, Response, status
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from app.api.deps import (
    IdPath,
    PrincipalDep,
    SessionDep,
    WindowDep,
    located,
    page,
)
from app.api.openapi import API_PREFIX
from app.api.problems import responses
from app.api.routing import api_router
from app.auth.principal import Principal
from app.db import session_scope
from app.errors import BadRequest, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from app.integrations.inbound.models import ImportJob
from app.integrations.inbound.permissions import require_importer
from app.integrations.inbound.schemas import SYSTEM_PATTERN, ImportJobRead, ImportRowRead
from app.integrations.inbound.service import jobs, runner
from app.integrations.inbound.vocabulary import MEDIA_TYPES, ImportFormat, Outcome
from app.kit.hashing import sha256_hex
from app.kit.schemas import Page

router = api_router(prefix="/imports", tags=["imports"])
MAX_KEY = 255
PATH = f"{API_PREFIX}/imports"
"""Where imports are posted: the body-size limit and the idempotency middleware treat it apart."""


class RequestBody(io.RawIOBase):
    """The request body as a blocking stream, for the import in its worker thread: each read
    waits on the event loop for the next chunk. A body over the import limit, or a client that
    went away, ends the import with the reason."""

    def __init__(self, request: Request, digest: Any = None) -> None:
        self._chunks = request.stream().__aiter__()
        self._pending = b""
        self._done = False
        self._digest = digest  # updated with every chunk read (hashlib's interface)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._done:
            try:
                self._pending = from_thread.run(self._next)
            except HTTPException as exc:
                if exc.status_code != 413:  # the body-size limit's (app.api.middleware)
                    raise
                raise PayloadTooLarge(
                    "The import is larger than the configured limit; the rows before it "
                    "were imported.",
                    "Importen är större än den tillåtna gränsen; raderna före gränsen har "
                    "importerats.",
                    code="PAYLOAD_TOO_LARGE",
                ) from exc
            except ClientDisconnect as exc:
                raise BadRequest(
                    "The client went away before the whole body was sent.",
                    "Klienten försvann innan hela innehållet skickats.",
                    code="IMPORT_INTERRUPTED",
                ) from exc
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    async def _next(self) -> bytes:
        try:
            chunk: bytes = await self._chunks.__anext__()
        except StopAsyncIteration:
            self._done = True
            return b""
        if self._digest is not None:
            self._digest.update(chunk)
        return chunk


def _format(request: Request) -> ImportFormat:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    form = MEDIA_TYPES.get(media_type)
    if form is None:
        raise UnsupportedMediaType(
            "Send the import as application/x-ndjson or text/csv.",
            "Skicka importen som application/x-ndjson eller text/csv.",
            code="UNSUPPORTED_MEDIA_TYPE",
        )
    return form


BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


@router.post(
    "",
    summary="Import cases from NDJSON or CSV (streamed), each row an upsert",
    description="Each row is `PUT /integrations/{system}/cases/{external_id}` with the row's "
    "fields: created, updated, unchanged or an error with its code, row by row; a failing row "
    "never stops the rest. Rows name their `system`, or take the `system` query parameter. "
    "Committed a batch at a time: `GET /imports/{id}` shows the progress meanwhile. Answers "
    "when the whole body is imported (201, the job). A CSV header that cannot be used is 422 "
    "(`CSV_UNKNOWN_COLUMNS`, `CSV_COLUMNS_MISSING`, `CSV_HEADER_INVALID`, "
    "`CSV_HEADER_MISSING`) and imports nothing; a body over the import limit stops the "
    "import (413, with `import_id`). An API key with the scope `integration`, or a registrar.",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 413, 415),
    openapi_extra=BODY,
)
async def create_import(
    request: Request,
    response: Response,
    principal: PrincipalDep,  # signed in on a session of its own: it holds no connection
    system: Annotated[
        str | None,
        Query(pattern=SYSTEM_PATTERN, max_length=32, description="For rows naming no system"),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        Header(description="A retry with the same key and file gets the first import back"),
    ] = None,
) -> ImportJobRead:
    form = _format(request)
    keyed = _keyed(request, idempotency_key)
    factory = request.app.state.sessionmaker
    if keyed is not None:
        done = await to_thread.run_sync(_keyed_job, factory, principal, keyed)
        if done is not None:
            return await _replay(request, response, keyed, done)
    job = await to_thread.run_sync(
        partial(
            runner.run_import,
            factory,
            principal,
            form,
            io.BufferedReader(
                RequestBody(request, keyed.digest if keyed else None), buffer_size=64 * 1024
            ),
            system=system,
            batch_rows=request.app.state.settings.import_batch_rows,
            keyed=keyed,
        )
    )
    located(request, response, "get_import", import_id=job.id)
    return ImportJobRead.of(job)


def _keyed(request: Request, key: str | None) -> jobs.Keyed | None:
    """The import's ``Idempotency-Key``, as the idempotency middleware takes keys (which leaves
    this path alone: it would read the body whole): per credential, 1 to 255 characters; the
    digest covers the query and then the body."""
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= MAX_KEY:
        raise BadRequest(
            "An Idempotency-Key is 1 to 255 characters.",
            "En Idempotency-Key är 1 till 255 tecken.",
            code="INVALID_IDEMPOTENCY_KEY",
        )
    digest = hashlib.sha256(request.url.query.encode() + b"\n")
    return jobs.Keyed(sha256_hex(request.headers.get("authorization", "")), key, digest)


def _keyed_job(
    factory: sessionmaker[Session], principal: Principal, keyed: jobs.Keyed
) -> ImportJob | None:
    with session_scope(factory) as session:
        require_importer(principal)
        return jobs.keyed_job(session, keyed.caller, keyed.key)


async def _replay(
    request: Request, response: Response, keyed: jobs.Keyed, job: ImportJob
) -> ImportJobRead:
    """The import this key already made, if the body is the one it read (hashed as it
    streams past, never held); another body under the key is 422."""
    async for chunk in request.stream():
        keyed.digest.update(chunk)
    if keyed.digest.hexdigest() != job.request_sha256:
        raise InvalidInput(
            "This Idempotency-Key was used for another import.",
            "Denna Idempotency-Key har använts för en annan import.",
            code="IDEMPOTENCY_KEY_REUSED",
        )
    response.headers["Idempotency-Replayed"] = "true"
    located(request, response, "get_import", import_id=job.id)
    return ImportJobRead.of(job)


@router.get(
    "/{import_id}", summary="An import: its status and counts", responses=responses(403, 404)
)
def get_import(session: SessionDep, principal: PrincipalDep, import_id: IdPath) -> ImportJobRead:
    return ImportJobRead.of(jobs.get_job(session, principal, import_id))


@router.get(
    "/{import_id}/rows",
    summary="An import's result per row, in row order",
    responses=responses(400, 403, 404),
)
def list_import_rows(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    import_id: IdPath,
    window: WindowDep,
    outcome: Annotated[Outcome | None, Query(description="Only rows of this outcome")] = None,
) -> Page[ImportRowRead]:
    rows = jobs.job_rows(session, principal, import_id, outcome, window)
    return Page[ImportRowRead].model_validate(page(request, rows, ImportRowRead.of))
