"""Registry fields kept beside the workflow: the secrecy marking of a confidential case and the
case officer (handläggare).

A confidential case carries its marking (OSL 5 kap. 5 §): the provision that makes it secret,
the day it was marked and the authority that marked it — all three, so that whoever meets the
case later can see on what ground it is kept from them. A case that is not confidential carries
none. The case officer is an employee: preparing a case is the administration's work.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from app.cases.models import Case
from app.cases.schemas import SecrecyMarking, SecrecyRead
from app.errors import InvalidInput
from app.kit.clock import today
from app.organisation import repository as org_repo
from app.organisation.vocabulary import PersonKind

PARTS = ("provision", "marked_on", "marked_by")


@dataclass(frozen=True)
class Marking:
    provision: str
    marked_on: date
    marked_by: str


def marking(
    confidential: bool, given: SecrecyMarking | None, kept: Marking | None
) -> Marking | None:
    """The marking a case carries after a registration or an edit: ``given`` parts over the
    ``kept`` ones, required whole on a confidential case (422 ``SECRECY_MARKING_INCOMPLETE``),
    refused on another (422 ``SECRECY_MARKING_INVALID``), and lifted with the confidentiality."""
    if not confidential:
        if given is not None and given.model_fields_set:
            raise _invalid(
                "A case that is not confidential carries no secrecy marking.",
                "Ett ärende som inte är sekretessmarkerat har ingen sekretessmarkering.",
            )
        return None
    parts = dict(kept.__dict__) if kept is not None else {}
    if given is not None:
        parts |= given.model_dump(exclude_unset=True)
    missing = [name for name in PARTS if parts.get(name) is None]
    if missing:
        raise InvalidInput(
            "A confidential case needs its secrecy marking: the provision (e.g. 'OSL 26 kap. "
            f"1 §'), the day and the marking authority; missing: {', '.join(missing)}.",
            "Ett sekretessmarkerat ärende behöver sin sekretessmarkering: bestämmelsen (t.ex. "
            f"'OSL 26 kap. 1 §'), dagen och den myndighet som markerade; saknas: "
            f"{', '.join(missing)}.",
            code="SECRECY_MARKING_INCOMPLETE",
            field="secrecy",
            missing=missing,
        )
    if parts["marked_on"] > today():
        raise _invalid(
            "A secrecy marking cannot be dated in the future.",
            "En sekretessmarkering kan inte dateras i framtiden.",
        )
    return Marking(**{name: parts[name] for name in PARTS})


def _invalid(message_en: str, message_sv: str) -> InvalidInput:
    return InvalidInput(message_en, message_sv, code="SECRECY_MARKING_INVALID", field="secrecy")


def kept(case: Case | Row[Any]) -> Marking | None:
    if case.secrecy_provision is None or case.secrecy_marked_on is None:
        return None
    return Marking(case.secrecy_provision, case.secrecy_marked_on, case.secrecy_marked_by or "")


def apply(case: Case, carried: Marking | None) -> None:
    case.secrecy_provision = carried.provision if carried else None
    case.secrecy_marked_on = carried.marked_on if carried else None
    case.secrecy_marked_by = carried.marked_by if carried else None


def as_json(carried: Marking | None) -> dict[str, str] | None:
    """The marking as an event records it."""
    if carried is None:
        return None
    return {
        "provision": carried.provision,
        "marked_on": carried.marked_on.isoformat(),
        "marked_by": carried.marked_by,
    }


def read(case: Case | Row[Any]) -> SecrecyRead | None:
    carried = kept(case)
    if carried is None:
        return None
    return SecrecyRead(
        provision=carried.provision, marked_on=carried.marked_on, marked_by=carried.marked_by
    )


def case_officer(session: Session, person_id: int) -> int:
    """The person id of a case officer, who must be an employee (422 otherwise)."""
    person = org_repo.person_by_id(session, person_id)
    if person is None:
        raise InvalidInput(
            f"There is no person with id {person_id}.",
            f"Det finns ingen person med id {person_id}.",
            code="UNKNOWN_REFERENCE",
            field="case_officer_id",
        )
    if person.kind != PersonKind.employee:
        raise InvalidInput(
            "A case officer is an employee of the administration, not an elected member.",
            "En handläggare är anställd i förvaltningen, inte förtroendevald.",
            code="CASE_OFFICER_NOT_EMPLOYEE",
            field="case_officer_id",
        )
    return person.id
