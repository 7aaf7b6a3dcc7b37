"""Cases: register, read, list, their history, and moving them through the workflow."""

import re
from typing import Annotated

from fastapi import Header, Path, Query, Request, Response, status

from app.api.deps import IdPath, PrincipalDep, SessionDep, located
from app.api.problems import responses
from app.api.routes.diagrams import DIAGRAM_RESPONSES, Language, diagram_response
from app.api.routing import api_router
from app.cases.models import Case
from app.cases.schemas import (
    AssessmentRead,
    AssessmentWrite,
    CaseCreate,
    CasePage,
    CaseQuery,
    CaseRead,
    CaseUpdate,
    EventRead,
    RecusalCreate,
    RecusalDecision,
    RecusalRead,
    TransitionOption,
    TransitionRequest,
)
from app.cases.service import assessments, listing, records, recusals, transitions, updates
from app.cases.service.definitions import engine_of
from app.errors import BadRequest

router = api_router(prefix="/cases", tags=["cases"])


def _etag(response: Response, case: Case) -> CaseRead:
    response.headers["ETag"] = f'"{case.version}"'
    return records.to_read(case)


def _if_match(value: str | None) -> int | None:
    """``If-Match: "7"`` (the case's ETag) as a version number; absent means unconditional."""
    if value is None:
        return None
    tag = value.strip().removeprefix("W/").strip('"')
    if not re.fullmatch(r"[0-9]{1,9}", tag):
        raise BadRequest(
            "If-Match must be an ETag this service gave out.",
            "If-Match måste vara en ETag från denna tjänst.",
            code="INVALID_IF_MATCH",
        )
    return int(tag)


@router.post(
    "",
    summary="Register a case (a proposed measure)",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 409),
)
def create_case(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    body: CaseCreate,
) -> CaseRead:
    case = records.register(session, principal, body)
    located(request, response, "get_case", case_id=case.id)
    return _etag(response, case)


@router.get(
    "",
    summary="List and search cases",
    description="Filters, free text, order and keyset pages (`next` follows the page; rows "
    "registered between pages neither repeat nor go missing). Confidential cases out of the "
    "caller's sight are not listed and not counted.",
    responses=responses(400, 403, 404),
)
def list_cases(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    query: Annotated[CaseQuery, Query()],
) -> CasePage:
    found = listing.list_cases(
        session, principal, query, request.app.state.settings.default_page_size
    )
    next_url = (
        str(request.url.include_query_params(cursor=found.next_cursor))
        if found.next_cursor is not None
        else None
    )
    return CasePage(items=found.items, next=next_url, total=found.total)


@router.get(
    "/by-diary-number/{nr:path}",
    summary="Get a case by its diary number",
    description="The diary number as written, percent-encoded: `BUN 2026/123` is "
    "`/cases/by-diary-number/BUN%202026%2F123` (a slash may also be sent as it is, "
    "`…/BUN%202026/123`). A case the caller may not see is 404, as under `/cases/{case_id}`.",
    responses=responses(403, 404),
)
def get_case_by_diary_number(
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    nr: Annotated[str, Path(max_length=128, description="The diary number, e.g. BUN 2026/123")],
) -> CaseRead:
    return _etag(response, records.get_by_diary_number(session, principal, nr))


@router.get("/{case_id}", summary="Get a case", responses=responses(403, 404))
def get_case(
    response: Response, session: SessionDep, principal: PrincipalDep, case_id: IdPath
) -> CaseRead:
    return _etag(response, records.get_case(session, principal, case_id))


@router.patch(
    "/{case_id}",
    summary="Edit the case's registry metadata and flags (each change an event)",
    responses=responses(403, 404, 409, 412),
)
def update_case(
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    case_id: IdPath,
    body: CaseUpdate,
    if_match: Annotated[str | None, Header(description="The case's ETag")] = None,
) -> CaseRead:
    case = updates.update_case(session, principal, case_id, body, _if_match(if_match))
    return _etag(response, case)


@router.get("/{case_id}/events", summary="The case's history", responses=responses(403, 404))
def case_events(session: SessionDep, principal: PrincipalDep, case_id: IdPath) -> list[EventRead]:
    return [EventRead.of(event) for event in records.events(session, principal, case_id)]


@router.get(
    "/{case_id}/transitions",
    summary="What the case could do next, and what stands in the way of each step",
    responses=responses(403, 404),
)
def case_transitions(
    session: SessionDep, principal: PrincipalDep, case_id: IdPath
) -> list[TransitionOption]:
    return [
        TransitionOption.of(found.option, found.kinds, found.reasons)
        for found in transitions.options(session, principal, case_id)
    ]


@router.post(
    "/{case_id}/transitions/{trigger}",
    summary="Fire a workflow trigger with its payload",
    responses=responses(403, 404, 409, 412),
)
def fire_transition(
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    case_id: IdPath,
    trigger: str,
    body: TransitionRequest,
    if_match: Annotated[str | None, Header(description="The case's ETag")] = None,
) -> CaseRead:
    case = transitions.fire(
        session,
        principal,
        case_id,
        trigger,
        body.payload,
        claim=body.authority,
        if_match=_if_match(if_match),
    )
    return _etag(response, case)


@router.put(
    "/{case_id}/assessment",
    summary="Write a new revision of the consequence assessment",
    responses=responses(403, 404, 409),
)
def revise_assessment(
    session: SessionDep, principal: PrincipalDep, case_id: IdPath, body: AssessmentWrite
) -> AssessmentRead:
    assessments.revise(session, principal, case_id, body)
    return assessments.read(session, principal, case_id)


@router.get(
    "/{case_id}/assessment",
    summary="The current consequence assessment, what it lacks, and its history",
    responses=responses(403, 404),
)
def get_assessment(session: SessionDep, principal: PrincipalDep, case_id: IdPath) -> AssessmentRead:
    return assessments.read(session, principal, case_id)


@router.get(
    "/{case_id}/diagram",
    summary="The case's workflow as a diagram, its current state highlighted",
    responses=DIAGRAM_RESPONSES | responses(403, 404, 406, 503),
    response_class=Response,
)
def case_diagram(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    case_id: IdPath,
    language: Language = "sv",
) -> Response:
    case = records.get_case(session, principal, case_id)
    definition = engine_of(case.workflow).definition
    return diagram_response(request, definition, current=case.state, language=language)


@router.get(
    "/{case_id}/recusals", summary="Conflicts of interest on the case", responses=responses(404)
)
def list_recusals(
    session: SessionDep, principal: PrincipalDep, case_id: IdPath
) -> list[RecusalRead]:
    return [RecusalRead.model_validate(r) for r in recusals.listed(session, principal, case_id)]


@router.post(
    "/{case_id}/recusals",
    summary="Declare one's own conflict of interest, or raise one against someone",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404),
)
def declare_recusal(
    session: SessionDep, principal: PrincipalDep, case_id: IdPath, body: RecusalCreate
) -> RecusalRead:
    return RecusalRead.model_validate(recusals.declare(session, principal, case_id, body))


@router.post(
    "/{case_id}/recusals/{recusal_id}/decide",
    summary="Record the organ's decision on a raised conflict of interest",
    responses=responses(403, 404, 409),
)
def decide_recusal(
    session: SessionDep,
    principal: PrincipalDep,
    case_id: IdPath,
    recusal_id: IdPath,
    body: RecusalDecision,
) -> RecusalRead:
    recusal = recusals.decide(session, principal, case_id, recusal_id, body)
    return RecusalRead.model_validate(recusal)
