"""Cases as records: register, read, list, and append to their history."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.session import make_transient_to_detached

from app.audit.chain import GENESIS, content_of, json_copy, seal
from app.auth.principal import Principal
from app.cases import errors
from app.cases import repository as repo
from app.cases.list_query import sort_key
from app.cases.models import Case, CaseEvent
from app.cases.permissions import require_read, require_write, sight
from app.cases.schemas import CaseCreate, CaseRead, Priority, WorkflowRef
from app.cases.service import diary, registry
from app.cases.service.deadlines import due_at, is_overdue
from app.cases.service.definitions import engine_of
from app.cases.service.lookups import Lookups
from app.cases.vocabulary import EventKind, Origin
from app.errors import Conflict, InvalidInput, PreconditionFailed
from app.integrations.webhooks import outbox
from app.kit.clock import utcnow
from app.organisation import repository as org_repo
from app.organisation.service.common import unique
from app.workflows.engine import Engine
from app.workflows.registry import engine_by_checksum

WORKFLOW = "measure"


def append_event(
    session: Session,
    case: Case,
    principal: Principal,
    kind: EventKind,
    *,
    payload: dict[str, Any],
    authority: dict[str, Any] | None = None,
    trigger: str | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
) -> CaseEvent:
    """The next event of the case's history, sealed into its hash chain (``app.audit.chain``).
    The case row is locked or version-checked by the caller, so sequence numbers never collide
    (a unique key refuses it if they would: 409, as for a stale version) and the head it keeps
    is the newest event's.

    The event stores the JSON it was sealed over (a copy, so a caller changing its dicts later
    cannot make the row disagree with its hash). A new case is written first, for the id its
    first event seals; that event's head is then set by a statement of its own, which does not
    count as a change of the case (a registered case is version 1). Every event is announced
    to webhook subscribers through an outbox row of the same transaction.

    The event row is inserted here and now, by a statement built once, and the event joins the
    session as the persistent row it is: it is never changed, so the unit of work has nothing to
    do for it (every step writes one; bench/transitions_http.py)."""
    if case.id is None:
        session.flush()
    prev_hash = GENESIS if case.last_event_seq == 0 else case.last_event_hash
    event = CaseEvent(
        case_id=case.id,
        seq=case.last_event_seq + 1,
        kind=kind.value,
        trigger=trigger,
        from_state=from_state,
        to_state=to_state,
        payload=json_copy(payload),
        authority=json_copy(authority or {}),
        actor_person_id=principal.person_id,
        actor_api_key_id=principal.api_key_id,
        created_at=utcnow(),
        prev_hash=prev_hash,
    )
    event.hash = seal(prev_hash, content_of(event))
    try:
        # On the connection: the session would first flush the case's changes, which are
        # written once, at the end of the step (flush_checked).
        event.id = session.connection().execute(_INSERT_EVENT, _event_row(event)).scalar_one()
    except IntegrityError as exc:
        if not _seq_taken(exc):
            raise
        raise _changed_meanwhile() from exc  # another request appended this seq first
    make_transient_to_detached(event)
    session.add(event)
    if event.seq == 1:
        # updated_at as written by the insert, not touched: no indexed column changes, so
        # PostgreSQL updates the row in place (HOT) instead of adding to each of its indexes,
        # the full-text one among them.
        session.connection().execute(
            _SET_FIRST_HEAD,
            {"b_id": case.id, "seq": event.seq, "hash": event.hash, "updated_at": case.updated_at},
        )
        set_committed_value(case, "last_event_seq", event.seq)
        set_committed_value(case, "last_event_hash", event.hash)
    else:
        case.last_event_seq, case.last_event_hash = event.seq, event.hash
    outbox.record_event(session, case, event)
    return event


_EVENTS = cast(Table, CaseEvent.__table__)
_INSERT_EVENT = insert(_EVENTS).returning(_EVENTS.c.id)
_CASES = cast(Table, Case.__table__)
_SET_FIRST_HEAD = (
    update(_CASES)
    .where(_CASES.c.id == bindparam("b_id"))
    .values(
        last_event_seq=bindparam("seq"),
        last_event_hash=bindparam("hash"),
        updated_at=bindparam("updated_at"),
    )
)


_SEQ_TAKEN = ("uq_case_events_case_id_seq", "case_events.case_id, case_events.seq")
"""How PostgreSQL and SQLite name the unique key on an event's (case, seq) when they refuse it."""


def _seq_taken(exc: IntegrityError) -> bool:
    """Whether the database refused the event for its sequence number, not for anything else."""
    message = str(exc.orig)
    return any(name in message for name in _SEQ_TAKEN)


def _event_row(event: CaseEvent) -> dict[str, Any]:
    return {column.key: getattr(event, column.key) for column in _EVENTS.c if column.key != "id"}


def visible(session: Session, principal: Principal, case: Case) -> bool:
    """Whether the caller may know the case exists (``permissions.sight``)."""
    if not case.confidential:
        return True
    seeing = sight(principal)
    units: list[int] = []
    if case.unit_id is not None and seeing.unit_ids:
        units = [case.unit_id, *org_repo.unit_ancestor_ids(session, case.unit_id)]
    served: list[int] = []
    if seeing.administration_ids:
        served = list(session.scalars(org_repo.organs_served_by(seeing.administration_ids)))
    return seeing.sees(
        organ_id=case.organ_id,
        units=units,
        registered_by=case.registered_by_person_id,
        officer=case.case_officer_person_id,
        served_organs=served,
    )


def _found(session: Session, principal: Principal, case_id: int, case: Case | None) -> Case:
    """The case, if it exists for the caller: a confidential case out of the caller's sight
    (``permissions.sight``) answers exactly as a missing one, so its existence does not leak."""
    if case is None or not visible(session, principal, case):
        raise errors.case_not_found(case_id)
    return case


def locked_case(
    session: Session, principal: Principal, case_id: int, if_match: int | None = None
) -> Case:
    """The case, its row locked until the transaction ends (PostgreSQL), for a write. A case the
    caller may not see is 404 (before a stale ``If-Match`` could tell it exists) and a stale
    ``If-Match`` is refused, before anything is done."""
    case = _found(session, principal, case_id, repo.case_by_id(session, case_id, for_update=True))
    if if_match is not None and if_match != case.version:
        raise PreconditionFailed(
            f"The case has changed (version {case.version}, not {if_match}); read it again.",
            f"Ärendet har ändrats (version {case.version}, inte {if_match}); läs om det.",
            code="PRECONDITION_FAILED",
            current_version=case.version,
        )
    return case


def flush_checked(session: Session, case: Case) -> None:
    """Write the case's changes; if another request changed it since it was read (SQLite has no
    row lock, the version column notices), refuse rather than write a second history."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise _changed_meanwhile() from exc


def _changed_meanwhile() -> Conflict:
    return Conflict(
        "The case changed while this request was handled; read it again.",
        "Ärendet ändrades medan anropet hanterades; läs om det.",
        code="WRONG_STATE",
    )


def new_case(
    session: Session,
    principal: Principal,
    data: CaseCreate,
    *,
    origin_case_id: int | None = None,
    source: dict[str, Any] | None = None,
    lookups: Lookups | None = None,
) -> Case:
    """Register the case in its organ's series; ``source`` names the outside system it came
    from (``app.integrations.inbound``), for the ``registered`` event; ``lookups`` are those
    of a batch of registrations in this session."""
    lookups = lookups or Lookups(session)
    organ = lookups.organ(data.organ)
    unit = lookups.unit(data.unit) if data.unit else None
    workflow = lookups.workflow(WORKFLOW)
    carried = registry.marking(data.confidential, data.secrecy, None)
    officer = lookups.case_officer(data.case_officer_id) if data.case_officer_id else None
    definition = engine_of(workflow).definition
    number = diary.number_for(session, principal, organ, data.diary_number)
    now = utcnow()
    case = Case(
        diary_number=number,
        diary_sort_key=sort_key(number),
        title=data.title,
        problem=data.problem,
        description=data.description,
        organ=organ,
        organ_id=organ.id,
        unit=unit,
        unit_id=unit.id if unit else None,
        matter_type=data.matter_type,
        origin=data.origin.value,
        origin_case_id=origin_case_id,
        estimated_cost_sek=data.estimated_cost_sek,
        flags=sorted({flag.value for flag in data.flags}),
        appeal_route=data.appeal_route.value,
        confidential=data.confidential,
        case_officer_person_id=officer,
        workflow=workflow,
        workflow_id=workflow.id,
        state=definition.initial,
        due_at=due_at(
            definition,
            state=definition.initial,
            origin=data.origin.value,
            entered_at=now,
            registered_at=now,
        ),
        last_event_seq=0,
        registered_by_person_id=principal.person_id,
        registered_by_api_key_id=principal.api_key_id,
        created_at=now,  # the registration, which an origin's time limit counts from
    )
    registry.apply(case, carried)
    with unique(session, diary.taken(number)):  # an imported number, or another organ's format
        session.add(case)
    append_event(
        session, case, principal, EventKind.registered,
        payload=data.model_dump(mode="json") | {
            "origin_case_id": origin_case_id,
            "diary_number": number,
            "diary_number_imported": data.diary_number is not None,
        } | ({"source": source} if source else {}),
        to_state=case.state,
    )  # fmt: skip
    session.flush()
    return case


def register(
    session: Session,
    principal: Principal,
    data: CaseCreate,
    *,
    source: dict[str, Any] | None = None,
    lookups: Lookups | None = None,
) -> Case:
    require_write(principal)
    if data.origin == Origin.follow_up:
        raise InvalidInput(
            "Cases of origin 'follow_up' are created by closing a follow-up.",
            "Ärenden med ursprung 'uppföljning' skapas när en uppföljning avslutas.",
            code="ORIGIN_RESERVED",
            field="origin",
        )
    return new_case(session, principal, data, source=source, lookups=lookups)


def get_case(session: Session, principal: Principal, case_id: int) -> Case:
    require_read(principal)
    return _found(session, principal, case_id, repo.case_by_id(session, case_id))


def get_by_diary_number(session: Session, principal: Principal, number: str) -> Case:
    """The case with the diary number; one the caller may not see is 404, as under ``get_case``."""
    require_read(principal)
    case = repo.case_by_diary_number(session, number)
    if case is None or not visible(session, principal, case):
        raise diary.case_not_found(number)
    return case


def events(session: Session, principal: Principal, case_id: int) -> list[CaseEvent]:
    get_case(session, principal, case_id)
    return repo.events(session, case_id)


def to_read(case: Case) -> CaseRead:
    return read_of(
        case,
        engine=engine_of(case.workflow),
        workflow=WorkflowRef(key=case.workflow.key, version=case.workflow.version),
        organ=case.organ.code,
        unit=case.unit.code if case.unit else None,
        now=utcnow(),
    )


def listed_read(session: Session, rows: Sequence[Any]) -> list[CaseRead]:
    """A page of ``search.search`` rows (``search.Listed``) as readers see them; a workflow
    version this process has not built yet is read once, by id. The cases of one workflow
    version share its reference."""
    now = utcnow()
    refs: dict[tuple[str, int], WorkflowRef] = {}

    def engine(row: Any) -> Engine:
        return engine_by_checksum(
            row.workflow_checksum, lambda: repo.definition_body(session, row.workflow_id)
        )

    def workflow(row: Any) -> WorkflowRef:
        key = (row.workflow_key, row.workflow_version)
        if key not in refs:
            refs[key] = WorkflowRef(key=row.workflow_key, version=row.workflow_version)
        return refs[key]

    return [
        read_of(
            row,
            engine=engine(row),
            workflow=workflow(row),
            organ=row.organ_code,
            unit=row.unit_code,
            now=now,
        )
        for row in rows
    ]


def read_of(
    case: Any,
    *,
    engine: Engine,
    workflow: WorkflowRef,
    organ: str,
    unit: str | None,
    now: datetime,
) -> CaseRead:
    """A case as readers see it, from its columns (an ORM ``Case`` or a ``search.Listed``) and
    what the caller looked up of what it refers to."""
    state = engine.definition.state(case.state)
    priority = (
        Priority(period=case.priority_period, score=case.priority_score, rank=case.priority_rank)
        if case.priority_period
        else None
    )
    return CaseRead(
        id=case.id,
        diary_number=case.diary_number,
        title=case.title,
        problem=case.problem,
        description=case.description,
        organ=organ,
        unit=unit,
        matter_type=case.matter_type,
        origin=Origin(case.origin),
        origin_case_id=case.origin_case_id,
        estimated_cost_sek=case.estimated_cost_sek,
        flags=case.flags,
        appeal_route=case.appeal_route,
        confidential=case.confidential,
        secrecy=registry.read(case),
        case_officer_id=case.case_officer_person_id,
        workflow=workflow,
        state=case.state,
        state_label_sv=state.label_sv,
        state_label_en=state.label_en,
        route=case.route,
        assessment_level=case.assessment_level,
        pending_referral=case.pending_referral,
        priority=priority,
        due_at=case.due_at,
        overdue=is_overdue(case.due_at, now),
        version=case.version,
        created_at=case.created_at,
        updated_at=case.updated_at,
    )
