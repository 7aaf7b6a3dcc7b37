"""Reporting delegated and urgent decisions to the organ (anmälan, KL 6:40, 7:8): each one is
listed for its organ until a meeting takes note of it, and stays listed as reported after."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager, joinedload

from app.auth.principal import Principal
from app.cases.models import Case, CaseEvent
from app.cases.permissions import require_read, sight
from app.cases.repository import in_sight
from app.delegation.models import ReportableDecision
from app.delegation.views import Grant
from app.errors import Conflict, Forbidden
from app.integrations.webhooks import outbox
from app.organisation.service.structure import get_organ


def record(session: Session, case: Case, event: CaseEvent, grant: Grant) -> None:
    """Note a decision the organ must be told of, in the transaction that took it; one taken
    under a subdelegation is listed as such (KL 7:8)."""
    if grant.report_to_organ:
        kind = "subdelegated_decision" if "subdelegation" in grant.details else grant.kind.value
        session.add(
            ReportableDecision(event=event, case_id=case.id, organ_id=case.organ_id, kind=kind)
        )


def listed(
    session: Session, principal: Principal, organ: str, reported: bool | None
) -> list[ReportableDecision]:
    """The organ's reportable decisions, leaving out those on confidential cases the caller
    may not see (the organ's members and recorders see them all)."""
    require_read(principal)
    organ_row = get_organ(session, organ)
    query = (
        select(ReportableDecision)
        .join(ReportableDecision.case)
        .options(joinedload(ReportableDecision.event), contains_eager(ReportableDecision.case))
        .where(ReportableDecision.organ_id == organ_row.id, in_sight(sight(principal)))
        .order_by(ReportableDecision.id)
    )
    if reported is not None:
        column = ReportableDecision.reported_on
        query = query.where(column.is_not(None) if reported else column.is_(None))
    return list(session.scalars(query))


def report(
    session: Session,
    principal: Principal,
    organ: str,
    decision_ids: list[int],
    held_on: date,
    paragraph: str,
) -> list[ReportableDecision]:
    """The organ took note of these decisions at its meeting: recorded by its secretary or a
    registrar. All of them, or none."""
    organ_row = get_organ(session, organ)
    if not principal.records_for(organ_row.code):
        raise Forbidden(
            f"{organ_row.code}'s reports are recorded by its secretary or a registrar.",
            f"{organ_row.code}:s anmälningar registreras av nämndsekreteraren eller en "
            "registrator.",
            code="NOT_RECORDER",
        )
    rows = list(
        session.scalars(
            select(ReportableDecision)
            .options(joinedload(ReportableDecision.event), joinedload(ReportableDecision.case))
            .where(ReportableDecision.id.in_(decision_ids))
            .with_for_update(of=ReportableDecision)
        )
    )
    mine = {row.id: row for row in rows if row.organ_id == organ_row.id}
    unknown = sorted(set(decision_ids) - set(mine))
    already = sorted(row.id for row in mine.values() if row.reported_on is not None)
    if unknown or already:
        raise Conflict(
            "Some decisions are not this organ's to take note of, or were reported already.",
            "Några beslut hör inte till organet eller är redan anmälda.",
            code="NOT_REPORTABLE",
            unknown_ids=unknown,
            reported_ids=already,
        )
    for row in mine.values():
        row.reported_on, row.report_paragraph = held_on, paragraph
    reported = sorted(mine.values(), key=lambda row: row.id)
    outbox.record_reported(session, reported)  # decision.reported, to webhook subscribers
    session.flush()
    return reported
