"""Moving a case: the only place a case's state is written, and only with what the workflow
engine answers. One transaction: lock the case, ask the engine, apply the trigger's effects,
append the event."""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import errors
from app.cases import repository as repo
from app.cases.models import Case
from app.cases.permissions import require_write
from app.cases.procedure import require_fl
from app.cases.schemas import CaseCreate
from app.cases.service.assessments import add_revision
from app.cases.service.authority import (
    actor_view,
    authorise,
    case_view,
    order_view,
    recorded,
)
from app.cases.service.deadlines import due_at
from app.cases.service.definitions import engine_of
from app.cases.service.records import (
    append_event,
    flush_checked,
    get_case,
    locked_case,
    new_case,
    visible,
)
from app.cases.service.recusals import barred
from app.cases.vocabulary import EventKind, Flag, Origin
from app.delegation import reports
from app.delegation.authority import available
from app.delegation.claims import AuthorityClaim
from app.delegation.reasons import Reason
from app.delegation.views import AuthorityKind, CaseView
from app.errors import Conflict
from app.kit.clock import today
from app.organisation.service.structure import referenced_unit
from app.workflows.engine import Option
from app.workflows.errors import GuardRefused, UnknownTrigger, WrongState
from app.workflows.guards import Facts, Referral
from app.workflows.payloads import (
    Close,
    Level,
    Payload,
    Prioritise,
    ReferBack,
    ScopeAssessment,
    StartImplementation,
    Triage,
)


def facts_of(session: Session, case: Case, view: CaseView) -> Facts:
    """What the engine's guards may know of the case, read once per request."""
    revision = repo.current_revision(session, case.id)
    return Facts(
        state=case.state,
        route=case.route,
        flags=view.flags,
        assessment_level=case.assessment_level,
        assessment=revision.content if revision else None,
        referral=Referral(case.pending_referral) if case.pending_referral else None,
    )


# What each trigger records on the case besides its state (the payload itself goes to the event).


def _triage(session: Session, principal: Principal, case: Case, payload: Triage) -> None:
    case.route = payload.route.value
    if payload.of_principle:
        case.flags = sorted({*case.flags, Flag.of_principle.value})


def _scope(session: Session, principal: Principal, case: Case, payload: ScopeAssessment) -> None:
    """Deciding that no assessment is needed is itself the whole assessment: its motivation
    becomes the first revision, so nobody writes it twice."""
    case.assessment_level = payload.level.value
    if payload.level == Level.none and payload.motivation:
        add_revision(session, principal, case, {"motivation": payload.motivation}, None)


def _prioritise(session: Session, principal: Principal, case: Case, payload: Prioritise) -> None:
    """A rank is the case's place in its organ's order for the period: one case per place
    (a rejected or withdrawn case gives its place up)."""
    if payload.rank is not None:
        holder = next(
            (
                other
                for other in repo.cases_at_rank(
                    session, case.organ_id, payload.period, payload.rank, case.id
                )
                if other.state in engine_of(other.workflow).definition.ranked_states
            ),
            None,
        )
        if holder is not None:
            seen = visible(session, principal, holder)  # a confidential holder is not named
            raise Conflict(
                f"Rank {payload.rank} for {payload.period} is held by "
                + (f"case {holder.id}." if seen else "another case."),
                f"Plats {payload.rank} för {payload.period} innehas av "
                + (f"ärende {holder.id}." if seen else "ett annat ärende."),
                code="RANK_TAKEN",
                **({"case_id": holder.id} if seen else {}),
            )
    case.priority_period, case.priority_score, case.priority_rank = (
        payload.period,
        payload.score,
        payload.rank,
    )


def _refer_back(session: Session, principal: Principal, case: Case, payload: ReferBack) -> None:
    case.pending_referral = payload.reason


def _start(
    session: Session, principal: Principal, case: Case, payload: StartImplementation
) -> None:
    unit = referenced_unit(session, payload.responsible_unit, "responsible_unit")
    case.unit, case.unit_id = unit, unit.id


def _close(session: Session, principal: Principal, case: Case, payload: Close) -> None:
    """The seed's loop: the analysis of a follow-up may propose new measures, each a new case."""
    for proposal in payload.new_proposals:
        data = CaseCreate(
            title=proposal.title,
            problem=proposal.problem,
            description=proposal.description,
            organ=case.organ.code,
            unit=case.unit.code if case.unit else None,
            matter_type=case.matter_type,
            origin=Origin.follow_up,
            appeal_route=case.appeal_route,
            confidential=case.confidential,
        )
        new_case(session, principal, data, origin_case_id=case.id)


Effect = Callable[[Session, Principal, Case, Any], None]
EFFECTS: dict[str, Effect] = {  # by payload schema: what the effect reads
    "triage": _triage,
    "scope_assessment": _scope,
    "prioritise": _prioritise,
    "refer_back": _refer_back,
    "start_implementation": _start,
    "close": _close,
}


def decision_day(data: dict[str, Any] | None) -> date | None:
    """The day a decision says it was taken (an approval's ``decided_on``), read ahead of the
    payload's validation so the authority is judged for that day; what is not a date is left
    to the validation."""
    value = (data or {}).get("decided_on")
    with suppress(ValueError, TypeError):
        return date.fromisoformat(value) if isinstance(value, str) else None
    return None


def fire(
    session: Session,
    principal: Principal,
    case_id: int,
    trigger: str,
    data: dict[str, Any] | None,
    *,
    claim: AuthorityClaim | None = None,
    if_match: int | None = None,
) -> Case:
    """Fire ``trigger``: the case must be in a state the trigger leaves (409), the caller must
    have authority for it (403), the payload must fit (422) and the guards must pass."""
    require_write(principal)
    case = locked_case(session, principal, case_id, if_match)
    engine = engine_of(case.workflow)
    try:
        trigger_def = engine.applicable(case.state, trigger)
    except UnknownTrigger as exc:
        raise errors.unknown_trigger(exc) from exc
    except WrongState as exc:
        raise errors.wrong_state(exc) from exc
    view = case_view(session, case)
    decided_on = decision_day(data)
    grant = authorise(session, principal, case, view, trigger, claim, decided_on)
    try:
        payload: Payload = engine.parse_payload(trigger, data)
        require_fl(case.appeal_route, payload)
        firing = engine.fire(facts_of(session, case, view), trigger, payload)
    except ValidationError as exc:
        raise errors.invalid_payload(exc, trigger) from exc
    except GuardRefused as exc:
        raise errors.refused(exc) from exc
    effect = EFFECTS.get(trigger_def.payload)
    if effect is not None:
        effect(session, principal, case, payload)
    case.state = firing.to_state
    event = append_event(
        session, case, principal, EventKind.transitioned,
        payload=payload.model_dump(mode="json"), authority=recorded(grant, decided_on),
        trigger=trigger, from_state=firing.from_state, to_state=firing.to_state,
    )  # fmt: skip
    if firing.to_state != firing.from_state:
        case.due_at = due_at(
            engine.definition,
            state=case.state,
            origin=case.origin,
            entered_at=event.created_at,
            registered_at=case.created_at,
        )
    reports.record(session, case, event, grant)
    flush_checked(session, case)
    return case


@dataclass(frozen=True)
class CallerOption:
    """A trigger of the case's state: what the workflow says of it, and what the caller may."""

    option: Option
    kinds: list[AuthorityKind]
    reasons: list[Reason]


def options(session: Session, principal: Principal, case_id: int) -> list[CallerOption]:
    """What the case could do next, who the caller is to do it, and what stands in the way."""
    case = get_case(session, principal, case_id)
    view, actor = case_view(session, case), actor_view(principal, barred(session, case.id))
    order = order_view(session, case.organ_id, today())
    found = []
    for option in engine_of(case.workflow).options(facts_of(session, case, view)):
        kinds, reasons = available(option.trigger.name, view, actor, order)
        found.append(CallerOption(option, kinds, reasons))
    return found
