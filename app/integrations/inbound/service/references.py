"""Reading the mapping both ways: the case an outside system's reference names, and the
references a case goes by. Whoever may read the case may read its references; a confidential
case out of the caller's sight is as missing by its reference as by its id."""

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases.models import Case
from app.cases.service import records
from app.errors import NotFound
from app.integrations.inbound import errors
from app.integrations.inbound import repository as repo
from app.integrations.inbound.models import ExternalReference


def by_reference(
    session: Session, principal: Principal, system: str, external_id: str
) -> tuple[ExternalReference, Case]:
    reference = repo.reference(session, system, external_id)
    if reference is None or reference.case_id is None:
        raise errors.reference_not_found(system, external_id)
    try:
        case = records.get_case(session, principal, reference.case_id)
    except NotFound as exc:
        raise errors.reference_not_found(system, external_id) from exc
    return reference, case


def of_case(
    session: Session, principal: Principal, case_id: int
) -> tuple[Case, list[ExternalReference]]:
    case = records.get_case(session, principal, case_id)
    return case, repo.references_of(session, case_id)
