"""What a generated case is, and the history that brought it to its state: pure data for
``bench.generate``, which seals and loads it.

A case belongs to an organ (by ``ORGAN_SHARES``), a department of the organ's administration and
one of the organ's matter types (or none); it is in a state by ``STATE_SHARES`` and its history
is the demo's flow up to there, each step taken by whom the flow says: the registrant (a case
officer of the department, else the administration's registrar) registers, edits the estimated
cost (0-3 times) and may withdraw while the case is undecided; the head of administration
triages and scopes; a case officer writes 1-3 assessment revisions and submits them; the organ
prioritises, decides and closes in meetings recorded by its secretary; the department's manager
implements. A case still proposed has been triaged or not (half each); every case that went
further is on the political route. The JSON of each payload and authority is canonical (sorted
keys, no whitespace, characters as they are), as ``app.audit.chain`` seals it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

ORGAN_SHARES = {"BUN": 0.35, "SN": 0.30, "KS": 0.15, "TN": 0.15, "KF": 0.05}
STATE_SHARES = {
    "proposed": 0.12,
    "assessment": 0.10,
    "valuation": 0.05,
    "decision": 0.06,
    "planning": 0.05,
    "implementation": 0.10,
    "follow_up": 0.05,
    "closed": 0.37,
    "rejected": 0.05,
    "withdrawn": 0.05,
}
FLOW = (
    "proposed",
    "assessment",
    "valuation",
    "decision",
    "planning",
    "implementation",
    "follow_up",
    "closed",
)
UNDECIDED = FLOW[:4]  # where the proposer may still withdraw

SUBJECTS = (
    "Ny förskola",
    "Renovering av idrottshallen",
    "Utökad skolskjuts",
    "Digital ansökan om bygglov",
    "Fler platser i äldreboende",
    "Belysning på gång- och cykelvägen",
    "Läxhjälp på fritids",
    "Solceller på kommunhuset",
    "Upprustning av lekplatsen",
    "Öppen fritidsgård",
    "Trygghetsvandringar",
    "Ny vattenledning",
    "Simundervisning för årskurs 3",
    "Hemtjänst på kvällar",
    "Skolbibliotek",
    "Mindre matsvinn i skolköken",
    "Översyn av parkeringsavgifterna",
    "Laddstolpar för kommunens bilar",
    "Ombyggnad av tillagningsköket",
    "Översyn av taxorna",
)
PLACES = (
    "i Norrby",
    "vid Södra skolan",
    "i centrum",
    "i Östra hamnen",
    "på Västra höjden",
    "i Kyrkbyn",
    "vid sjön",
    "i Ängby",
    "på Björkvägen",
    "i Åsen",
)
PROBLEMS = (
    "Behovet har ökat snabbare än kapaciteten.",
    "Invånare har framfört klagomål under flera år.",
    "Nuvarande lösning är dyr och föråldrad.",
    "Arbetsmiljön brister enligt senaste skyddsronden.",
    "Målet i verksamhetsplanen nås inte.",
)
COSTS = (50_000, 120_000, 350_000, 600_000, 900_000, 1_500_000, 2_400_000, 8_000_000)
ORIGIN_NAMES = ("operations", "political_initiative", "motion")
ORIGIN_WEIGHTS = (0.7, 0.2, 0.1)
CASE_OFFICER_NAMED = 0.6  # the share of cases registered with their case officer named

PARTIAL_ASSESSMENT = {"problem": "Problemet är beskrivet; resten återstår."}
MISSING_IN_PARTIAL = [
    "proposed_measure",
    "alternatives",
    "zero_alternative",
    "cost_sek",
    "time_horizon",
]


def canonical(value: Any) -> str:
    """JSON as the chain seals it (``app.audit.chain.canonical``'s rules)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


NULL = "null"


@cache
def quoted(value: str | None) -> str:
    return NULL if value is None else canonical(value)


# The JSON of each step, cached: a million cases have only a few thousand distinct ones.


@cache
def post(role: str, unit: str) -> str:
    return canonical({"kind": "operational", "post": f"{role}@{unit}", "report_to_organ": False})


@cache
def triage_payload(route: str) -> str:
    motivation = "Påverkar verksamhetens inriktning och budget."
    return canonical({"route": route, "of_principle": False, "motivation": motivation})


@cache
def revision_payload(number: int, complete: bool) -> str:
    missing = [] if complete else MISSING_IN_PARTIAL
    return canonical(
        {"revision": number, "level": "simplified", "missing": missing, "answers_referral": False}
    )


@cache
def start_payload(unit: str) -> str:
    return canonical({"responsible_unit": unit, "milestones": [], "budget_sek": None})


@cache
def cost_edit(before: int, after: int) -> str:
    return canonical({"changes": {"estimated_cost_sek": {"before": before, "after": after}}})


@cache
def approve_payload(decided_on: str) -> str:
    return canonical(
        {
            "communication": None,
            "communication_not_needed": None,
            "decision_text": "Nämnden bifaller förslaget.",
            "decided_on": decided_on,
            "reasons": None,
        }
    )


@cache
def prioritise_payload(score: float, period: str) -> str:
    return canonical(
        {
            "period": period,
            "score": score,
            "rank": None,
            "criteria": {},
            "motivation": "Hög nytta i förhållande till kostnaden.",
        }
    )


SCOPE_PAYLOAD = canonical({"level": "simplified", "motivation": None})
COMPLETE_PAYLOAD = canonical({"outcome_summary": "Åtgärden är genomförd enligt plan."})
WITHDRAW_PAYLOAD = canonical({"reason": "Förslaget har ersatts av ett annat."})
PROPOSER = canonical({"kind": "operational", "proposer": True, "report_to_organ": False})
REJECT_PAYLOAD = canonical(
    {
        "communication": None,
        "communication_not_needed": None,
        "decision_text": "Nämnden avslår förslaget.",
        "motivation": "Kostnaden står inte i proportion till nyttan.",
    }
)
CLOSE_PAYLOAD = canonical(
    {
        "report": {
            "indicators": [{"name": "Andel nöjda brukare", "value": 82.0, "target": 80.0}],
            "deviations": None,
            "root_causes": None,
            "conclusions": "Målet nåddes.",
        },
        "new_proposals": [],
    }
)


@dataclass(frozen=True)
class Department:
    id: int
    code: str
    manager: int | None
    officer: int | None


@dataclass(frozen=True)
class OrganPlan:
    """One organ as the generator needs it: who acts for it and where its cases are prepared."""

    id: int
    code: str
    seats: int
    present: tuple[int, ...]  # its seated members: a full meeting
    secretary: int
    administration: str  # the top unit serving it
    head: int  # the head of administration
    registrar: int | None
    departments: tuple[Department, ...]
    matter_types: tuple[tuple[str, str], ...]  # (code, appeal route)
    name: str = ""  # the authority that marks its confidential cases
    _meetings: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def head_post(self) -> str:
        return post("head_of_administration", self.administration)

    def meeting(self, held_on: date) -> str:
        """The authority of a decision taken in a full meeting of the organ on ``held_on`` (its
        paragraph numbered by the day, so one meeting's decisions share their JSON)."""
        day = held_on.isoformat()
        found = self._meetings.get(day)
        if found is None:
            found = self._meetings[day] = canonical(
                {
                    "kind": "organ_decision",
                    "organ": self.code,
                    "held_on": day,
                    "paragraph": f"§ {held_on.timetuple().tm_yday % 150 + 1}",
                    "present": list(self.present),
                    "substitutes_serving": [],
                    "counted": len(self.present),
                    "seats": self.seats,
                    "report_to_organ": False,
                }
            )
        return found


@dataclass
class Step:
    """One event before it is placed in time and sealed: ``payload`` and ``authority`` are
    canonical JSON. An organ's decision (``decision``) gets its meeting, and an approval or a
    prioritisation its payload, when the step is dated."""

    kind: str
    actor: int
    payload: str = "{}"
    authority: str = "{}"
    trigger: str | None = None
    from_state: str | None = None
    to_state: str | None = None
    decision: bool = False


@dataclass
class CasePlan:
    organ: OrganPlan
    department: Department
    matter_type: str | None
    appeal_route: str
    state: str
    route: str | None
    origin: str
    title: str
    problem: str
    costs: list[int]  # as registered, then after each edit
    confidential: bool
    registrant: int
    steps: list[Step]
    revisions: list[bool]  # complete or not, in order
    assessed: bool = False
    prioritised_score: float | None = None
    case_officer: int | None = None  # named at registration (the department's case officer)


def _transition(trigger: str, actor: int, source: str, target: str, **kw: Any) -> Step:
    return Step("transitioned", actor, trigger=trigger, from_state=source, to_state=target, **kw)


def plan_case(
    rng: random.Random, organ: OrganPlan, states: Mapping[str, float] | None = None
) -> CasePlan:
    """A case of ``organ`` in a random state (by ``states``, default ``STATE_SHARES``), with the
    steps that led there (registration first; its payload is written by the generator, which
    knows the diary number)."""
    department = rng.choice(organ.departments)
    matter = rng.choice(organ.matter_types) if organ.matter_types and rng.random() < 0.8 else None
    shares = states or STATE_SHARES
    state = rng.choices(list(shares), weights=list(shares.values()))[0]
    registrant = department.officer or organ.registrar or organ.head
    head, head_post = organ.head, organ.head_post
    officer = department.officer or head
    officer_post = post("case_officer", department.code) if department.officer else head_post
    manager = department.manager or head
    manager_post = post("unit_manager", department.code) if department.manager else head_post
    target = {"rejected": "decision", "withdrawn": rng.choice(UNDECIDED)}.get(state, state)
    reach = FLOW.index(target)
    steps: list[Step] = [Step("registered", registrant, to_state="proposed")]
    triaged = reach > 0 or rng.random() < 0.5
    route = "political" if reach > 0 else rng.choice(("political", "operational"))
    revisions: list[bool] = []  # each revision: complete or not
    if triaged:
        steps.append(
            _transition(
                "triage", head, "proposed", "proposed",
                payload=triage_payload(route), authority=head_post,
            )
        )  # fmt: skip
    if reach >= 1:
        steps.append(
            _transition(
                "scope_assessment", head, "proposed", "assessment",
                payload=SCOPE_PAYLOAD, authority=head_post,
            )
        )  # fmt: skip
        count = rng.randint(1, 3)
        revisions = [n == count and (reach >= 2 or rng.random() < 0.5) for n in range(1, count + 1)]
        steps.extend(
            Step("assessment_revised", officer, payload=revision_payload(number, complete))
            for number, complete in enumerate(revisions, start=1)
        )
    if reach >= 2:
        steps.append(
            _transition(
                "submit_assessment", officer, "assessment", "valuation", authority=officer_post
            )
        )
    score = float(rng.randint(10, 100)) if reach >= 3 else None
    secretary = organ.secretary
    decisions = (
        ("prioritise", "valuation", "decision", "{}"),  # the payload names the budget year
        ("approve", "decision", "planning", "{}"),  # the payload names the decision's day
    )
    for trigger, source, goal, payload in decisions[: max(reach - 2, 0)]:
        steps.append(_transition(trigger, secretary, source, goal, payload=payload, decision=True))
    if reach >= 5:
        steps.append(
            _transition(
                "start_implementation", manager, "planning", "implementation",
                payload=start_payload(department.code), authority=manager_post,
            )
        )  # fmt: skip
    if reach >= 6:
        steps.append(
            _transition(
                "complete_implementation", manager, "implementation", "follow_up",
                payload=COMPLETE_PAYLOAD, authority=manager_post,
            )
        )  # fmt: skip
    if reach >= 7:
        steps.append(
            _transition(
                "close", secretary, "follow_up", "closed", payload=CLOSE_PAYLOAD, decision=True
            )
        )
    if state == "rejected":
        steps.append(
            _transition(
                "reject", secretary, "decision", "rejected", payload=REJECT_PAYLOAD, decision=True
            )
        )
    if state == "withdrawn":
        steps.append(
            _transition(
                "withdraw", registrant, target, "withdrawn",
                payload=WITHDRAW_PAYLOAD, authority=PROPOSER,
            )
        )  # fmt: skip
    costs = [rng.choice(COSTS)]
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        before, after = costs[-1], rng.choice(COSTS)
        after = after if after != before else before + 10_000
        costs.append(after)
        steps.insert(
            rng.randint(1, len(steps)), Step("updated", registrant, cost_edit(before, after))
        )
    return CasePlan(
        organ=organ,
        department=department,
        matter_type=matter[0] if matter else None,
        appeal_route=matter[1] if matter else "judicial_review",
        state=state,
        route=route if triaged else None,
        origin=rng.choices(ORIGIN_NAMES, weights=ORIGIN_WEIGHTS)[0],
        title=f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)}",
        problem=rng.choice(PROBLEMS),
        costs=costs,
        confidential=rng.random() < 0.02,
        registrant=registrant,
        steps=steps,
        revisions=revisions,
        assessed=reach >= 1,
        prioritised_score=score,
        case_officer=department.officer if rng.random() < CASE_OFFICER_NAMED else None,
    )
