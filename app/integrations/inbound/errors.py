"""Refusals of inbound integration, each with its stable code and both languages."""

from app.errors import Conflict, InvalidInput, NotFound


def reference_not_found(system: str, external_id: str) -> NotFound:
    """No case under the reference, or none the caller may see: the same answer, so a
    confidential case's reference does not tell that it exists."""
    return NotFound(
        f"No case is known by {system} '{external_id}'.",
        f"Inget ärende är känt som {system} '{external_id}'.",
        code="EXTERNAL_REFERENCE_NOT_FOUND",
    )


def organ_change(current: str, given: str) -> Conflict:
    return Conflict(
        f"The case belongs to {current}, and its diary number to {current}'s series; it cannot "
        f"move to {given}.",
        f"Ärendet hör till {current}, och dess diarienummer till {current}s serie; det kan "
        f"inte flyttas till {given}.",
        code="ORGAN_CHANGE_NOT_ALLOWED",
        organ=current,
    )


def diary_number_change(current: str, given: str) -> Conflict:
    return Conflict(
        f"The case has the diary number '{current}', not '{given}'; a diary number is never "
        "changed.",
        f"Ärendet har diarienumret '{current}', inte '{given}'; ett diarienummer ändras aldrig.",
        code="DIARY_NUMBER_CHANGE_NOT_ALLOWED",
        diary_number=current,
    )


def state_change(current: str, given: str) -> Conflict:
    return Conflict(
        f"The case is in '{current}', not '{given}'; only its workflow's transitions move it.",
        f"Ärendet är i '{current}', inte '{given}'; bara arbetsflödets händelser flyttar det.",
        code="STATE_CHANGE_NOT_ALLOWED",
        state=current,
    )


def fixed_fields(fields: list[str]) -> Conflict:
    return Conflict(
        f"Set at registration and not changed by an upsert: {', '.join(fields)}.",
        f"Sätts vid registreringen och ändras inte av en uppdatering: {', '.join(fields)}.",
        code="FIELD_NOT_UPDATABLE",
        fields=fields,
    )


def state_not_importable(state: str, importable: list[str]) -> InvalidInput:
    return InvalidInput(
        f"A case cannot be brought in in '{state}'; its workflow lets an import put it in: "
        f"{', '.join(importable)}.",
        f"Ett ärende kan inte föras in i '{state}'; arbetsflödet låter en import lägga det i: "
        f"{', '.join(importable)}.",
        code="STATE_NOT_IMPORTABLE",
        field="state",
        importable=importable,
    )


def imported_state_incomplete(state: str, missing: list[str]) -> InvalidInput:
    return InvalidInput(
        f"A case brought in in '{state}' has passed triage and the decision on its assessment's "
        f"scope; give what they decided: {', '.join(missing)}.",
        f"Ett ärende som förs in i '{state}' har passerat vägvalet och beslutet om "
        f"konsekvensbeskrivningens omfattning; ange vad de beslutade: {', '.join(missing)}.",
        code="IMPORTED_STATE_INCOMPLETE",
        field=missing[0],
        missing=missing,
    )


def fields_without_state(fields: list[str]) -> InvalidInput:
    return InvalidInput(
        f"{', '.join(fields)} may be given only for a case brought in past its initial state "
        "(with 'state'); otherwise triage and the scope decision set them.",
        f"{', '.join(fields)} får anges bara för ett ärende som förs in efter sitt första "
        "tillstånd (med 'state'); annars sätts de vid vägvalet och beslutet om omfattning.",
        code="IMPORT_FIELDS_WITHOUT_STATE",
        field=fields[0],
    )


def reference_busy(system: str, external_id: str) -> Conflict:
    return Conflict(
        f"{system} '{external_id}' is being brought in by another request; retry.",
        f"{system} '{external_id}' förs in av ett annat anrop just nu; försök igen.",
        code="EXTERNAL_REFERENCE_BUSY",
    )


def import_not_found(import_id: int) -> NotFound:
    return NotFound(
        f"No import with id {import_id}.",
        f"Det finns ingen import med id {import_id}.",
        code="IMPORT_NOT_FOUND",
    )
