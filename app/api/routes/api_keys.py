"""API keys for integrations: created by an administrator, shown once, revoked when done."""

from fastapi import Request, Response, status

from app.api.deps import AdminDep, IdPath, SessionDep, WindowDep, located, page
from app.api.problems import responses
from app.api.routing import api_router
from app.auth import service
from app.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyRead
from app.kit.schemas import Page

router = api_router(prefix="/api-keys", tags=["auth"])


@router.get("", summary="List API keys (never the keys themselves)", responses=responses(400, 403))
def list_api_keys(
    request: Request, session: SessionDep, _: AdminDep, window: WindowDep
) -> Page[ApiKeyRead]:
    rows = service.list_api_keys(session, window)
    return Page[ApiKeyRead].model_validate(page(request, rows, ApiKeyRead.model_validate))


@router.post(
    "",
    summary="Create an API key; the response is the only time the key is shown",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403),
)
def create_api_key(
    request: Request, response: Response, session: SessionDep, _: AdminDep, body: ApiKeyCreate
) -> ApiKeyCreated:
    key, plain = service.create_api_key(session, body)
    located(request, response, "get_api_key", key_id=key.id)
    response.headers["Cache-Control"] = "no-store"  # the key itself: kept nowhere, replayed never
    return ApiKeyCreated.model_validate(
        {**ApiKeyRead.model_validate(key).model_dump(), "key": plain}
    )


@router.get("/{key_id}", summary="Get an API key's metadata", responses=responses(403, 404))
def get_api_key(session: SessionDep, _: AdminDep, key_id: IdPath) -> ApiKeyRead:
    return ApiKeyRead.model_validate(service.get_api_key(session, key_id))


@router.post("/{key_id}/revoke", summary="Revoke an API key", responses=responses(403, 404))
def revoke_api_key(session: SessionDep, _: AdminDep, key_id: IdPath) -> ApiKeyRead:
    return ApiKeyRead.model_validate(service.revoke_api_key(session, key_id))
