"""A case's documents: references to what the diarium holds (its id for the document, what the
document is, which way it went, the day it was registered, the checksum of its file and where
the diarium serves it), never the file itself. Registered by whoever may change the case's
registry record (``updates.require_editor``), each registration an event in the case's hash
chain; read by whoever may see the case, so a confidential case's documents are as missing as
the case to anyone else."""

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import repository as repo
from app.cases.document_schemas import DocumentCreate
from app.cases.models import CaseDocument
from app.cases.permissions import require_write
from app.cases.service.records import append_event, flush_checked, get_case, locked_case
from app.cases.service.updates import require_editor
from app.cases.vocabulary import EventKind
from app.errors import Conflict, InvalidInput, NotFound
from app.kit.clock import today
from app.kit.pagination import Slice, Window, cut


def already_registered(existing: CaseDocument) -> Conflict:
    """A second reference to the same diarium document: the answer an integrator retrying
    without an ``Idempotency-Key`` needs, naming the reference it already made."""
    return Conflict(
        f"The case already has the diarium's document '{existing.external_id}' "
        f"(document {existing.id}).",
        f"Ärendet har redan diariets handling '{existing.external_id}' (handling {existing.id}).",
        code="DOCUMENT_ALREADY_REGISTERED",
        document_id=existing.id,
        external_id=existing.external_id,
    )


def document_not_found(case_id: int, document_id: int) -> NotFound:
    return NotFound(
        f"Case {case_id} has no document {document_id}.",
        f"Ärende {case_id} har ingen handling {document_id}.",
        code="DOCUMENT_NOT_FOUND",
    )


def register(
    session: Session, principal: Principal, case_id: int, data: DocumentCreate
) -> CaseDocument:
    """Reference the document from the case, and append ``document_registered`` with every
    field of the reference to its history. The case row stays locked (PostgreSQL) until the
    commit, so two registrations of one document on one case queue; on SQLite the unique key
    answers for the loser."""
    require_write(principal)
    case = locked_case(session, principal, case_id)
    require_editor(session, principal, case)
    if data.registered_on > (now := today()):
        raise InvalidInput(
            f"A document cannot have been registered after today ({now.isoformat()}).",
            f"En handling kan inte ha registrerats senare än i dag ({now.isoformat()}).",
            code="DOCUMENT_DATE_IN_FUTURE",
            field="registered_on",
        )
    existing = repo.document_by_external_id(session, case.id, data.external_id)
    if existing is not None:
        raise already_registered(existing)
    document = CaseDocument(
        case_id=case.id,
        external_id=data.external_id,
        title=data.title,
        document_type=data.document_type,
        direction=data.direction.value,
        registered_on=data.registered_on,
        checksum=data.checksum,
        url=str(data.url) if data.url is not None else None,
        created_by_person_id=principal.person_id,
        created_by_api_key_id=principal.api_key_id,
    )
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        existing = repo.document_by_external_id(session, case.id, data.external_id)
        if existing is None:
            raise
        raise already_registered(existing) from None
    append_event(
        session,
        case,
        principal,
        EventKind.document_registered,
        payload={
            "document_id": document.id,
            "external_id": document.external_id,
            "title": document.title,
            "document_type": document.document_type,
            "direction": document.direction,
            "registered_on": document.registered_on.isoformat(),
            "checksum": document.checksum,
            "url": document.url,
        },
    )
    flush_checked(session, case)
    return document


def listed(
    session: Session, principal: Principal, case_id: int, window: Window
) -> Slice[CaseDocument]:
    get_case(session, principal, case_id)
    return cut(repo.documents(session, case_id, window), window)


def get_document(
    session: Session, principal: Principal, case_id: int, document_id: int
) -> CaseDocument:
    get_case(session, principal, case_id)
    document = repo.document(session, case_id, document_id)
    if document is None:
        raise document_not_found(case_id, document_id)
    return document
