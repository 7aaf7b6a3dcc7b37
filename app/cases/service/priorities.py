"""The prioritisation view: an organ's ranked cases for a budget year, with their price tags
and the running total (what the organ commits to, item by item)."""

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import repository as repo
from app.cases.permissions import require_read, sight
from app.cases.schemas import Priorities, PriorityRow
from app.cases.service.definitions import engine_of
from app.organisation.service.structure import get_organ


def priorities(session: Session, principal: Principal, organ: str, period: str) -> Priorities:
    require_read(principal)
    organ_row = get_organ(session, organ)
    rows: list[PriorityRow] = []
    total = 0
    for case in repo.prioritised(session, organ_row.id, period, sight=sight(principal)):
        if case.state not in engine_of(case.workflow).definition.ranked_states:
            continue
        total += case.estimated_cost_sek or 0
        rows.append(
            PriorityRow(
                case_id=case.id,
                title=case.title,
                state=case.state,
                rank=case.priority_rank,
                score=case.priority_score,
                estimated_cost_sek=case.estimated_cost_sek,
                running_total_sek=total,
            )
        )
    return Priorities(organ=organ_row.code, period=period, rows=rows, total_sek=total)
