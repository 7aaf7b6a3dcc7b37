"""People: elected officials and employees, identified by the username their tokens carry."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from app.api.deps import AdminDep, PrincipalDep, SessionDep, WindowDep, page
from app.api.problems import responses
from app.kit.schemas import Page
from app.organisation import service
from app.organisation.schemas import PersonCreate, PersonRead, PersonUpdate
from app.organisation.vocabulary import PersonKind

router = APIRouter(prefix="/people", tags=["organisation"])
READ = responses(400, 401)
ONE = responses(401, 404)
WRITE = responses(401, 403, 404, 409, 422)


@router.get("", summary="List people", responses=READ)
def list_people(
    request: Request,
    session: SessionDep,
    _: PrincipalDep,
    window: WindowDep,
    kind: PersonKind | None = None,
    username: str | None = None,
    name: Annotated[str | None, Query(description="Part of the name, any case")] = None,
) -> Page[PersonRead]:
    rows = service.list_people(session, window, kind=kind, username=username, name_contains=name)
    return Page[PersonRead].model_validate(page(request, rows, PersonRead.model_validate))


@router.post("", summary="Register a person", status_code=status.HTTP_201_CREATED, responses=WRITE)
def create_person(session: SessionDep, _: AdminDep, body: PersonCreate) -> PersonRead:
    return PersonRead.model_validate(service.create_person(session, body))


@router.get("/{person_id}", summary="Get a person", responses=ONE)
def get_person(session: SessionDep, _: PrincipalDep, person_id: int) -> PersonRead:
    return PersonRead.model_validate(service.get_person(session, person_id))


@router.patch("/{person_id}", summary="Update a person", responses=WRITE)
def update_person(
    session: SessionDep, _: AdminDep, person_id: int, body: PersonUpdate
) -> PersonRead:
    return PersonRead.model_validate(service.update_person(session, person_id, body))
