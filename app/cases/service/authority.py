"""Asking the authority resolver about a case: reads the case, the caller, the organ and the
delegation order in force, and turns a refusal into a 403 (or 409 for quorum) with every
reason in both languages and its legal reference."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases.models import Case
from app.cases.service.recusals import barred
from app.delegation import repository as delegation_repo
from app.delegation.authority import (
    ActorView,
    CaseView,
    EntryView,
    Grant,
    Meeting,
    OrderView,
    OrganView,
    Reason,
    Refused,
    resolve,
)
from app.delegation.claims import AuthorityClaim
from app.delegation.rules import MatterFacts
from app.errors import Conflict, Forbidden, InvalidInput, StyrkedjaError
from app.kit.clock import today
from app.organisation import repository as org_repo
from app.organisation.models import Membership, Position
from app.organisation.vocabulary import MembershipRole, PositionRole

SEATED = (MembershipRole.chair, MembershipRole.vice_chair, MembershipRole.member)
CONFLICTS = frozenset({"QUORUM_NOT_MET"})
MISSING_DATA = frozenset({"NOT_MEMBER", "MEETING_REQUIRED", "AMOUNT_REQUIRED"})


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
    units: tuple[str, ...] = ()
    if case.unit is not None:
        above = org_repo.unit_codes(session, org_repo.unit_ancestor_ids(session, case.unit.id))
        units = (case.unit.code, *above)
    facts = matter_of(session, case)
    return CaseView(
        organ=case.organ.code,
        organ_kind=case.organ.kind.value,
        units=units,
        matter=facts,
        flags=effective_flags(case, facts),
        route=case.route,
        amount_sek=case.estimated_cost_sek,
        registered_by=case.registered_by_person_id,
    )


def actor_view(principal: Principal, recused: frozenset[int] = frozenset()) -> ActorView:
    """The caller as the resolver sees them. An API key acts as nobody: it names its owner for
    the trail, but lends the key none of the owner's roles or delegations."""
    return ActorView(
        person_id=None if principal.via_api_key else principal.person_id,
        kind=principal.person_kind.value if principal.person_kind else None,
        seats=frozenset((m.organ_code, m.role.value) for m in principal.memberships),
        posts=frozenset((p.unit_code, p.role.value) for p in principal.positions),
        recused=principal.person_id in recused,
    )


def order_view(session: Session, organ_id: int, on: date) -> OrderView | None:
    order = delegation_repo.in_force(session, organ_id, on)
    if order is None:
        return None
    entries = tuple(
        EntryView(
            e.code,
            tuple(e.matter_types),
            tuple(e.actions),
            e.delegate,
            e.amount_limit_sek,
            e.report_to_organ,
            e.substitute,
        )
        for e in order.entries
    )
    absent = frozenset(
        e.code
        for e in entries
        if e.substitute is not None and _delegate_absent(session, organ_id, e.delegate, on)
    )
    return OrderView(order.version, entries, absent)


def _delegate_absent(
    session: Session, organ_id: int, delegate: Mapping[str, Any], on: date
) -> bool:
    """The delegate is recorded absent on ``on``: whoever holds the post or seat (or the named
    person) has an absence covering the day."""
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
    return bool(holders) and set(holders) <= org_repo.absent_on(session, holders, on)


def organ_view(
    session: Session, case: Case, on: date, recused: frozenset[int] = frozenset()
) -> OrganView:
    holdings = org_repo.holders_on(session, Membership, place_id=case.organ_id, role=None, on=on)
    return OrganView(
        code=case.organ.code,
        seats=case.organ.seats,
        members=frozenset(h.person_id for h in holdings if h.role in SEATED),
        substitutes=frozenset(h.person_id for h in holdings if h.role == MembershipRole.substitute),
        recused=recused,
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


def authorise(
    session: Session,
    principal: Principal,
    case: Case,
    view: CaseView,
    trigger: str,
    claim: AuthorityClaim | None,
) -> Grant:
    """The authority for this step, or a refusal with every reason."""
    meeting = claim.meeting if claim else None
    on = meeting.held_on if meeting else today()
    barred_ids = barred(session, case.id)
    try:
        return resolve(
            trigger,
            view,
            actor_view(principal, barred_ids),
            kind=claim.kind if claim else None,
            order=order_view(session, case.organ_id, on),
            organ=organ_view(session, case, on, barred_ids) if meeting else None,
            meeting=Meeting(
                meeting.held_on,
                meeting.paragraph,
                frozenset(meeting.present),
                frozenset(meeting.substitutes_serving),
            )
            if meeting
            else None,
        )
    except Refused as refused:
        raise refusal(refused) from refused


def recorded(grant: Grant) -> dict[str, Any]:
    """The authority as the event keeps it."""
    return {"kind": grant.kind.value, **grant.details, "report_to_organ": grant.report_to_organ}
