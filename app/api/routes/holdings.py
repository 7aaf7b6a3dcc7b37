"""Memberships (elected persons' seats in organs) and positions (employees' posts in units).

Both are "holdings" of a role in a place for a period and share one set of routes, built here once
per kind, so the two can never drift apart.
"""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status
from sqlalchemy.orm import Session

from app.api.deps import (
    AdminDep,
    IdQuery,
    PrincipalDep,
    SessionDep,
    WindowDep,
    located,
    page,
)
from app.api.problems import responses
from app.api.routing import api_router
from app.kit.pagination import MAX_ID
from app.kit.schemas import Page
from app.organisation import service
from app.organisation.models import Membership, Position
from app.organisation.repository import HoldingModel
from app.organisation.schemas import (
    EndRequest,
    MembershipCreate,
    MembershipRead,
    PeriodUpdate,
    PositionCreate,
    PositionRead,
)
from app.organisation.vocabulary import MembershipRole, PositionRole


def _router(
    *,
    model: HoldingModel,
    noun: str,
    place: str,
    role_type: Any,
    create_type: Any,
    read_type: Any,
    create: Callable[[Session, Any], Any],
) -> APIRouter:
    router = api_router(prefix=f"/{noun}s", tags=["organisation"])
    convert = read_type.of
    page_type = Page[read_type]
    HoldingId = Annotated[int, Path(alias=f"{noun}_id", ge=1, le=MAX_ID)]

    @router.get("", summary=f"List {noun}s", responses=responses(400, 404), name=f"list_{noun}s")
    def list_holdings(
        request: Request,
        session: SessionDep,
        _: PrincipalDep,
        window: WindowDep,
        person_id: IdQuery = None,
        place_code: Annotated[
            str | None, Query(alias=place, description=f"Code of the {place}")
        ] = None,
        role: role_type | None = None,
        active_on: Annotated[date | None, Query(description="Only those held on this date")] = None,
    ) -> page_type:
        rows = service.list_holdings(
            session, model, window, person_id=person_id, place=place_code, role=role, on=active_on
        )
        return page_type.model_validate(page(request, rows, convert))

    @router.post(
        "",
        summary=f"Create a {noun}",
        status_code=status.HTTP_201_CREATED,
        responses=responses(403, 409),
        name=f"create_{noun}",
    )
    def create_holding(
        request: Request, response: Response, session: SessionDep, _: AdminDep, body: create_type
    ) -> read_type:
        holding = create(session, body)
        located(request, response, f"get_{noun}", **{f"{noun}_id": holding.id})
        return convert(holding)

    @router.get(
        f"/{{{noun}_id}}", summary=f"Get a {noun}", responses=responses(404), name=f"get_{noun}"
    )
    def get_holding(session: SessionDep, _: PrincipalDep, holding_id: HoldingId) -> read_type:
        return convert(service.get_holding(session, model, holding_id))

    @router.patch(
        f"/{{{noun}_id}}",
        summary=f"Correct the recorded period of a {noun}",
        responses=responses(403, 404, 409),
        name=f"update_{noun}",
    )
    def update_holding(
        session: SessionDep, _: AdminDep, holding_id: HoldingId, body: PeriodUpdate
    ) -> read_type:
        return convert(service.update_holding(session, model, holding_id, body))

    @router.post(
        f"/{{{noun}_id}}/end",
        summary=f"End a {noun} (set valid_to, its last day)",
        responses=responses(403, 404, 409),
        name=f"end_{noun}",
    )
    def end_holding(
        session: SessionDep, _: AdminDep, holding_id: HoldingId, body: EndRequest | None = None
    ) -> read_type:
        valid_to = body.valid_to if body else None
        return convert(service.end_holding(session, model, holding_id, valid_to))

    return router


memberships = _router(
    model=Membership,
    noun="membership",
    place="organ",
    role_type=MembershipRole,
    create_type=MembershipCreate,
    read_type=MembershipRead,
    create=service.create_membership,
)
positions = _router(
    model=Position,
    noun="position",
    place="unit",
    role_type=PositionRole,
    create_type=PositionCreate,
    read_type=PositionRead,
    create=service.create_position,
)
