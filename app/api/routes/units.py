"""Units: the administration tree (förvaltning → avdelning → enhet) and the organs each serves."""

from datetime import date
from typing import Annotated

from fastapi import Query, Request, Response, status

from app.api.deps import AdminDep, PrincipalDep, SessionDep, WindowDep, located, page
from app.api.problems import responses
from app.api.routing import api_router
from app.kit.clock import today
from app.kit.schemas import Page
from app.organisation import service
from app.organisation.models import Position
from app.organisation.schemas import EndRequest, PositionRead, UnitCreate, UnitRead, UnitUpdate
from app.organisation.vocabulary import PositionRole

router = api_router(prefix="/units", tags=["organisation"])


@router.get("", summary="List units", responses=responses(400, 404))
def list_units(
    request: Request,
    session: SessionDep,
    _: PrincipalDep,
    window: WindowDep,
    parent: Annotated[str | None, Query(description="Code of the parent unit")] = None,
    serves: Annotated[str | None, Query(description="Code of an organ the unit serves")] = None,
    active_on: Annotated[date | None, Query(description="Only units existing on this date")] = None,
) -> Page[UnitRead]:
    rows = service.list_units(session, window, parent=parent, serves=serves, on=active_on)
    return Page[UnitRead].model_validate(page(request, rows, UnitRead.of))


@router.post(
    "", summary="Create a unit", status_code=status.HTTP_201_CREATED, responses=responses(403, 409)
)
def create_unit(
    request: Request, response: Response, session: SessionDep, _: AdminDep, body: UnitCreate
) -> UnitRead:
    unit = service.create_unit(session, body)
    located(request, response, "get_unit", code=unit.code)
    return UnitRead.of(unit)


@router.get("/{code}", summary="Get a unit", responses=responses(404))
def get_unit(session: SessionDep, _: PrincipalDep, code: str) -> UnitRead:
    return UnitRead.of(service.get_unit(session, code))


@router.patch("/{code}", summary="Update a unit", responses=responses(403, 404))
def update_unit(session: SessionDep, _: AdminDep, code: str, body: UnitUpdate) -> UnitRead:
    return UnitRead.of(service.update_unit(session, code, body))


@router.post(
    "/{code}/end",
    summary="End a unit, and the positions in it (set valid_to)",
    responses=responses(403, 404, 409),
)
def end_unit(
    session: SessionDep, _: AdminDep, code: str, body: EndRequest | None = None
) -> UnitRead:
    return UnitRead.of(service.end_unit(session, code, body.valid_to if body else None))


@router.get(
    "/{code}/staff",
    summary="Who holds which position in the unit on a date (all of them, in order of rank)",
    responses=responses(404),
)
def unit_staff(
    session: SessionDep,
    _: PrincipalDep,
    code: str,
    role: PositionRole | None = None,
    on: Annotated[date | None, Query(description="The date asked about; default today")] = None,
) -> list[PositionRead]:
    holdings = service.holders(session, Position, code, role, on or today())
    return [PositionRead.of(holding) for holding in holdings]  # type: ignore[arg-type]
