"""Liveness and readiness for load balancers and container health checks. No authentication."""

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from app.api.routing import api_router
from app.migrations import current_revision

router = api_router(prefix="/health", tags=["health"])


class Live(BaseModel):
    status: str


class Health(BaseModel):
    status: str
    database_revision: str | None = None
    expected_revision: str | None = None


@router.get("/live", summary="The process is up")
def live() -> Live:
    return Live(status="ok")


@router.get(
    "/ready",
    summary="The database is reachable and migrated to the code's revision",
    responses={503: {"model": Health, "description": "Not ready"}},
)
def ready(request: Request, response: Response) -> Health:
    expected = request.app.state.expected_revision
    try:
        current = current_revision(request.app.state.engine)
    except SQLAlchemyError:
        response.status_code = 503
        return Health(status="database_unreachable", expected_revision=expected)
    if current != expected:
        response.status_code = 503
        return Health(status="not_migrated", database_revision=current, expected_revision=expected)
    return Health(status="ok", database_revision=current, expected_revision=expected)
