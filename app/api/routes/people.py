"""People: elected officials and employees, identified by the username their tokens carry."""

from typing import Annotated

from fastapi import Query, Request, Response, status

from app.api.deps import AdminDep, IdPath, PrincipalDep, SessionDep, WindowDep, located, page
from app.api.problems import responses
from app.api.routing import api_router
from app.kit.schemas import Page
from app.organisation import service
from app.organisation.schemas import (
    AbsenceCreate,
    AbsenceRead,
    PersonCreate,
    PersonRead,
    PersonUpdate,
)
from app.organisation.service import people
from app.organisation.vocabulary import PersonKind

router = api_router(prefix="/people", tags=["organisation"])


@router.get("", summary="List people", responses=responses(400))
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


@router.post(
    "",
    summary="Register a person",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 409),
)
def create_person(
    request: Request, response: Response, session: SessionDep, _: AdminDep, body: PersonCreate
) -> PersonRead:
    person = service.create_person(session, body)
    located(request, response, "get_person", person_id=person.id)
    return PersonRead.model_validate(person)


@router.get("/{person_id}", summary="Get a person", responses=responses(404))
def get_person(session: SessionDep, _: PrincipalDep, person_id: IdPath) -> PersonRead:
    return PersonRead.model_validate(service.get_person(session, person_id))


@router.patch("/{person_id}", summary="Update a person", responses=responses(403, 404, 409))
def update_person(
    session: SessionDep, _: AdminDep, person_id: IdPath, body: PersonUpdate
) -> PersonRead:
    return PersonRead.model_validate(service.update_person(session, person_id, body))


@router.get(
    "/{person_id}/absences", summary="The person's recorded absences", responses=responses(404)
)
def list_absences(session: SessionDep, _: PrincipalDep, person_id: IdPath) -> list[AbsenceRead]:
    return [AbsenceRead.model_validate(a) for a in people.list_absences(session, person_id)]


@router.post(
    "/{person_id}/absences",
    summary="Record an absence: the person's delegations pass to their substitutes meanwhile",
    status_code=status.HTTP_201_CREATED,
    responses=responses(403, 404),
)
def record_absence(
    session: SessionDep, _: AdminDep, person_id: IdPath, body: AbsenceCreate
) -> AbsenceRead:
    return AbsenceRead.model_validate(people.record_absence(session, person_id, body))
