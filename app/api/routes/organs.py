"""Organs: the political chain (council, executive board, committees, sub-committees, presidia)."""

from datetime import date
from typing import Annotated

from fastapi import Query, Request, Response, status

from app.api.deps import AdminDep, PrincipalDep, SessionDep, WindowDep, located, page
from app.api.problems import responses
from app.api.routing import api_router
from app.cases.schemas import Priorities
from app.cases.service.priorities import priorities
from app.kit.clock import today
from app.kit.schemas import Page
from app.organisation import service
from app.organisation.models import Membership
from app.organisation.schemas import (
    EndRequest,
    MembershipRead,
    OrganCreate,
    OrganRead,
    OrganUpdate,
)
from app.organisation.vocabulary import MembershipRole, OrganKind

router = api_router(prefix="/organs", tags=["organisation"])


@router.get("", summary="List organs", responses=responses(400, 404))
def list_organs(
    request: Request,
    session: SessionDep,
    _: PrincipalDep,
    window: WindowDep,
    kind: OrganKind | None = None,
    parent: Annotated[str | None, Query(description="Code of the parent organ")] = None,
    active_on: Annotated[
        date | None, Query(description="Only organs existing on this date")
    ] = None,
) -> Page[OrganRead]:
    rows = service.list_organs(session, window, kind=kind, parent=parent, on=active_on)
    return Page[OrganRead].model_validate(page(request, rows, OrganRead.of))


@router.post(
    "",
    summary="Create an organ",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 409),
)
def create_organ(
    request: Request, response: Response, session: SessionDep, _: AdminDep, body: OrganCreate
) -> OrganRead:
    organ = service.create_organ(session, body)
    located(request, response, "get_organ", code=organ.code)
    return OrganRead.of(organ)


@router.get("/{code}", summary="Get an organ", responses=responses(404))
def get_organ(session: SessionDep, _: PrincipalDep, code: str) -> OrganRead:
    return OrganRead.of(service.get_organ(session, code))


@router.patch("/{code}", summary="Update an organ", responses=responses(403, 404))
def update_organ(session: SessionDep, _: AdminDep, code: str, body: OrganUpdate) -> OrganRead:
    return OrganRead.of(service.update_organ(session, code, body))


@router.post(
    "/{code}/end",
    summary="End an organ, and the roles in it (set valid_to)",
    responses=responses(403, 404, 409),
)
def end_organ(
    session: SessionDep, _: AdminDep, code: str, body: EndRequest | None = None
) -> OrganRead:
    return OrganRead.of(service.end_organ(session, code, body.valid_to if body else None))


@router.get(
    "/{code}/members",
    summary="Who holds which role in the organ on a date (all of them, in order of rank)",
    responses=responses(404),
)
def organ_members(
    session: SessionDep,
    _: PrincipalDep,
    code: str,
    role: MembershipRole | None = None,
    on: Annotated[date | None, Query(description="The date asked about; default today")] = None,
) -> list[MembershipRead]:
    holdings = service.holders(session, Membership, code, role, on or today())
    return [MembershipRead.of(holding) for holding in holdings]  # type: ignore[arg-type]


@router.get(
    "/{code}/priorities",
    summary="The organ's prioritised cases for a budget year, with price tags and running total",
    responses=responses(403, 404),
)
def organ_priorities(
    session: SessionDep,
    principal: PrincipalDep,
    code: str,
    period: Annotated[str, Query(pattern=r"^\d{4}$", description="Budget year, e.g. 2027")],
) -> Priorities:
    return priorities(session, principal, code, period)
