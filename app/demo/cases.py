"""A handful of BUN cases at different steps of the flow, so the demo shows the engine at work:
a fresh proposal, one being assessed, one waiting for decision, one being implemented, and one
closed whose follow-up proposed a new measure. Written through the case services, as a case
officer would, so each carries its real history."""

from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases.schemas import AssessmentWrite, CaseCreate
from app.cases.service import assessments, records, transitions
from app.organisation.models import Person
from app.workflows.definition import builtin

PERSPECTIVE_KEYS = [p.key for p in builtin("measure", 1).assessment.perspectives]


SIMPLIFIED = {
    "problem": "Klasserna i årskurs 4–6 på Norrskolan har fler elever än salarna rymmer.",
    "proposed_measure": "Hyra en paviljong med fyra klassrum i tre år.",
    "alternatives": ["Flytta årskurs 6 till Södra skolan", "Bygga ut Norrskolan"],
    "zero_alternative": "Fortsatt trångboddhet och sämre arbetsmiljö för elever och personal.",
    "cost_sek": 2_400_000,
    "time_horizon": "2027–2029",
    "perspectives": {
        key: {"note": "Bedömd utan negativa konsekvenser."}
        | ({"children_affected": True} if key == "children" else {})
        | ({"union_consulted": True} if key == "staff" else {})
        for key in PERSPECTIVE_KEYS
    },
}

STEPS_TO_DECISION: list[tuple[str, dict[str, Any]]] = [
    ("triage", {"route": "political", "motivation": "Påverkar skolans kapacitet och budget."}),
    ("scope_assessment", {"level": "simplified"}),
]


def _officer(person: Person) -> Principal:
    return Principal(person_id=person.id, username=person.username, person_kind=person.kind)


def _case(session: Session, actor: Principal, title: str, problem: str, cost: int) -> int:
    data = CaseCreate(
        title=title, problem=problem, organ="BUN", unit="UTB-GRU", estimated_cost_sek=cost
    )
    return records.register(session, actor, data).id


def _fire(
    session: Session, actor: Principal, case_id: int, trigger: str, payload: dict[str, Any]
) -> None:
    transitions.fire(session, actor, case_id, trigger, payload)


def _to_decision(session: Session, actor: Principal, case_id: int, rank: int) -> None:
    for trigger, payload in STEPS_TO_DECISION:
        _fire(session, actor, case_id, trigger, payload)
    assessments.revise(session, actor, case_id, AssessmentWrite(content=SIMPLIFIED))
    _fire(session, actor, case_id, "submit_assessment", {})
    _fire(
        session,
        actor,
        case_id,
        "prioritise",
        {"period": "2027", "rank": rank, "motivation": "Elevernas arbetsmiljö går först."},
    )


def load_cases(session: Session, case_officer: Person) -> None:
    actor = _officer(case_officer)
    _case(
        session,
        actor,
        "Läxhjälp på fritids",
        "Elever saknar stöd med läxor efter skoltid.",
        350_000,
    )

    assessed = _case(
        session,
        actor,
        "Nya läromedel i matematik",
        "Resultaten i matematik i årskurs 9 sjunker.",
        900_000,
    )
    for trigger, payload in STEPS_TO_DECISION:
        _fire(session, actor, assessed, trigger, payload)
    assessments.revise(
        session,
        actor,
        assessed,
        AssessmentWrite(content={"problem": "Sjunkande resultat i matematik."}),
    )

    waiting = _case(
        session, actor, "Paviljong vid Norrskolan", "Trångboddhet i årskurs 4–6.", 2_400_000
    )
    _to_decision(session, actor, waiting, rank=1)

    implementing = _case(
        session,
        actor,
        "Solskydd på förskolegårdar",
        "Höga temperaturer på förskolegårdarna om somrarna.",
        600_000,
    )
    _to_decision(session, actor, implementing, rank=2)
    _fire(
        session,
        actor,
        implementing,
        "approve",
        {"decision_text": "Nämnden bifaller förslaget.", "decided_on": "2026-10-15"},
    )
    _fire(
        session,
        actor,
        implementing,
        "start_implementation",
        {
            "responsible_unit": "UTB-FSK",
            "milestones": [{"due_on": "2027-05-01", "title": "Solsegel uppsatta"}],
        },
    )

    closed = _case(
        session,
        actor,
        "Digitala närvarorapporter",
        "Pappersrutinen för frånvaro tar lärartid.",
        150_000,
    )
    _to_decision(session, actor, closed, rank=3)
    _fire(
        session,
        actor,
        closed,
        "approve",
        {"decision_text": "Nämnden bifaller förslaget.", "decided_on": "2026-02-12"},
    )
    _fire(session, actor, closed, "start_implementation", {"responsible_unit": "UTB-GRU"})
    _fire(
        session,
        actor,
        closed,
        "complete_implementation",
        {"outcome_summary": "Alla skolor rapporterar frånvaro digitalt sedan augusti."},
    )
    _fire(
        session,
        actor,
        closed,
        "close",
        {
            "report": {
                "indicators": [
                    {
                        "name": "Minuter per vecka för frånvarorapportering",
                        "value": 15,
                        "target": 20,
                    }
                ],
                "conclusions": "Målet nåddes; vårdnadshavarna efterfrågar sms-avisering.",
            },
            "new_proposals": [
                {
                    "title": "Sms-avisering vid frånvaro",
                    "problem": "Vårdnadshavare får veta om frånvaro först nästa dag.",
                }
            ],
        },
    )
