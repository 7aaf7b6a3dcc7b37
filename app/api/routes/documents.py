"""A case's documents: references to what the diarium holds, never the files."""

from fastapi import Request, Response, status

from app.api.deps import IdPath, PrincipalDep, SessionDep, WindowDep, located, page
from app.api.problems import responses
from app.api.routing import api_router
from app.cases.document_schemas import DocumentCreate, DocumentRead
from app.cases.service import documents
from app.kit.schemas import Page

router = api_router(prefix="/cases/{case_id}/documents", tags=["documents"])


@router.post(
    "",
    summary="Register a reference to a document the diarium holds for the case",
    description="Registered by whoever may edit the case's registry metadata "
    "(`NOT_CASE_EDITOR`, `RECUSED`), as a `document_registered` event in the case's history. "
    "A second reference to the same `external_id` on the case is 409 "
    "`DOCUMENT_ALREADY_REGISTERED`, naming the existing `document_id`; a `registered_on` "
    "after today is 422 `DOCUMENT_DATE_IN_FUTURE`.",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404, 409),
)
def register_document(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: PrincipalDep,
    case_id: IdPath,
    body: DocumentCreate,
) -> DocumentRead:
    document = documents.register(session, principal, case_id, body)
    located(request, response, "get_document", case_id=case_id, document_id=document.id)
    return DocumentRead.of(document)


@router.get(
    "",
    summary="The case's documents, in the order they were registered",
    responses=responses(400, 403, 404),
)
def list_documents(
    request: Request,
    session: SessionDep,
    principal: PrincipalDep,
    case_id: IdPath,
    window: WindowDep,
) -> Page[DocumentRead]:
    rows = documents.listed(session, principal, case_id, window)
    return Page[DocumentRead].model_validate(page(request, rows, DocumentRead.of))


@router.get("/{document_id}", summary="One of the case's documents", responses=responses(403, 404))
def get_document(
    session: SessionDep, principal: PrincipalDep, case_id: IdPath, document_id: IdPath
) -> DocumentRead:
    return DocumentRead.of(documents.get_document(session, principal, case_id, document_id))
