"""The consequence assessment: revisions written while the case is in assessment, each kept."""

from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import repository as repo
from app.cases.models import AssessmentRevision, Case
from app.cases.permissions import require_write
from app.cases.schemas import AssessmentRead, AssessmentWrite, RevisionRead
from app.cases.service.definitions import engine_of
from app.cases.service.records import append_event, flush_checked, get_case, locked_case
from app.cases.service.recusals import barred
from app.cases.vocabulary import EventKind
from app.errors import Conflict, Forbidden
from app.workflows.assessment import missing_fields


def add_revision(
    session: Session,
    principal: Principal,
    case: Case,
    content: dict[str, Any],
    referral_response: str | None,
) -> AssessmentRevision:
    """The next revision at the case's level, and its event. One that answers a pending referral
    back clears it."""
    assert case.assessment_level is not None
    current = repo.current_revision(session, case.id)
    revision = AssessmentRevision(
        case_id=case.id,
        revision=(current.revision + 1) if current else 1,
        level=case.assessment_level,
        content=content,
        referral_response=referral_response,
        created_by_person_id=principal.person_id,
    )
    session.add(revision)
    if case.pending_referral and referral_response:
        case.pending_referral = None
    config = engine_of(case.workflow).definition.assessment
    append_event(
        session, case, principal, EventKind.assessment_revised,
        payload={
            "revision": revision.revision,
            "level": revision.level,
            "missing": missing_fields(config, revision.level, content),
            "answers_referral": bool(referral_response),
        },
    )  # fmt: skip
    return revision


def revise(session: Session, principal: Principal, case_id: int, data: AssessmentWrite) -> Case:
    """A new revision, written while the case is in its workflow's assessment state and its
    scope is decided."""
    require_write(principal)
    case = locked_case(session, principal, case_id)
    if principal.person_id in barred(session, case.id):
        raise Forbidden(
            "You are disqualified (jäv) in this case and may not prepare it.",
            "Du är jävig i detta ärende och får inte bereda det.",
            code="RECUSED",
            legal_reference="KL 6:28, 7:4",
        )
    open_in = engine_of(case.workflow).definition.assessment_state
    if case.state != open_in or case.assessment_level is None:
        raise Conflict(
            f"The assessment is written while the case is in '{open_in}', after its scope "
            f"is decided; the case is in '{case.state}'.",
            f"Konsekvensbeskrivningen skrivs när ärendet är i '{open_in}', efter beslut om "
            f"omfattning; ärendet är i '{case.state}'.",
            code="WRONG_STATE",
            state=case.state,
        )
    add_revision(session, principal, case, dict(data.content), data.referral_response)
    flush_checked(session, case)
    return case


def _read(revision: AssessmentRevision) -> RevisionRead:
    return RevisionRead(
        revision=revision.revision,
        level=revision.level,
        content=revision.content,
        referral_response=revision.referral_response,
        created_at=revision.created_at,
        created_by_person_id=revision.created_by_person_id,
    )


def read(session: Session, principal: Principal, case_id: int) -> AssessmentRead:
    case = get_case(session, principal, case_id)
    history = repo.revisions(session, case.id)
    current = history[-1] if history else None
    config = engine_of(case.workflow).definition.assessment
    level = case.assessment_level
    missing = missing_fields(config, level, current.content if current else {}) if level else []
    return AssessmentRead(
        level=level,
        missing=missing,
        current=_read(current) if current else None,
        history=[_read(revision) for revision in history],
    )
