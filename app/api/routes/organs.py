"""Organs: the political chain (council, executive board, committees, sub-committees, presidia)."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from app.api.deps import AdminDep, PrincipalDep, SessionDep, WindowDep, page
from app.api.problems import responses
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

router = APIRouter(prefix="/organs", tags=["organisation"])
READ = responses(400, 401)
ONE = responses(401, 404)
WRITE = responses(401, 403, 404, 409, 422)


@router.get("", summary="List organs", responses=READ)
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


@router.post("", summary="Create an organ", status_code=status.HTTP_201_CREATED, responses=WRITE)
def create_organ(session: SessionDep, _: AdminDep, body: OrganCreate) -> OrganRead:
    return OrganRead.of(service.create_organ(session, body))


@router.get("/{code}", summary="Get an organ", responses=ONE)
def get_organ(session: SessionDep, _: PrincipalDep, code: str) -> OrganRead:
    return OrganRead.of(service.get_organ(session, code))


@router.patch("/{code}", summary="Update an organ", responses=WRITE)
def update_organ(session: SessionDep, _: AdminDep, code: str, body: OrganUpdate) -> OrganRead:
    return OrganRead.of(service.update_organ(session, code, body))


@router.post("/{code}/end", summary="End an organ (set valid_to)", responses=WRITE)
def end_organ(
    session: SessionDep, _: AdminDep, code: str, body: EndRequest | None = None
) -> OrganRead:
    return OrganRead.of(service.end_organ(session, code, body.valid_to if body else None))


@router.get(
    "/{code}/members",
    summary="Who holds which role in the organ on a date",
    responses=ONE,
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
