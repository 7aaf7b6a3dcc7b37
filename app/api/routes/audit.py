"""The tamper-evident trail: verifying the hash chains of case histories."""

from typing import Annotated

from fastapi import Query

from app.api.deps import AdminDep, SessionDep
from app.api.problems import responses
from app.api.routing import api_router, in_transaction
from app.audit import service
from app.audit.schemas import AuditReport
from app.kit.pagination import MAX_ID

router = api_router(prefix="/audit", tags=["audit"])


@router.get(
    "/verify",
    summary="Check the hash chains of case histories; the first broken link of each case",
    responses=responses(403, 404),
)
@in_transaction  # the events are streamed (yield_per): a server-side cursor
def verify_audit_trail(
    session: SessionDep,
    principal: AdminDep,
    case: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="One case's id; all cases if left out")
    ] = None,
) -> AuditReport:
    return service.verify_for(session, principal, case)
