"""Asking the authority resolver about a case: reads the case, the caller, the deciding body
and the delegation order in force, and turns a refusal into a 403 (authority), 409 (quorum,
votes, the council's preparation) or 422 (missing or inconsistent data) with every reason in
both languages and its legal reference."""

import dataclasses
from collections.abc import Mapping
from contextlib import suppress
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import repository as case_repo
from app.cases.models import Case, CaseEvent
from app.cases.service.recusals import barred
from app.delegation import repository as delegation_repo
from app.delegation.authority import resolve
from app.delegation.claims import AuthorityClaim, MeetingRecord
from app.delegation.entries_cache import adopted_entries
from app.delegation.meetings import Meeting, OrganView, Votes
from app.delegation.reasons import Reason, Refused
from app.delegation.rules import MatterFacts
from app.delegation.views import ActorView, CaseView, EntryView, Grant, OrderView
from app.errors import Conflict, Forbidden, InvalidInput, StyrkedjaError
from app.kit.clock import local_date, today
from app.organisation import repository as org_repo
from app.organisation.models import Membership, Organ, Position
from app.organisation.service.structure import referenced_organ
from app.organisation.vocabulary import ELECTED_SEATS, MembershipRole, PositionRole

CONFLICTS = frozenset(
    {
        "QUORUM_NOT_MET",
        "MOTION_NOT_CARRIED",
        "MINORITY_TOO_SMALL",
        "MINORITY_RIGHT_EXHAUSTED",
        "NOT_PREPARED",
    }
)
MISSING_DATA = frozenset(
    {
        "NOT_MEMBER",
        "NOT_PRESENT",
        "VOTED_TWICE",
        "RESERVATION_NOT_ALLOWED",
        "REQUESTERS_ONLY_FOR_REFERRAL",
        "RECUSED_IN_RECORD",
        "MORE_SEATED_THAN_SEATS",
        "DECISION_DATE_OUT_OF_RANGE",
        "MEETING_REQUIRED",
        "AMOUNT_REQUIRED",
    }
)


def matter_of(session: Session, case: Case) -> MatterFacts | None:
    if not case.matter_type:
        return None
    matter = delegation_repo.matter_type(session, case.organ_id, case.matter_type)
    if matter is None:
        return None
    return matter.facts()


def effective_flags(case: Case, matter: MatterFacts | None) -> frozenset[str]:
    """The case's own flags and what its registered matter type makes of it."""
    flags = set(case.flags)
    if matter and matter.non_delegable:
        flags.add("non_delegable_matter_type")
    if matter and matter.council_reserved:
        flags.add("council_reserved")
    return frozenset(flags)


def case_view(session: Session, case: Case) -> CaseView:
    units = tuple(
        org_repo.unit_chain(session, case.unit_id)
        if case.unit_id is not None
        else org_repo.administration_of(session, case.organ_id)
    )
    facts = matter_of(session, case)
    flags = effective_flags(case, facts)
    council = org_repo.council(session) if "council_reserved" in flags else None
    return CaseView(
        organ=case.organ.code,
        organ_kind=case.organ.kind.value,
        units=units,
        matter=facts,
        flags=flags,
        route=case.route,
        amount_sek=case.estimated_cost_sek,
        registered_by=case.registered_by_person_id,
        council=council.code if council else None,
        appeal_route=case.appeal_route,
        state=case.state,
    )


def minority_referral_used(session: Session, case_id: int) -> bool:
    """KL 5:50: has a minority already had the matter referred back once?"""
    query = select(CaseEvent.authority).where(
        CaseEvent.case_id == case_id, CaseEvent.trigger == "refer_back"
    )
    return any((authority or {}).get("minority_referral") for authority in session.scalars(query))


def actor_view(principal: Principal, recused: frozenset[int] = frozenset()) -> ActorView:
    """The caller as the resolver sees them. An API key acts as nobody: it names its owner for
    the trail, but lends the key none of the owner's roles or delegations; a key that is an
    automated decision function decides under the entries naming that function."""
    return ActorView(
        person_id=None if principal.via_api_key else principal.person_id,
        kind=principal.person_kind.value if principal.person_kind else None,
        seats=frozenset((m.organ_code, m.role.value) for m in principal.memberships),
        posts=frozenset((p.unit_code, p.role.value) for p in principal.positions),
        recused=principal.person_id in recused,
        function=principal.automated_function,
    )


class Absences:
    """Which points' delegates are recorded absent on a day, looked up only when the resolver
    asks (for an entry the caller would stand in for), each point once."""

    def __init__(self, session: Session, organ_id: int, on: date, entries: tuple[EntryView, ...]):
        self._session, self._organ_id, self._on = session, organ_id, on
        self._delegates = {e.code: e.delegate for e in entries if e.substitute is not None}
        self._known: dict[object, bool] = {}

    def __contains__(self, code: object) -> bool:
        if code not in self._known:
            delegate = self._delegates.get(str(code))
            self._known[code] = delegate is not None and _delegate_absent(
                self._session, self._organ_id, delegate, self._on
            )
        return self._known[code]


def order_view(session: Session, organ_id: int, on: date) -> OrderView | None:
    """The order in force on ``on`` as the resolver sees it: the row and its subdelegations
    read each time (one statement), its entries from memory (``entries_cache``: an adopted
    order's entries never change), absences read only when the resolver asks."""
    order = delegation_repo.in_force_view(session, organ_id, on)
    if order is None:
        return None
    entries = adopted_entries(session, order.id, order.created_at)
    absent = Absences(session, organ_id, on, entries)
    return OrderView(order.version, entries, absent, order.passed_on)


def _delegate_absent(
    session: Session, organ_id: int, delegate: Mapping[str, Any], on: date
) -> bool:
    """The delegate cannot act on ``on`` (förfall): the post or seat is vacant, or whoever holds
    it (or the named person) has an absence covering the day."""
    kind = delegate.get("kind")
    holders: list[int] = []
    if kind == "person":
        holders = [delegate["person_id"]]
    elif kind == "position":
        unit = org_repo.unit_by_code(session, delegate["unit"])
        if unit is not None:
            role = PositionRole(delegate["role"])
            found = org_repo.holders_on(session, Position, place_id=unit.id, role=role, on=on)
            holders = [h.person_id for h in found]
    elif kind == "membership":
        role_m = MembershipRole(delegate["role"])
        found = org_repo.holders_on(session, Membership, place_id=organ_id, role=role_m, on=on)
        holders = [h.person_id for h in found]
    return not holders or set(holders) <= org_repo.absent_on(session, holders, on)


def organ_view(
    session: Session, organ: Organ, on: date, recused: frozenset[int] = frozenset()
) -> OrganView:
    holdings = org_repo.holders_on(session, Membership, place_id=organ.id, role=None, on=on)
    return OrganView(
        code=organ.code,
        seats=organ.seats,
        members=frozenset(h.person_id for h in holdings if h.role in ELECTED_SEATS),
        substitutes=frozenset(h.person_id for h in holdings if h.role == MembershipRole.substitute),
        recused=recused,
        kind=organ.kind.value,
        chair=next((h.person_id for h in holdings if h.role == MembershipRole.chair), None),
    )


def meeting_of(record: MeetingRecord) -> Meeting:
    votes = record.votes
    return Meeting(
        record.held_on,
        record.paragraph,
        frozenset(record.present),
        frozenset(record.substitutes_serving),
        votes=Votes(
            frozenset(votes.in_favour), frozenset(votes.against), frozenset(votes.abstaining)
        )
        if votes
        else None,
        reservations=tuple((r.person_id, r.text or "") for r in record.reservations),
        requesters=frozenset(record.requesters),
        executive_board_statement=record.executive_board_statement,
        chaired_by=record.chaired_by,
    )


def refusal(refused: Refused) -> StyrkedjaError:
    first = refused.reasons[0]
    kind = (
        Conflict
        if first.code in CONFLICTS
        else InvalidInput
        if first.code in MISSING_DATA
        else Forbidden
    )
    return kind(
        first.message_en,
        first.message_sv,
        code=first.code,
        legal_reference=first.legal_reference,
        reasons=[_reason(reason) for reason in refused.reasons],
    )


def _reason(reason: Reason) -> dict[str, Any]:
    return {
        "code": reason.code,
        "message_en": reason.message_en,
        "message_sv": reason.message_sv,
        "details": {"legal_reference": reason.legal_reference},
    }


def _actor_on(session: Session, actor: ActorView, on: date) -> ActorView:
    """The caller with the seats and posts they held on ``on``."""
    assert actor.person_id is not None
    grants = org_repo.grants_on(session, actor.person_id, on)
    return dataclasses.replace(
        actor,
        seats=frozenset((g.place_code, g.role) for g in grants if g.kind == "membership"),
        posts=frozenset((g.place_code, g.role) for g in grants if g.kind == "position"),
    )


def _effective_day(event: case_repo.Step) -> date:
    """The day a step took effect: its meeting's or its stated decision day, else the day it
    was recorded."""
    for value in ((event.authority or {}).get("held_on"), (event.payload or {}).get("decided_on")):
        if isinstance(value, str):
            with suppress(ValueError):
                return date.fromisoformat(value)
    return local_date(event.created_at)


def _check_day(session: Session, case: Case, day: date, stated: date | None) -> None:
    """A decision is dated no later than today and no earlier than the case's last decision
    (decisions follow one another), and an organ's decision on its meeting's day. A date in
    between is judged by the order and the roles of that day, and the event notes the day it
    was recorded."""
    step = case_repo.last_decision(session, case.id)
    earliest = _effective_day(step) if step else None
    wrong = day > today() or (earliest is not None and day < earliest)
    if wrong or (stated is not None and stated != day):
        raise InvalidInput(
            f"The decision's day {stated or day} must be its meeting's, not before the case's "
            f"last decision ({earliest}) and not after today.",
            f"Beslutsdagen {stated or day} ska vara sammanträdets, inte före ärendets senaste "
            f"beslut ({earliest}) och inte efter i dag.",
            code="DECISION_DATE_OUT_OF_RANGE",
        )


def authorise(
    session: Session,
    principal: Principal,
    case: Case,
    view: CaseView,
    trigger: str,
    claim: AuthorityClaim | None,
    decided_on: date | None = None,
) -> Grant:
    """The authority for this step, or a refusal with every reason. A meeting is judged
    against the deciding body as it was that day: the case's organ unless the claim names
    another (the council, a sub-committee, a presidium). A decision that says it was taken on
    an earlier day (``decided_on``) is judged by the order in force, and the roles the caller
    held, that day."""
    meeting = claim.meeting if claim else None
    on = meeting.held_on if meeting else decided_on or today()
    _check_day(session, case, on, decided_on if meeting else None)
    barred_ids = barred(session, case.id)
    actor = actor_view(principal, barred_ids)
    if meeting is None and on != today() and not principal.via_api_key:
        actor = _actor_on(session, actor, on)
    body = None
    if meeting is not None and claim is not None:
        organ = (
            referenced_organ(session, claim.organ, "authority.organ") if claim.organ else case.organ
        )
        body = organ_view(session, organ, on, barred_ids)
    if trigger == "refer_back" and meeting is not None:
        view = dataclasses.replace(
            view, minority_referral_used=minority_referral_used(session, case.id)
        )
    try:
        return resolve(
            trigger,
            view,
            actor,
            kind=claim.kind if claim else None,
            order=order_view(session, case.organ_id, on),
            organ=body,
            meeting=meeting_of(meeting) if meeting else None,
        )
    except Refused as refused:
        raise refusal(refused) from refused


def recorded(grant: Grant, decided_on: date | None = None) -> dict[str, Any]:
    """The authority as the event keeps it; a decision recorded after its day says so."""
    late = decided_on is not None and decided_on != today() and "held_on" not in grant.details
    dated = {"decided_on": decided_on.isoformat()} if late and decided_on else {}
    return {
        "kind": grant.kind.value,
        **grant.details,
        **dated,
        "report_to_organ": grant.report_to_organ,
    }
