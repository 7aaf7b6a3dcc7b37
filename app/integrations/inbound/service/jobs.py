"""Import jobs as records: started, counted batch by batch, finished or failed; read by whoever
may import — a registrar any job, a key only its own — with their rows a page at a time."""

from operator import attrgetter

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.integrations.inbound import errors
from app.integrations.inbound import repository as repo
from app.integrations.inbound.models import ImportJob, ImportRow
from app.integrations.inbound.permissions import require_importer
from app.integrations.inbound.vocabulary import ImportFormat, ImportStatus, Outcome
from app.kit.clock import utcnow
from app.kit.pagination import Slice, Window, cut


def start(
    session: Session,
    principal: Principal,
    form: ImportFormat,
    system: str | None,
    source_name: str | None,
) -> ImportJob:
    require_importer(principal)
    job = ImportJob(
        status=ImportStatus.running.value,
        format=form.value,
        system=system,
        source_name=source_name,
        created_by_person_id=principal.person_id,
        created_by_api_key_id=principal.api_key_id,
    )
    session.add(job)
    session.flush()
    return job


def finish(session: Session, import_id: int) -> ImportJob:
    job = _job(session, import_id)
    job.status = ImportStatus.completed.value
    job.finished_at = utcnow()
    session.flush()
    return job


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
