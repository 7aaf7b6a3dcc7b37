"""The upsert of a case by an outside system's reference (``PUT /integrations/{system}/cases/
{external_id}``, and each row of an import): an unknown reference registers a case, a known
one edits its registry metadata as PATCH does (``updates.edit``); neither moves its workflow
state, beyond placing a new case where the diarium says it already is (an importable state,
recorded as an ``imported`` event).

Concurrent upserts of one reference make one case. The reference row is the claim: inserted
first (``repository.claim``), before the case exists and before a diary number is taken. On
PostgreSQL a second insert of the same reference waits for the transaction holding it: if that
commits, the second inserts nothing and updates the case the first made (unchanged, if the
bodies agree); it has not touched the organ's diary series, so no number is spent or skipped.
On SQLite the single writer serialises them.
"""

from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import errors as case_errors
from app.cases.models import Case
from app.cases.schemas import CaseCreate
from app.cases.service import records, updates
from app.cases.service.authority import case_view
from app.cases.service.deadlines import due_at
from app.cases.service.definitions import engine_of
from app.cases.service.lookups import Lookups
from app.cases.vocabulary import EventKind
from app.errors import NotFound, PreconditionFailed
from app.integrations.inbound import errors
from app.integrations.inbound import repository as repo
from app.integrations.inbound.models import ExternalReference
from app.integrations.inbound.permissions import require_confidential_sight, require_importer
from app.integrations.inbound.schemas import CaseUpsert
from app.integrations.inbound.vocabulary import Outcome
from app.workflows.definition import Definition
from app.workflows.errors import GuardRefused
from app.workflows.guards import Facts, route_fits_flags
from app.workflows.payloads import Triage

FIXED = ("problem", "matter_type", "origin", "appeal_route")
"""Set at registration; PATCH does not change them, nor does an upsert."""
PLACEMENT = ("route", "assessment_level")


@dataclass(frozen=True)
class Known:
    """The references an import's batch names and their cases, read (and the cases locked) for
    the whole batch at once rather than row by row: a reference not here is not known yet."""

    references: dict[tuple[str, str], ExternalReference]
    cases: dict[int, Case]


@dataclass(frozen=True)
class Upserted:
    outcome: Outcome
    case: Case
    reference: ExternalReference
    changed: tuple[str, ...] = ()


def upsert(
    session: Session,
    principal: Principal,
    system: str,
    external_id: str,
    data: CaseUpsert,
    *,
    if_match: int | None = None,
    import_id: int | None = None,
    lookups: Lookups | None = None,
    known: Known | None = None,
) -> Upserted:
    """Create or update the case ``system`` knows as ``external_id``. A known case the caller
    may not see is 404, as everywhere; ``If-Match`` is the case's version, and one given for a
    reference not yet known is 412 (there is no case to match). ``lookups``: those of an
    import's batch (``records.new_case``), and ``known`` what it read ahead."""
    require_importer(principal)
    if known is None:
        reference = repo.reference(session, system, external_id)
    else:
        reference = known.references.get((system, external_id))
    if reference is None:
        if if_match is not None:
            raise PreconditionFailed(
                f"No case is known by {system} '{external_id}' yet: If-Match cannot hold.",
                f"Inget ärende är känt som {system} '{external_id}' ännu: If-Match kan inte "
                "uppfyllas.",
                code="PRECONDITION_FAILED",
            )
        claimed = repo.claim(session, system, external_id, principal, import_id)
        if claimed is not None:
            source = {"system": system, "external_id": external_id, "import_id": import_id}
            case = _create(session, principal, data, source, lookups)
            repo.attach(session, claimed, case.id)
            return Upserted(Outcome.created, case, claimed)
        reference = repo.reference(session, system, external_id)  # the winner's, committed
    if reference is None or reference.case_id is None:
        raise errors.reference_busy(system, external_id)
    try:
        case = _locked(session, principal, reference.case_id, if_match, known)
    except NotFound as exc:  # a confidential case out of the caller's sight
        raise errors.reference_not_found(system, external_id) from exc
    changes = _update(session, principal, case, data)
    return Upserted(Outcome.updated if changes else Outcome.unchanged, case, reference, changes)


def _locked(
    session: Session, principal: Principal, case_id: int, if_match: int | None, known: Known | None
) -> Case:
    """The case, locked: read ahead with its batch, or now (``records.locked_case``)."""
    case = known.cases.get(case_id) if known else None
    if case is None:
        return records.locked_case(session, principal, case_id, if_match)
    if not records.visible(session, principal, case):
        raise case_errors.case_not_found(case_id)
    return case


def _create(
    session: Session,
    principal: Principal,
    data: CaseUpsert,
    source: dict[str, Any],
    lookups: Lookups | None,
) -> Case:
    if data.confidential:
        require_confidential_sight(principal)
    registration = registration_of(data)
    case = records.register(session, principal, registration, source=source, lookups=lookups)
    _place(session, principal, case, engine_of(case.workflow).definition, data, source)
    return case


def registration_of(data: CaseUpsert) -> CaseCreate:
    """The registration a new case's upsert makes: the body's ``CaseCreate`` fields, as given."""
    return CaseCreate.model_construct(
        _fields_set=data.model_fields_set & set(CaseCreate.model_fields),
        **{name: getattr(data, name) for name in CaseCreate.model_fields},
    )


def _place(
    session: Session,
    principal: Principal,
    case: Case,
    definition: Definition,
    data: CaseUpsert,
    source: dict[str, Any],
) -> None:
    """Put the new case where the diarium says it already is: an importable state past the
    initial one, with what triage and the scope decision chose there, as an ``imported`` event.
    The route must fit the case's flags as at triage (``ROUTE_MUST_BE_POLITICAL``)."""
    given = [name for name in PLACEMENT if getattr(data, name) is not None]
    if data.state is None or data.state == definition.initial:
        if given:
            raise errors.fields_without_state(given)
        return
    if data.state not in definition.importable_states:
        raise errors.state_not_importable(data.state, sorted(definition.importable_states))
    route, level = data.route, data.assessment_level
    if route is None or level is None:
        raise errors.imported_state_incomplete(
            data.state, [name for name in PLACEMENT if name not in given]
        )
    view = case_view(session, case)
    triage = Triage.model_construct(route=route, of_principle=False, motivation="")
    problems = route_fits_flags(Facts(state=case.state, flags=view.flags), triage, definition)
    if problems:
        raise case_errors.refused(GuardRefused("import", problems))
    from_state = case.state
    case.state, case.route, case.assessment_level = data.state, route.value, level.value
    event = records.append_event(
        session, case, principal, EventKind.imported,
        payload=source | {"route": case.route, "assessment_level": case.assessment_level},
        from_state=from_state, to_state=case.state,
    )  # fmt: skip
    case.due_at = due_at(
        definition,
        state=case.state,
        origin=case.origin,
        entered_at=event.created_at,
        registered_at=case.created_at,
    )
    records.flush_checked(session, case)


def _update(
    session: Session, principal: Principal, case: Case, data: CaseUpsert
) -> tuple[str, ...]:
    """Edit the known case as PATCH would, after refusing what an upsert may not change."""
    given = data.model_fields_set
    if data.organ != case.organ.code:
        raise errors.organ_change(case.organ.code, data.organ)
    if data.diary_number is not None and data.diary_number != case.diary_number:
        raise errors.diary_number_change(case.diary_number, data.diary_number)
    if data.state is not None and data.state != case.state:
        raise errors.state_change(case.state, data.state)
    current = {
        "problem": case.problem,
        "matter_type": case.matter_type,
        "origin": case.origin,
        "appeal_route": case.appeal_route,
        "route": case.route,
        "assessment_level": case.assessment_level,
    }
    fixed = [
        name
        for name in (*FIXED, *PLACEMENT)
        if name in given
        and (getattr(data, name) is not None or name in FIXED)
        and _plain(getattr(data, name)) != current[name]
    ]
    if fixed:
        raise errors.fixed_fields(fixed)
    wanted = data.model_dump(include=given & updates.EDITABLE)
    changes = updates.edit(session, principal, case, wanted, data.secrecy)
    return tuple(changes)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value
