"""Conflicts of interest (jäv, KL 6:28–32; employees through KL 7:4): a person declares their
own, or someone raises one against them and the organ decides it. A declared or upheld one bars
the person from preparing, deciding, recording or being counted on the case."""

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases.models import Recusal
from app.cases.permissions import require_write
from app.cases.schemas import RecusalCreate, RecusalDecision
from app.cases.service.records import append_event, flush_checked, get_case, locked_case
from app.cases.vocabulary import BARRING, EventKind, RecusalStatus
from app.db import read_rows
from app.errors import Conflict, Forbidden, NotFound
from app.organisation.service.people import referenced_person

_BARRED = select(Recusal.person_id).where(
    Recusal.case_id == bindparam("case_id"), Recusal.status.in_([s.value for s in BARRING])
)
"""Built once: every step on a case asks it (see ``repository._CASE``)."""


def barred(session: Session, case_id: int) -> frozenset[int]:
    """Who may do nothing on the case."""
    return frozenset(read_rows(session, _BARRED, {"case_id": case_id}).scalars())


def listed(session: Session, principal: Principal, case_id: int) -> list[Recusal]:
    get_case(session, principal, case_id)
    query = select(Recusal).where(Recusal.case_id == case_id).order_by(Recusal.id)
    return list(session.scalars(query))


def _person_required(principal: Principal) -> int:
    if principal.person_id is None:
        raise Forbidden(
            "A conflict of interest is declared or raised by a person.",
            "Jäv anmäls eller väcks av en person.",
            code="PERSON_REQUIRED",
        )
    return principal.person_id


def declare(session: Session, principal: Principal, case_id: int, data: RecusalCreate) -> Recusal:
    require_write(principal)
    me = _person_required(principal)
    case = locked_case(session, principal, case_id)
    subject = data.person_id or me
    referenced_person(session, subject)
    own = subject == me
    recusal = Recusal(
        case_id=case.id,
        person_id=subject,
        ground=data.ground,
        reason=data.reason,
        status=(RecusalStatus.declared if own else RecusalStatus.raised).value,
        raised_by_person_id=None if own else me,
    )
    session.add(recusal)
    append_event(
        session,
        case,
        principal,
        EventKind.recusal,
        payload={"person_id": subject, "ground": data.ground, "status": recusal.status},
    )
    flush_checked(session, case)
    return recusal


def decide(
    session: Session, principal: Principal, case_id: int, recusal_id: int, data: RecusalDecision
) -> Recusal:
    """The organ's decision on a raised conflict of interest, recorded by its secretary or a
    registrar."""
    require_write(principal)
    case = locked_case(session, principal, case_id)
    recusal = session.get(Recusal, recusal_id)
    if recusal is None or recusal.case_id != case.id:
        raise NotFound(
            f"The case has no recusal {recusal_id}.",
            f"Ärendet har inget jäv {recusal_id}.",
            code="RECUSAL_NOT_FOUND",
        )
    if not principal.records_for(case.organ.code):
        raise Forbidden(
            "The organ's decisions are recorded by its secretary or a registrar.",
            "Nämndens beslut registreras av nämndsekreteraren eller en registrator.",
            code="NOT_RECORDER",
        )
    if principal.person_id == recusal.person_id or principal.person_id in barred(session, case.id):
        raise Forbidden(
            "Someone disqualified in the case, or the one the question is about, may not "
            "record the decision on it.",
            "Den som är jävig i ärendet, eller som frågan gäller, får inte registrera beslutet.",
            code="RECUSED",
            legal_reference="KL 6:28, 7:4",
        )
    if recusal.status != RecusalStatus.raised:
        raise Conflict(
            f"This conflict of interest is {recusal.status}, not awaiting a decision.",
            f"Jävet är {recusal.status} och väntar inte på beslut.",
            code="RECUSAL_NOT_PENDING",
        )
    recusal.status = (RecusalStatus.upheld if data.upheld else RecusalStatus.rejected).value
    recusal.decided_on, recusal.decision_paragraph = data.held_on, data.paragraph
    append_event(
        session,
        case,
        principal,
        EventKind.recusal,
        payload={
            "recusal_id": recusal.id,
            "person_id": recusal.person_id,
            "status": recusal.status,
            "held_on": data.held_on.isoformat(),
            "paragraph": data.paragraph,
        },
    )
    flush_checked(session, case)
    return recusal
