"""A handful of BUN cases at different steps of the flow, so the demo shows the engine at work:
a fresh proposal, one being assessed, one waiting for decision, one being implemented, and one
closed whose follow-up proposed a new measure. Written through the case services, as a case
officer would, so each carries its real history."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases.schemas import AssessmentWrite, CaseCreate
from app.cases.service import assessments, records, transitions
from app.delegation.claims import AuthorityClaim, MeetingRecord
from app.delegation.views import AuthorityKind
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


@dataclass(frozen=True)
class Cast:
    """Who takes each step in the demo: the head of administration triages and scopes, the case
    officer assesses, BUN decides in its meeting (recorded by its secretary), the unit manager
    implements."""

    head: Principal
    officer: Principal
    manager: Principal
    secretary: Principal
    present: list[int]

    def actor(self, trigger: str) -> Principal:
        return {
            "triage": self.head,
            "scope_assessment": self.head,
            "submit_assessment": self.officer,
            "start_implementation": self.manager,
            "complete_implementation": self.manager,
        }.get(trigger, self.secretary)

    def claim(self, trigger: str, held_on: str) -> AuthorityClaim | None:
        if trigger not in ORGAN_DECISIONS:
            return None
        meeting = MeetingRecord(held_on=held_on, paragraph="§ 1", present=self.present)
        return AuthorityClaim(kind=AuthorityKind.organ_decision, meeting=meeting)


ORGAN_DECISIONS = frozenset({"prioritise", "approve", "reject", "refer_back", "close"})
MEETING_DAY = "2026-10-15"


def _case(session: Session, cast: Cast, title: str, problem: str, cost: int) -> int:
    data = CaseCreate(
        title=title,
        problem=problem,
        organ="BUN",
        unit="UTB-GRU",
        matter_type="verksamhet",
        estimated_cost_sek=cost,
    )
    return records.register(session, cast.officer, data).id


def _fire(
    session: Session, cast: Cast, case_id: int, trigger: str, payload: dict[str, Any]
) -> None:
    transitions.fire(
        session,
        cast.actor(trigger),
        case_id,
        trigger,
        payload,
        claim=cast.claim(trigger, MEETING_DAY),
    )


def _to_decision(session: Session, cast: Cast, case_id: int, rank: int) -> None:
    for trigger, payload in STEPS_TO_DECISION:
        _fire(session, cast, case_id, trigger, payload)
    assessments.revise(session, cast.officer, case_id, AssessmentWrite(content=SIMPLIFIED))
    _fire(session, cast, case_id, "submit_assessment", {})
    _fire(
        session,
        cast,
        case_id,
        "prioritise",
        {"period": "2027", "rank": rank, "motivation": "Elevernas arbetsmiljö går först."},
    )


def load_cases(session: Session, cast: Cast) -> None:
    """Five cases, each moved by whom the law says, BUN's decisions taken at its meeting."""
    _case(
        session,
        cast,
        "Läxhjälp på fritids",
        "Elever saknar stöd med läxor efter skoltid.",
        350_000,
    )

    assessed = _case(
        session,
        cast,
        "Nya läromedel i matematik",
        "Resultaten i matematik i årskurs 9 sjunker.",
        900_000,
    )
    for trigger, payload in STEPS_TO_DECISION:
        _fire(session, cast, assessed, trigger, payload)
    assessments.revise(
        session,
        cast.officer,
        assessed,
        AssessmentWrite(content={"problem": "Sjunkande resultat i matematik."}),
    )

    waiting = _case(
        session, cast, "Paviljong vid Norrskolan", "Trångboddhet i årskurs 4–6.", 2_400_000
    )
    _to_decision(session, cast, waiting, rank=1)

    implementing = _case(
        session,
        cast,
        "Solskydd på förskolegårdar",
        "Höga temperaturer på förskolegårdarna om somrarna.",
        600_000,
    )
    _to_decision(session, cast, implementing, rank=2)
    _fire(
        session,
        cast,
        implementing,
        "approve",
        {"decision_text": "Nämnden bifaller förslaget.", "decided_on": "2026-10-15"},
    )
    _fire(
        session,
        cast,
        implementing,
        "start_implementation",
        {
            "responsible_unit": "UTB-FSK",
            "milestones": [{"due_on": "2027-05-01", "title": "Solsegel uppsatta"}],
        },
    )

    closed = _case(
        session,
        cast,
        "Digitala närvarorapporter",
        "Pappersrutinen för frånvaro tar lärartid.",
        150_000,
    )
    _to_decision(session, cast, closed, rank=3)
    _fire(
        session,
        cast,
        closed,
        "approve",
        {"decision_text": "Nämnden bifaller förslaget.", "decided_on": MEETING_DAY},
    )
    _fire(session, cast, closed, "start_implementation", {"responsible_unit": "UTB-GRU"})
    _fire(
        session,
        cast,
        closed,
        "complete_implementation",
        {"outcome_summary": "Alla skolor rapporterar frånvaro digitalt sedan november."},
    )
    _fire(
        session,
        cast,
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
