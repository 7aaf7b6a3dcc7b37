"""Workflow definitions: the published versions, publishing the next one, and diagrams."""

from typing import Annotated, Any

from fastapi import Body, Path, Request, Response, status

from app.api.deps import AdminDep, PrincipalDep, SessionDep, located
from app.api.problems import responses
from app.api.routes.diagrams import DIAGRAM_RESPONSES, Language, diagram_response
from app.api.routing import api_router, in_transaction
from app.cases.models import WorkflowDefinition
from app.cases.schemas import DefinitionRead, DefinitionSummary
from app.cases.service import definitions
from app.workflows.definition import parse

router = api_router(prefix="/workflows", tags=["workflows"])
Version = Annotated[int, Path(ge=1, le=100_000)]


def _read(row: WorkflowDefinition) -> DefinitionRead:
    return DefinitionRead.model_validate(row)


@router.get("", summary="Every published version of every workflow")
@in_transaction  # the shipped versions are stored on first use
def list_workflows(session: SessionDep, _: PrincipalDep) -> list[DefinitionSummary]:
    return [DefinitionSummary.model_validate(row) for row in definitions.all_versions(session)]


@router.get("/{key}/versions/{version}", summary="A published definition", responses=responses(404))
@in_transaction
def get_workflow(
    session: SessionDep, _: PrincipalDep, key: str, version: Version
) -> DefinitionRead:
    return _read(definitions.get(session, key, version))


@router.post(
    "/{key}/versions",
    summary="Publish the next version (validated); open cases stay on theirs",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 409),
)
def publish_workflow(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: AdminDep,
    key: str,
    body: Annotated[dict[str, Any], Body(description="The definition document (as the YAML)")],
) -> DefinitionRead:
    row = definitions.publish(session, principal, key, body)
    located(request, response, "get_workflow", key=row.key, version=row.version)
    return _read(row)


@router.get(
    "/{key}/versions/{version}/diagram",
    summary="The definition as a diagram: text/vnd.mermaid, or image/svg+xml",
    responses=DIAGRAM_RESPONSES | responses(404, 406, 503),
    response_class=Response,
)
@in_transaction
def workflow_diagram(
    request: Request,
    session: SessionDep,
    _: PrincipalDep,
    key: str,
    version: Version,
    language: Language = "sv",
) -> Response:
    row = definitions.get(session, key, version)
    return diagram_response(request, parse(row.body), current=None, language=language)
