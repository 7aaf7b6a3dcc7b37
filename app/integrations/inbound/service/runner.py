"""Running an import: read rows from a stream, upsert each (``upsert.upsert``, as a PUT would)
in a savepoint of its own — new cases a run of rows at a time (``batch``) — and commit a batch
at a time, with the batch's row results and the job's counts, so that another connection sees
the progress and a stop loses at most the batch under way. Like the CLI and workers, it owns
its transactions (``session_scope``): an import outlives any one of them.

A row that fails — unreadable, invalid, refused by a rule of the case or by the database — rolls
back only its savepoint and is recorded with its code and message; the rows around it go on (a
run the database refuses is done again row by row, so that only the failing row fails).
Re-running the same file finds every reference known and every case as the file says: all
``unchanged``.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO

from pydantic import ValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Principal
from app.cases.service.lookups import Lookups
from app.db import session_scope
from app.errors import StyrkedjaError
from app.integrations.inbound import parsing
from app.integrations.inbound import repository as repo
from app.integrations.inbound.models import ImportJob
from app.integrations.inbound.permissions import require_importer
from app.integrations.inbound.schemas import ImportedRow
from app.integrations.inbound.service import batch as batch_path
from app.integrations.inbound.service import jobs
from app.integrations.inbound.service.upsert import Known, upsert
from app.integrations.inbound.vocabulary import ImportFormat, Outcome

log = logging.getLogger(__name__)

# Lost to a concurrent transaction (a deadlock between two imports taking the same references
# in different orders, a serialisation failure): the row may be sent again.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001", "55P03"})

Progress = Callable[[ImportJob], None]


def run_import(
    factory: sessionmaker[Session],
    principal: Principal,
    form: ImportFormat,
    source: BinaryIO,
    *,
    system: str | None = None,
    source_name: str | None = None,
    batch_rows: int = 500,
    progress: Progress | None = None,
    keyed: jobs.Keyed | None = None,
) -> ImportJob:
    """Import every row of ``source``; the finished job. A CSV header that cannot be used is
    refused before a job exists. If reading stops (the body too large, the client gone) or
    something unexpected happens, the job is marked failed with the reason, and the error goes
    on to the caller; what was committed stands. ``keyed``: the import's Idempotency-Key,
    taken when the job starts."""
    require_importer(principal)
    rows = parsing.read(form, source)
    with session_scope(factory) as session:
        import_id = jobs.start(session, principal, form, system, source_name, keyed).id
    try:
        for batch in _batches(rows, batch_rows):
            with session_scope(factory) as session:
                job = _run_batch(session, principal, import_id, system, batch)
            if progress is not None:
                progress(job)
    except StyrkedjaError as exc:
        _fail(factory, import_id, exc.code, exc.message_en)
        exc.extra.setdefault("import_id", import_id)
        raise
    except BaseException:
        log.exception("import %s stopped", import_id)
        _fail(factory, import_id, "IMPORT_FAILED", "The import stopped on an unexpected error.")
        raise
    with session_scope(factory) as session:
        return jobs.finish(session, import_id, keyed)


def _batches(rows: Iterable[parsing.RawRow], size: int) -> Iterator[list[parsing.RawRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _fail(factory: sessionmaker[Session], import_id: int, code: str, message: str) -> None:
    with session_scope(factory) as session:
        jobs.fail(session, import_id, code, message)


def _run_batch(
    session: Session,
    principal: Principal,
    import_id: int,
    system: str | None,
    batch: list[parsing.RawRow],
) -> ImportJob:
    """The batch's rows in order: new cases gathered into runs written together
    (``batch.write``), every other row upserted on its own when its turn comes, after the run
    before it is written, so that diary numbers follow the rows as they would one by one."""
    lookups = Lookups(session)
    known = _read_ahead(session, batch, system)
    results: list[dict[str, Any]] = []
    run: list[batch_path.Fresh] = []
    seen: set[tuple[str, str]] = set()  # references the batch has come to the database with
    for raw in batch:
        result, data, row_system = _read(raw, import_id, system)
        results.append(result)
        if data is None or row_system is None:
            continue
        key = (row_system, data.external_id)
        fresh = None
        if key not in known.references and key not in seen:
            try:
                fresh = batch_path.prepare(principal, row_system, data, result, lookups)
            except StyrkedjaError as exc:
                result |= _error(exc.code, exc.message_en, exc.message_sv, _field_errors(exc))
                continue
        seen.add(key)
        if fresh is not None:
            run.append(fresh)
            continue
        _write_run(session, principal, run, lookups, known)
        run = []
        result |= _upserted(session, principal, row_system, data, import_id, lookups, known)
    _write_run(session, principal, run, lookups, known)
    repo.add_rows(session, results)
    repo.count_job(session, import_id, Counter(r["outcome"] for r in results), len(results))
    job = repo.job(session, import_id)
    assert job is not None
    session.refresh(job)
    return job


def _write_run(
    session: Session,
    principal: Principal,
    run: list[batch_path.Fresh],
    lookups: Lookups,
    known: Known,
) -> None:
    """Write the run together; if the database refuses any of it, row by row."""
    if not run:
        return
    try:
        with session.begin_nested():
            batch_path.write(session, principal, run)
        return
    except DBAPIError as exc:
        log.info("a run of %d rows is done row by row: %s", len(run), exc.orig)
    for fresh in run:
        fresh.result |= _upserted(
            session,
            principal,
            fresh.system,
            fresh.data,
            fresh.result["import_id"],
            lookups,
            known,
        )


def _read_ahead(session: Session, batch: list[parsing.RawRow], system: str | None) -> Known:
    """The batch's known references and their cases, in two queries instead of two per row.
    Rows that will turn out invalid only widen the net."""
    keys = {
        (row_system, external_id)
        for raw in batch
        if raw.fields is not None
        and isinstance(row_system := raw.fields.get("system") or system, str)
        and isinstance(external_id := raw.fields.get("external_id"), str)
    }
    references = repo.references_among(session, keys)
    case_ids = {r.case_id for r in references.values() if r.case_id is not None}
    return Known(references, repo.cases_locked(session, case_ids))


def _read(
    raw: parsing.RawRow, import_id: int, default_system: str | None
) -> tuple[dict[str, Any], ImportedRow | None, str | None]:
    """The row's result so far, and the row and its system when it can be upserted (an error
    result otherwise)."""
    result: dict[str, Any] = {
        "import_id": import_id,
        "row": raw.number,
        "outcome": Outcome.error.value,
        "system": None,
        "external_id": None,
        "case_id": None,
        "code": None,
        "message": None,
        "message_sv": None,
        "errors": None,
    }
    if raw.problem is not None:
        result |= _error(raw.problem.code, raw.problem.message_en, raw.problem.message_sv)
        return result, None, None
    fields = raw.fields or {}
    result |= _reference_of(fields, default_system)
    try:
        data = ImportedRow.model_validate(fields)
    except ValidationError as exc:
        return result | _invalid(exc), None, None
    system = data.system or default_system
    if system is None:
        result |= _error(
            "SYSTEM_REQUIRED",
            "The row names no system, and the import gives none (?system=…).",
            "Raden anger inget system, och importen anger inget (?system=…).",
        )
        return result, None, None
    return result, data, system


def _upserted(
    session: Session,
    principal: Principal,
    system: str,
    data: ImportedRow,
    import_id: int,
    lookups: Lookups,
    known: Known,
) -> dict[str, Any]:
    """One row's upsert in a savepoint of its own: what its result becomes."""
    try:
        with session.begin_nested():
            done = upsert(
                session,
                principal,
                system,
                data.external_id,
                data,
                import_id=import_id,
                lookups=lookups,
                known=known,
            )
    except StyrkedjaError as exc:
        return _error(exc.code, exc.message_en, exc.message_sv, _field_errors(exc))
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return _error(
                "EXTERNAL_REFERENCE_BUSY",
                "Another transaction held the case or its reference; send the row again.",
                "En annan transaktion höll ärendet eller dess referens; skicka raden igen.",
            )
        if isinstance(exc, DataError | IntegrityError):
            return _error(
                "ROW_NOT_STORABLE",
                "The database refused the row's values (a text with a NUL character, say).",
                "Databasen vägrade radens värden (en text med ett NUL-tecken, till exempel).",
            )
        raise
    return {"outcome": done.outcome.value, "case_id": done.case.id}


def _reference_of(fields: dict[str, Any], default_system: str | None) -> dict[str, Any]:
    """The row's reference as far as it can be read, to name even a row that is refused."""
    system, external_id = fields.get("system") or default_system, fields.get("external_id")
    return {
        "system": system[:32] if isinstance(system, str) else None,
        "external_id": external_id[:128] if isinstance(external_id, str) else None,
    }


def _error(
    code: str, message_en: str, message_sv: str, errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "outcome": Outcome.error.value,
        "code": code,
        "message": message_en,
        "message_sv": message_sv,
        "errors": errors,
    }


def _invalid(exc: ValidationError) -> dict[str, Any]:
    errors = [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
    fields = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
    return _error(
        "VALIDATION_FAILED",
        f"The row does not match a case's fields: {', '.join(fields) or 'the row'}; see errors.",
        f"Raden följer inte ett ärendes fält: {', '.join(fields) or 'raden'}; se errors.",
        errors,
    )


def _field_errors(exc: StyrkedjaError) -> list[dict[str, Any]] | None:
    field = exc.extra.get("field")
    if field is None:
        return None
    return [{"loc": [str(field)], "msg": exc.message_en, "type": exc.code}]
