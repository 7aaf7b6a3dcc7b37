"""People: registered by their username, the identity claim their tokens carry."""

from sqlalchemy.orm import Session

from app.kit.pagination import Slice, Window, cut
from app.organisation import errors
from app.organisation import repository as repo
from app.organisation.models import Absence, Person
from app.organisation.schemas import AbsenceCreate, PersonCreate, PersonUpdate
from app.organisation.service.common import check_period, unique
from app.organisation.vocabulary import PersonKind


def get_person(session: Session, person_id: int) -> Person:
    person = repo.person_by_id(session, person_id)
    if person is None:
        raise errors.person_not_found(person_id)
    return person


def referenced_person(session: Session, person_id: int) -> Person:
    """A person named in a request body: if they do not exist the body is wrong (422)."""
    person = repo.person_by_id(session, person_id)
    if person is None:
        raise errors.unknown_reference("person", "Personen", str(person_id), "person_id")
    return person


def list_people(
    session: Session,
    window: Window,
    *,
    kind: PersonKind | None = None,
    username: str | None = None,
    name_contains: str | None = None,
) -> Slice[Person]:
    rows = repo.list_people(
        session, window, kind=kind, username=username, name_contains=name_contains
    )
    return cut(rows, window)


def create_person(session: Session, data: PersonCreate) -> Person:
    person = Person(username=data.username, name=data.name, kind=data.kind, email=data.email)
    with unique(session, errors.already_exists("username", "Användarnamnet", data.username)):
        session.add(person)
    return person


def update_person(session: Session, person_id: int, data: PersonUpdate) -> Person:
    """Name, email and username (when the identity provider renames someone); the kind is fixed,
    since the person's roles depend on it."""
    person = get_person(session, person_id)
    username = data.username or person.username
    with unique(session, errors.already_exists("username", "Användarnamnet", username)):
        person.username = username
        if data.name is not None:
            person.name = data.name
        if "email" in data.model_fields_set:
            person.email = data.email
    return person


def record_absence(session: Session, person_id: int, data: AbsenceCreate) -> Absence:
    """While it lasts, the person's delegations pass to the substitutes their entries name."""
    person = get_person(session, person_id)
    check_period(data.starts_on, data.ends_on)
    absence = Absence(
        person_id=person.id, starts_on=data.starts_on, ends_on=data.ends_on, note=data.note
    )
    session.add(absence)
    session.flush()
    return absence


def list_absences(session: Session, person_id: int) -> list[Absence]:
    return repo.absences(session, get_person(session, person_id).id)
