"""Editing a case's registry metadata and flags (PATCH): each change an event with what it was
and what it became. Who may edit: whoever keeps or prepares the case (a registrar, the organ's
secretary or chair, a post in the responsible unit or above it, an integration key); that rule,
``require_editor``, also decides who registers the case's documents. Flags that decide who may
decide (KL 6:38, 5:1–2) are the head of administration's to set, as at triage, or the organ's
chair's; lifting one is the chair's alone, as an override of the head's judgement."""

from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases.models import Case
from app.cases.permissions import require_write
from app.cases.schemas import CaseUpdate, SecrecyMarking
from app.cases.service import registry
from app.cases.service.authority import case_view
from app.cases.service.records import append_event, flush_checked, locked_case
from app.cases.service.recusals import barred
from app.cases.vocabulary import EventKind, Flag
from app.delegation.reasons import RECUSED
from app.delegation.views import CaseView
from app.errors import Forbidden
from app.organisation.service.structure import referenced_unit
from app.organisation.vocabulary import MembershipRole, PositionRole
from app.workflows.guards import POLITICAL_FLAGS


def _may_edit(principal: Principal, view: CaseView) -> bool:
    if principal.via_api_key:
        return True  # require_write has checked its scopes
    return (
        principal.holds_position(PositionRole.registrar)
        or principal.records_for(view.organ)
        or _chairs(principal, view)
        or any(grant.unit_code in view.units for grant in principal.positions)
    )


def require_editor(session: Session, principal: Principal, case: Case) -> CaseView:
    """Refuse a caller who does not keep or prepare the case (``NOT_CASE_EDITOR``), or who is
    disqualified in it (``RECUSED``); the case's view, for the rules that follow. The one rule
    for every change of the case's registry record: its metadata, and its documents."""
    view = case_view(session, case)
    if principal.person_id is not None and principal.person_id in barred(session, case.id):
        raise Forbidden(RECUSED.message_en, RECUSED.message_sv, code=RECUSED.code)
    if not _may_edit(principal, view):
        raise Forbidden(
            "The case is edited by a registrar, the organ's secretary or chair, or a post in "
            "its unit.",
            "Ärendet ändras av en registrator, nämndsekreteraren, ordföranden eller en "
            "befattning i enheten.",
            code="NOT_CASE_EDITOR",
        )
    return view


def _chairs(principal: Principal, view: CaseView) -> bool:
    return any(
        m.organ_code == view.organ and m.role == MembershipRole.chair for m in principal.memberships
    )


def _check_flags(principal: Principal, view: CaseView, before: set[str], after: set[str]) -> None:
    added, lifted = (after - before) & POLITICAL_FLAGS, (before - after) & POLITICAL_FLAGS
    if not added and not lifted:
        return
    chair = any(
        m.organ_code == view.organ and m.role == MembershipRole.chair for m in principal.memberships
    )
    head = any(
        p.unit_code in view.units and p.role == PositionRole.head_of_administration
        for p in principal.positions
    )
    if principal.via_api_key or not (chair or (head and not lifted)):
        raise Forbidden(
            "Flags that reserve the decision to the organ are set by the head of administration "
            "or the organ's chair, and lifted only by the chair.",
            "Markeringar som förbehåller nämnden beslutet sätts av förvaltningschefen eller "
            "ordföranden, och tas bort endast av ordföranden.",
            code="FLAG_CHANGE_NOT_ALLOWED",
            flags=sorted(added | lifted),
        )


EDITABLE = frozenset(CaseUpdate.model_fields)
"""The registry metadata an edit may change: PATCH's fields, and what an upsert by a diarium's
reference may change of a case it already has."""


def update_case(
    session: Session, principal: Principal, case_id: int, data: CaseUpdate, if_match: int | None
) -> Case:
    """Apply the edit; unchanged fields are no change, and no change writes no event."""
    require_write(principal)
    case = locked_case(session, principal, case_id, if_match)
    view = require_editor(session, principal, case)
    edit(session, principal, case, data.model_dump(exclude_unset=True), data.secrecy, view)
    return case


def edit(
    session: Session,
    principal: Principal,
    case: Case,
    wanted: dict[str, Any],
    secrecy: SecrecyMarking | None,
    view: CaseView | None = None,
) -> dict[str, dict[str, Any]]:
    """Change the locked ``case`` to the ``wanted`` values (``EDITABLE`` names only; what is
    left out stays), as its editor may (``require_editor``, unless the caller has: its
    ``view``). Each field that differs is one change, with before and after, and all of them
    one ``updated`` event; the changes made, or none — and then no event, and nothing asked of
    the caller (an upsert repeating what the case already says). ``secrecy`` is the marking as
    given: the parts it names replace the kept ones."""
    changes, carried = _changes(session, case, wanted, secrecy)
    if not changes:
        return changes
    view = view or require_editor(session, principal, case)
    if "flags" in changes:
        flags = changes["flags"]
        _check_flags(principal, view, set(flags["before"]), set(flags["after"]))
    # Read before anything is set: a query's autoflush would write the case twice.
    unit_code = changes.get("unit", {}).get("after")
    unit = referenced_unit(session, unit_code, "unit") if unit_code else None
    for name, values in changes.items():
        if name == "unit":
            case.unit, case.unit_id = unit, unit.id if unit else None
        elif name == "case_officer_id":
            case.case_officer_person_id = values["after"]
        elif name == "secrecy":
            registry.apply(case, carried)
        else:
            setattr(case, name, values["after"])
    append_event(session, case, principal, EventKind.updated, payload={"changes": changes})
    flush_checked(session, case)
    return changes


def _changes(
    session: Session, case: Case, wanted: dict[str, Any], secrecy: SecrecyMarking | None
) -> tuple[dict[str, dict[str, Any]], registry.Marking | None]:
    """What the edit would change, and the secrecy marking the case would carry. A unit or a
    case officer is looked up only when it differs from the case's."""
    changes: dict[str, dict[str, Any]] = {}

    def change(name: str, before: Any, after: Any) -> None:
        if before != after:
            changes[name] = {"before": before, "after": after}

    for name in ("title", "description", "estimated_cost_sek"):
        if name in wanted:
            change(name, getattr(case, name), wanted[name])
    current_unit = case.unit.code if case.unit else None
    if "unit" in wanted and wanted["unit"] != current_unit:
        unit = referenced_unit(session, wanted["unit"], "unit") if wanted["unit"] else None
        change("unit", current_unit, unit.code if unit else None)
    if wanted.get("flags") is not None:
        after = {Flag(flag).value for flag in wanted["flags"]}
        change("flags", sorted(case.flags), sorted(after))
        if case.route == "operational" and after & POLITICAL_FLAGS:
            change("route", case.route, "political")  # the organ's now: BRIEF §5
    officer = wanted.get("case_officer_id", case.case_officer_person_id)
    if officer != case.case_officer_person_id:
        after_officer = registry.case_officer(session, officer) if officer else None
        change("case_officer_id", case.case_officer_person_id, after_officer)
    carried = registry.kept(case)
    if "confidential" in wanted or "secrecy" in wanted:
        confidential = wanted.get("confidential", case.confidential)
        carried = registry.marking(confidential, secrecy, registry.kept(case))
        change("confidential", case.confidential, confidential)
        change("secrecy", registry.as_json(registry.kept(case)), registry.as_json(carried))
    return changes, carried
