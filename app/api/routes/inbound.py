"""Cases by an outside system's reference: the upsert a diarium makes, and the mapping read
both ways."""

from typing import Annotated, Any

from fastapi import Header, Path, Request, Response, status

from app.api.deps import IdPath, PrincipalDep, SessionDep, located
from app.api.problems import responses
from app.api.routes.cases import _if_match
from app.api.routing import api_router
from app.cases.service import records
from app.integrations.inbound.schemas import (
    EXTERNAL_ID_MAX,
    SYSTEM_PATTERN,
    CaseUpsert,
    ExternalCaseRead,
    ExternalReferenceRead,
    UpsertRead,
)
from app.integrations.inbound.service import references, upsert
from app.integrations.inbound.vocabulary import Outcome

router = api_router(tags=["integrations"])
CREATED: dict[int | str, dict[str, Any]] = {201: {"model": UpsertRead, "description": "Created"}}

SystemPath = Annotated[
    str,
    Path(
        pattern=SYSTEM_PATTERN,
        max_length=32,
        description="The outside system, a lower-case slug: p360, ciceron, w3d3, …",
    ),
]
ExternalIdPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=EXTERNAL_ID_MAX,
        pattern=r"^[^\x00-\x1f]*$",
        description="The system's own id of the case, percent-encoded (a slash may be sent "
        "as it is)",
    ),
]


@router.put(
    "/integrations/{system}/cases/{external_id:path}",
    summary="Create or update a case by an outside system's reference (idempotent)",
    description="An unknown reference registers the case (201, `Location` of the case, "
    "`ETag`); a known one edits its registry metadata as `PATCH /cases/{id}` does, each "
    "change an `updated` event (200), and a body that changes nothing writes nothing (200, "
    "`unchanged`). Fields left out stay as they are. The workflow state never moves: "
    "`state` places a new case in a state its workflow marks importable, as an `imported` "
    "event (`STATE_NOT_IMPORTABLE`, `IMPORTED_STATE_INCOMPLETE`), and on a known case must "
    "be its state (`STATE_CHANGE_NOT_ALLOWED`). `ORGAN_CHANGE_NOT_ALLOWED`, "
    "`DIARY_NUMBER_CHANGE_NOT_ALLOWED`, `FIELD_NOT_UPDATABLE` for what registration fixed. "
    "An API key with the scope `integration`, or a registrar; confidential cases need "
    "`cases:confidential` (404 `EXTERNAL_REFERENCE_NOT_FOUND` for one out of sight). "
    "Concurrent upserts of one reference make one case.",
    responses=CREATED | responses(403, 404, 409, 412),
)
def upsert_case(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    system: SystemPath,
    external_id: ExternalIdPath,
    body: CaseUpsert,
    if_match: Annotated[str | None, Header(description="The case's ETag")] = None,
) -> UpsertRead:
    done = upsert.upsert(
        session, principal, system, external_id, body, if_match=_if_match(if_match)
    )
    if done.outcome == Outcome.created:
        response.status_code = status.HTTP_201_CREATED
        located(request, response, "get_case", case_id=done.case.id)
    response.headers["ETag"] = f'"{done.case.version}"'
    return UpsertRead(
        reference=ExternalReferenceRead.of(done.reference, done.case.diary_number),
        case=records.to_read(done.case),
        outcome=done.outcome,
        changed=list(done.changed),
    )


@router.get(
    "/integrations/{system}/cases/{external_id:path}",
    summary="The case an outside system's reference names, and the reference",
    responses=responses(403, 404),
)
def get_case_by_reference(
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    system: SystemPath,
    external_id: ExternalIdPath,
) -> ExternalCaseRead:
    reference, case = references.by_reference(session, principal, system, external_id)
    response.headers["ETag"] = f'"{case.version}"'
    return ExternalCaseRead(
        reference=ExternalReferenceRead.of(reference, case.diary_number),
        case=records.to_read(case),
    )


@router.get(
    "/cases/{case_id}/external-references",
    summary="The outside systems' references to the case",
    responses=responses(403, 404),
)
def list_external_references(
    session: SessionDep, principal: PrincipalDep, case_id: IdPath
) -> list[ExternalReferenceRead]:
    case, found = references.of_case(session, principal, case_id)
    return [ExternalReferenceRead.of(reference, case.diary_number) for reference in found]
