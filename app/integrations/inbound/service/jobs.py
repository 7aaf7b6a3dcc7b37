"""Import jobs as records: started, counted batch by batch, finished or failed; read by whoever
may import — a registrar any job, a key only its own — with their rows a page at a time."""

from dataclasses import dataclass
from operator import attrgetter
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.errors import Conflict
from app.integrations.inbound import errors
from app.integrations.inbound import repository as repo
from app.integrations.inbound.models import ImportJob, ImportRow
from app.integrations.inbound.permissions import require_importer
from app.integrations.inbound.vocabulary import ImportFormat, ImportStatus, Outcome
from app.kit.clock import utcnow
from app.kit.pagination import Slice, Window, cut


class Digest(Protocol):
    """hashlib's interface."""

    def update(self, data: bytes, /) -> None: ...

    def hexdigest(self) -> str: ...


@dataclass(frozen=True)
class Keyed:
    """An import sent with an ``Idempotency-Key``: whose (the SHA-256 of the credential, as
    the idempotency middleware keys them), which key, and the digest of the query and body
    as they are read, kept with the job when it completes."""

    caller: str
    key: str
    digest: Digest


def start(
    session: Session,
    principal: Principal,
    form: ImportFormat,
    system: str | None,
    source_name: str | None,
    keyed: Keyed | None = None,
) -> ImportJob:
    """The job, running. Its key taken by a concurrent import of the same caller is 409
    ``IDEMPOTENCY_KEY_IN_USE``."""
    require_importer(principal)
    job = ImportJob(
        status=ImportStatus.running.value,
        format=form.value,
        system=system,
        source_name=source_name,
        created_by_person_id=principal.person_id,
        created_by_api_key_id=principal.api_key_id,
        idempotency_caller=keyed.caller if keyed else None,
        idempotency_key=keyed.key if keyed else None,
    )
    try:
        with session.begin_nested():
            session.add(job)
    except IntegrityError as exc:
        raise key_in_use() from exc
    return job


def finish(session: Session, import_id: int, keyed: Keyed | None = None) -> ImportJob:
    job = _job(session, import_id)
    job.status = ImportStatus.completed.value
    job.finished_at = utcnow()
    if keyed is not None:
        job.request_sha256 = keyed.digest.hexdigest()
    session.flush()
    return job


def keyed_job(session: Session, caller: str, key: str) -> ImportJob | None:
    """The completed import a retry under ``key`` gets back, or None: a new import may take
    the key. One still running is 409 ``IDEMPOTENCY_KEY_IN_USE``; a failed one gives its key
    up (as a refused request's key is judged afresh)."""
    job = repo.job_by_key(session, caller, key)
    if job is None:
        return None
    if job.status == ImportStatus.running.value:
        raise key_in_use()
    if job.status == ImportStatus.failed.value:
        job.idempotency_caller = job.idempotency_key = None
        session.flush()
        return None
    return job


def key_in_use() -> Conflict:
    return Conflict(
        "An import with this Idempotency-Key is still running; retry when it is done.",
        "En import med denna Idempotency-Key pågår fortfarande; försök igen när den är klar.",
        code="IDEMPOTENCY_KEY_IN_USE",
    )


def fail(session: Session, import_id: int, code: str, message: str) -> ImportJob:
    """The job stopped before its end: the batches committed before stand, and say so."""
    job = _job(session, import_id)
    job.status = ImportStatus.failed.value
    job.error_code, job.error_message = code, message
    job.finished_at = utcnow()
    session.flush()
    return job


def _job(session: Session, import_id: int) -> ImportJob:
    job = repo.job(session, import_id, for_update=True)
    if job is None:
        raise errors.import_not_found(import_id)
    return job


def get_job(session: Session, principal: Principal, import_id: int) -> ImportJob:
    """The job, for a registrar or the key that ran it; to anyone else it does not exist."""
    require_importer(principal)
    job = repo.job(session, import_id)
    if job is None or (principal.via_api_key and job.created_by_api_key_id != principal.api_key_id):
        raise errors.import_not_found(import_id)
    return job


def job_rows(
    session: Session,
    principal: Principal,
    import_id: int,
    outcome: Outcome | None,
    window: Window,
) -> Slice[ImportRow]:
    get_job(session, principal, import_id)
    found = repo.rows(
        session, import_id, outcome.value if outcome else None, window.after, window.limit
    )
    return cut(found, window, key=attrgetter("row"))
