"""Refusals specific to the organisation, each with its stable code and both languages."""

from datetime import date

from app.errors import Conflict, InvalidInput, NotFound


def organ_not_found(code: str) -> NotFound:
    return NotFound(
        f"No organ with code {code}.",
        f"Det finns inget organ med koden {code}.",
        code="ORGAN_NOT_FOUND",
    )


def unit_not_found(code: str) -> NotFound:
    return NotFound(
        f"No unit with code {code}.",
        f"Det finns ingen enhet med koden {code}.",
        code="UNIT_NOT_FOUND",
    )


def person_not_found(person_id: int) -> NotFound:
    return NotFound(
        f"No person with id {person_id}.",
        f"Det finns ingen person med id {person_id}.",
        code="PERSON_NOT_FOUND",
    )


def membership_not_found(membership_id: int) -> NotFound:
    return NotFound(
        f"No membership with id {membership_id}.",
        f"Det finns inget uppdrag med id {membership_id}.",
        code="MEMBERSHIP_NOT_FOUND",
    )


def position_not_found(position_id: int) -> NotFound:
    return NotFound(
        f"No position with id {position_id}.",
        f"Det finns ingen anställning med id {position_id}.",
        code="POSITION_NOT_FOUND",
    )


def unknown_reference(kind_en: str, kind_sv: str, code: str, field: str) -> InvalidInput:
    """A body names an organ or unit that does not exist: the body is wrong, not the URL (422)."""
    return InvalidInput(
        f"The {kind_en} {code} given in '{field}' does not exist.",
        f"{kind_sv} {code} i fältet '{field}' finns inte.",
        code="UNKNOWN_REFERENCE",
        field=field,
    )


def already_exists(what_en: str, what_sv: str, key: str) -> Conflict:
    return Conflict(
        f"The {what_en} '{key}' already exists.",
        f"{what_sv} '{key}' finns redan.",
        code="ALREADY_EXISTS",
    )


def invalid_period(valid_from: date, valid_to: date) -> InvalidInput:
    return InvalidInput(
        f"The period ends ({valid_to}) before it starts ({valid_from}).",
        f"Perioden slutar ({valid_to}) innan den börjar ({valid_from}).",
        code="INVALID_PERIOD",
        field="valid_to",
    )


def already_ended(valid_to: date) -> Conflict:
    return Conflict(
        f"Already ended on {valid_to}; history is not rewritten by ending again.",
        f"Redan avslutad {valid_to}; historiken skrivs inte om genom en ny avslutning.",
        code="ALREADY_ENDED",
    )
