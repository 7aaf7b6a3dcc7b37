"""µs per authority resolution (300-entry order, 50 matter types; warm, cold) and its HTTP cost.

What: the pure resolver of ``app.delegation.authority`` in this process, no database, and then
the transitions endpoint against PostgreSQL.

(1) A delegation order of 300 entries: BUN's urgent clause (point 0.1: every matter type,
    approve/reject, the chair, with a named vice chair as substitute) and 299 points over 50
    matter types (six points per type: the manager of unit U1 for approve/reject up to
    500 000 kr, then the head of administration, the managers of U2–U5 and the organ's chair in
    turn, with amount tiers and approve/reject/refer_back mixed; every seventh point names a
    second matter type), the head's points of the first five types passed on to one employee
    (KL 7:6). A case of BUN in unit U1 (under ADM) of the first matter type at 250 000 kr, and
    seven scenarios, each outcome checked once before any timing (the kind granted and the
    point, or the refusal's codes):
    ``resolve(...)``, no kind asked: the U1 manager (a delegate, point 1.1); a case officer of U1
    (NOT_DELEGATE: a decision is looked for only in the order); an employee deciding under a
    subdelegation (KL 7:6) of point 1.2, the head's. ``resolve(...)``, the kind asked: BUN's
    chair under the urgent clause; BUN's secretary recording an organ decision (61 seats, 40
    present, one recused, a recorded vote of 24 for, 12 against and 3 abstaining, one
    reservation). ``available(...)``: the U1 manager and the case officer.
    "warm": repeated calls on the same views, the OrderView's indexes already built. "cold":
    every view built afresh from plain rows, as ``app.cases.service.authority`` builds them from
    the ORM's (CaseView; ActorView; the 300 EntryViews and five SubViews into an OrderView;
    OrganView and Meeting for the organ decision), then one call, which on the fresh OrderView
    also builds its (matter type, action) index at the first ``covering(...)`` and, where it
    looks for subdelegations, their index by point; the two timed together, and the call
    alone (index builds included). ``absent`` is an empty set here (the service passes a lazy
    lookup); no caller is a substitute, so it is never consulted.
(2) Scaling: orders of 30, 300 and 3000 entries (the urgent clause included), (a) spread
    evenly over the 50 matter types (so the points of the case's type grow with the order: 1,
    6, 60), (b) with the case's type held at six points and the rest over the other 49 types,
    and (c) 3000 entries of which 600 are of the case's type. Warm ``resolve(...)`` for the
    delegate and for the NOT_DELEGATE refusal, and a fresh OrderView (built, and its first
    ``covering(...)``, which builds the index). (b) shows what the order's size costs a
    resolution once the index is built; (c) − (b) is what each matching entry adds; the fresh
    OrderView is where the order's size is paid, once per view (once per request in the
    service).
(3) Over HTTP (fresh PostgreSQL database, the demo loaded from its start of term as the
    ``styrkedja`` command loads it, one uvicorn worker): requests/s of
    ``GET /api/v1/cases/{id}/transitions``, which reads what the resolver needs (the unit's
    ancestors, the matter type, recusals, the order in force with its entries and
    subdelegations, the current assessment revision; and, only when the resolver asks, whether
    a point's delegate is absent) and computes the caller's authority for every trigger of the
    case's state, against ``GET /api/v1/cases/{id}``, the same authenticated read of the case
    (its visibility check included) and its serialisation with none of that. For the demo head
    of administration on a demo case in state "decision", ``--concurrency`` clients for
    ``--duration`` seconds each. Skipped with a message when PostgreSQL cannot be reached.

Why: the service resolves authority on every step and on every transitions listing; this shows
whether the resolver's cost (and how it grows with the order) matters next to the request.

Every in-process figure is the median of five repeats, each after a full collection, each loop
bounded in time and in calls; the garbage collector stays on, as in the service.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any, TypeVar

import httpx
from rich.table import Table
from sqlalchemy.exc import OperationalError

from app.delegation.authority import available, resolve
from app.delegation.meetings import Meeting, OrganView, Votes
from app.delegation.reasons import Reason, Refused
from app.delegation.rules import MatterFacts
from app.delegation.views import (
    ActorView,
    AuthorityKind,
    CaseView,
    EntryView,
    Grant,
    OrderView,
    SubView,
)
from app.demo.loader import demo_cast
from bench.harness import (
    DEFAULT_WARMUP_S,
    BenchArgs,
    LoadResult,
    console,
    fresh_database,
    generate_load,
    machine_cores,
    results_table,
    running_service,
    sharing_note,
)

REPEATS = 5
FIGURE_BUDGET_S = 1.5  # per scenario figure, all repeats together
SCALE_BUDGET_S = 0.75  # per scaling figure
WARMUP_S = 0.05  # an unmeasured run before the repeats
MAX_CALLS = 2_000_000  # per repeat, whatever the clock says
BATCH = 50  # warm calls between two looks at the clock
NS_PER_US = 1_000
CONCURRENCY = 16  # HTTP clients unless --concurrency says otherwise

ORGAN = "BUN"
ADMIN = "ADM"
UNIT = "U1"  # the case's unit, under ADMIN
OTHER_UNITS = ("U2", "U3", "U4", "U5")
MATTER_TYPES = 50
ENTRIES = 300  # the urgent clause included
SCALES = (30, 300, 3000)
FIXED_MATCHING = 6
DENSE_MATCHING = 600  # of the largest order, to weigh what a matching entry adds
PASSED_ON_TYPES = 5  # the head's point of each of the first types is passed on (KL 7:6)
TRIGGER = "approve"
CASE_AMOUNT_SEK = 250_000
SEATS = 61
PRESENT = 40
SUBSTITUTES = 30

CHAIR_ID, VICE_CHAIR_ID = 1, 2
DELEGATE_ID, OFFICER_ID, SECRETARY_ID, PROPOSER_ID = 9001, 9002, 9003, 9004
SUBDELEGATE_ID, HEAD_ID = 9005, 9006
RECUSED = frozenset({7})  # a present member, disqualified

CASES_PATH = "/api/v1/cases"
BUSY_NEIGHBOUR_CORES = 0.25  # more "other" CPU than this means something else competed


def matter_code(index: int) -> str:
    return f"mt{index:02d}"


TARGET = matter_code(0)


# --- plain rows, as the ORM hands them to the service's view builders ------------------------


@dataclass(frozen=True)
class EntryRow:
    code: str
    matter_types: list[str]
    actions: list[str]
    delegate: dict[str, Any]
    amount_limit_sek: int | None
    report_to_organ: bool
    substitute: dict[str, Any] | None = None
    urgent: bool = False


@dataclass(frozen=True)
class SubRow:
    id: int
    entry_code: str
    delegate: dict[str, Any]
    granted_by_person_id: int


@dataclass(frozen=True)
class ActorRow:
    person_id: int
    kind: str
    memberships: tuple[tuple[str, str], ...]  # (organ, role)
    positions: tuple[tuple[str, str], ...]  # (unit, role)


URGENT_CLAUSE = EntryRow(
    "0.1",
    [],  # every matter type
    ["approve", "reject"],
    {"kind": "membership", "role": "chair"},
    None,
    True,
    substitute={"kind": "person", "person_id": VICE_CHAIR_ID},
    urgent=True,
)
HEAD = {"kind": "position", "role": "head_of_administration", "unit": ADMIN}
ROTATION: tuple[dict[str, Any], ...] = (
    HEAD,
    *({"kind": "position", "role": "unit_manager", "unit": unit} for unit in OTHER_UNITS),
    {"kind": "membership", "role": "chair"},
)
ACTIONS: tuple[tuple[str, ...], ...] = (
    ("approve", "reject"),
    ("approve", "reject", "refer_back"),
    ("refer_back",),
)
LIMITS = (100_000, 500_000, 1_000_000, None)


def _row(index: int, matter: int, nth: int, types: int) -> EntryRow:
    """The ``nth`` point (0-based) of matter type ``matter``: the first is always the U1
    manager's (approve/reject up to 500 000 kr), the others rotate delegates, steps and limits
    (the second is the head of administration's, approve/reject up to 500 000 kr)."""
    matters = [matter_code(matter)]
    actions: tuple[str, ...]
    limit: int | None
    if index % 7 == 6 and matter != 0:  # a second type, never the case's
        matters.append(matter_code(matter % (types - 1) + 1))
    if nth == 0:
        delegate = {"kind": "position", "role": "unit_manager", "unit": UNIT}
        actions, limit = ACTIONS[0], 500_000
    else:
        delegate = dict(ROTATION[(nth - 1) % len(ROTATION)])
        actions, limit = ACTIONS[(nth - 1) % len(ACTIONS)], LIMITS[nth % len(LIMITS)]
    return EntryRow(
        f"{matter + 1}.{nth + 1}", matters, list(actions), delegate, limit, nth % 2 == 0
    )


def entry_rows(
    total: int, *, types: int = MATTER_TYPES, matching: int | None = None
) -> list[EntryRow]:
    """``total`` entries: the urgent clause, then points. Spread evenly (point i is of type
    i mod ``types``) unless ``matching`` is given: then exactly that many of the case's type,
    the rest over the other types."""
    rows = [URGENT_CLAUSE]
    for i in range(total - 1):
        if matching is None:
            matter, nth = i % types, i // types
        elif i < matching:
            matter, nth = 0, i
        else:
            j = i - matching
            matter, nth = 1 + j % (types - 1), j // (types - 1)
        rows.append(_row(i, matter, nth, types))
    return rows


def sub_rows(rows: list[EntryRow]) -> list[SubRow]:
    """The head's points (the second of each type) of the first types, passed on to one
    employee; only those the order has."""
    codes = {r.code for r in rows if r.delegate == HEAD}
    passed = [f"{matter + 1}.2" for matter in range(PASSED_ON_TYPES)]
    return [
        SubRow(n, code, {"kind": "person", "person_id": SUBDELEGATE_ID}, HEAD_ID)
        for n, code in enumerate((c for c in passed if c in codes), start=1)
    ]


DELEGATE = ActorRow(DELEGATE_ID, "employee", (), ((UNIT, "unit_manager"),))
OFFICER = ActorRow(OFFICER_ID, "employee", (), ((UNIT, "case_officer"),))
SUBDELEGATE = ActorRow(SUBDELEGATE_ID, "employee", (), ((UNIT, "case_officer"),))
CHAIR = ActorRow(CHAIR_ID, "elected", ((ORGAN, "chair"),), ())
SECRETARY = ActorRow(SECRETARY_ID, "employee", ((ORGAN, "secretary"),), ())


# --- the views, built as app.cases.service.authority builds them ------------------------------


@dataclass(frozen=True)
class Views:
    case: CaseView
    actor: ActorView
    order: OrderView | None
    organ: OrganView | None = None
    meeting: Meeting | None = None


def case_view() -> CaseView:
    return CaseView(
        organ=ORGAN,
        organ_kind="committee",
        units=(UNIT, ADMIN),
        matter=MatterFacts(TARGET, False, False, False, "judicial_review"),
        flags=frozenset(),
        route="political",
        amount_sek=CASE_AMOUNT_SEK,
        registered_by=PROPOSER_ID,
        appeal_route="judicial_review",
        state="decision",
    )


def actor_view(row: ActorRow) -> ActorView:
    return ActorView(
        person_id=row.person_id,
        kind=row.kind,
        seats=frozenset(row.memberships),
        posts=frozenset(row.positions),
        recused=row.person_id in RECUSED,
    )


def order_view(rows: list[EntryRow], subs: list[SubRow]) -> OrderView:
    entries = tuple(
        EntryView(
            e.code,
            tuple(e.matter_types),
            tuple(e.actions),
            e.delegate,
            e.amount_limit_sek,
            e.report_to_organ,
            e.substitute,
            e.urgent,
        )
        for e in rows
    )
    passed_on = tuple(SubView(s.id, s.entry_code, s.delegate, s.granted_by_person_id) for s in subs)
    return OrderView(3, entries, frozenset(), passed_on)


MEMBER_IDS = range(1, SEATS + 1)  # the chair is 1, the vice chair 2
SUBSTITUTE_IDS = range(101, 101 + SUBSTITUTES)
PRESENT_IDS = range(1, PRESENT + 1)
IN_FAVOUR = frozenset(range(1, 26)) - RECUSED  # 24: the recused member does not vote
AGAINST = frozenset(range(26, 38))  # 12
ABSTAINING = frozenset(range(38, PRESENT + 1))  # 3
RESERVATIONS = ((26, "Reservation till förmån för eget yrkande."),)


def organ_view() -> OrganView:
    return OrganView(
        code=ORGAN,
        seats=SEATS,
        members=frozenset(MEMBER_IDS),
        substitutes=frozenset(SUBSTITUTE_IDS),
        recused=RECUSED,
        kind="committee",
        chair=CHAIR_ID,
    )


def meeting() -> Meeting:
    return Meeting(
        date(2026, 10, 15),
        "§ 12",
        frozenset(PRESENT_IDS),
        frozenset(),
        votes=Votes(IN_FAVOUR, AGAINST, ABSTAINING),
        reservations=RESERVATIONS,
    )


def build(
    rows: list[EntryRow], subs: list[SubRow], actor: ActorRow, *, with_meeting: bool = False
) -> Views:
    """Every view one resolution needs, made afresh (the meeting's only for organ decisions)."""
    return Views(
        case_view(),
        actor_view(actor),
        order_view(rows, subs),
        organ_view() if with_meeting else None,
        meeting() if with_meeting else None,
    )


# --- the scenarios ---------------------------------------------------------------------------

Outcome = Grant | Refused | tuple[list[AuthorityKind], list[Reason]]


def _resolving(kind: AuthorityKind | None) -> Callable[[Views], Outcome]:
    def call(v: Views) -> Outcome:
        try:
            return resolve(
                TRIGGER,
                v.case,
                v.actor,
                kind=kind,
                order=v.order,
                organ=v.organ,
                meeting=v.meeting,
            )
        except Refused as refused:
            return refused

    return call


def _available(v: Views) -> Outcome:
    return available(TRIGGER, v.case, v.actor, v.order)


def describe(outcome: Outcome) -> str:
    if isinstance(outcome, Grant):
        found = outcome.details
        details = [
            f"{key} {found[key]}" for key in ("entry", "subdelegation", "counted") if key in found
        ]
        if "votes" in found:
            votes = found["votes"]
            details.append(
                f"votes {len(votes['in_favour'])}–{len(votes['against'])}–"
                f"{len(votes['abstaining'])}"
            )
        return outcome.kind.value + (f" ({', '.join(details)})" if details else "")
    if isinstance(outcome, Refused):
        return "refused " + " + ".join(r.code for r in outcome.reasons)
    kinds, reasons = outcome
    if kinds:
        return "kinds " + ", ".join(k.value for k in kinds)
    return "none: " + " + ".join(r.code for r in reasons)


@dataclass(frozen=True)
class Scenario:
    label: str
    actor: ActorRow
    call: Callable[[Views], Outcome]
    expected: str
    with_meeting: bool = False


DELEGATED = Scenario(
    "resolve: delegated (U1 manager, no kind asked)",
    DELEGATE,
    _resolving(None),
    "delegated_decision (entry 1.1)",
)
NOT_DELEGATE = Scenario(
    "resolve: refused (case officer, no kind asked)",
    OFFICER,
    _resolving(None),
    "refused NOT_DELEGATE",
)
AVAILABLE = Scenario("available: delegate", DELEGATE, _available, "kinds delegated_decision")
SCENARIOS = (
    DELEGATED,
    NOT_DELEGATE,
    Scenario(
        "resolve: an employee under a subdelegation (KL 7:6)",
        SUBDELEGATE,
        _resolving(None),
        "delegated_decision (entry 1.2, subdelegation 1)",
    ),
    Scenario(
        "resolve: urgent (chair, the order's urgent clause)",
        CHAIR,
        _resolving(AuthorityKind.urgent_decision),
        f"urgent_decision (entry {URGENT_CLAUSE.code})",
    ),
    Scenario(
        f"resolve: organ decision ({SEATS} seats, {PRESENT} present, a vote)",
        SECRETARY,
        _resolving(AuthorityKind.organ_decision),
        f"organ_decision (counted {PRESENT - len(RECUSED)}, "
        f"votes {len(IN_FAVOUR)}–{len(AGAINST)}–{len(ABSTAINING)})",
        with_meeting=True,
    ),
    AVAILABLE,
    Scenario(
        "available: non-delegate (case officer)",
        OFFICER,
        _available,
        "none: NOT_OPERATIONAL + NOT_DELEGATE + URGENT_POWER_NOT_HELD",
    ),
)


def _check(scenario: Scenario, rows: list[EntryRow]) -> int:
    """Before any timing: the scenario ends as expected. Returns the call's ns (one sample)."""
    views = build(rows, sub_rows(rows), scenario.actor, with_meeting=scenario.with_meeting)
    start = time.perf_counter_ns()
    outcome = scenario.call(views)
    elapsed = time.perf_counter_ns() - start
    found = describe(outcome)
    if found != scenario.expected:
        raise RuntimeError(f"{scenario.label}: {found}, expected {scenario.expected}")
    return elapsed


# --- timing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """µs per call in each repeat, and how many calls the last repeat made."""

    per_call_us: tuple[float, ...]
    calls: int

    @property
    def median(self) -> float:
        return statistics.median(self.per_call_us)

    def spread(self) -> str:
        return f"{min(self.per_call_us):,.2f}–{max(self.per_call_us):,.2f}"


Loop = Callable[[float], tuple[int, int]]  # budget in s -> (elapsed ns, calls)
T = TypeVar("T")


def _measure(loop: Loop, budget_s: float) -> Figure:
    loop(WARMUP_S)
    samples: list[float] = []
    calls = 0
    for _ in range(REPEATS):
        gc.collect()
        elapsed_ns, calls = loop(budget_s / REPEATS)
        samples.append(elapsed_ns / NS_PER_US / max(calls, 1))
    return Figure(tuple(samples), calls)


def warm_loop(call: Callable[[Views], Outcome], views: Views) -> Loop:
    def loop(budget_s: float) -> tuple[int, int]:
        clock = time.perf_counter_ns
        start = clock()
        deadline, calls = start + int(budget_s * 1e9), 0
        while calls < MAX_CALLS and clock() < deadline:
            for _ in range(BATCH):
                call(views)
            calls += BATCH
        return clock() - start, calls

    return loop


def clock_read_ns() -> float:
    """What one ``perf_counter_ns()`` read costs here (median of a few batches)."""
    clock = time.perf_counter_ns
    samples = []
    for _ in range(REPEATS):
        start = clock()
        for _ in range(100_000):
            clock()
        samples.append((clock() - start) / 100_000)
    return statistics.median(samples)


def measure_fresh(
    make: Callable[[], T], use: Callable[[T], object], budget_s: float, clock_ns: float
) -> tuple[Figure, Figure]:
    """Something made afresh every time, then used once: µs per make + use, and µs per use
    alone (timed around the use, one clock read, ``clock_ns``, taken off)."""

    def loop(budget_s: float) -> tuple[int, int, int]:
        clock = time.perf_counter_ns
        start = clock()
        deadline, calls, in_use = start + int(budget_s * 1e9), 0, 0
        while calls < MAX_CALLS and clock() < deadline:
            made = make()
            before = clock()
            use(made)
            in_use += clock() - before
            calls += 1
        return clock() - start, calls, in_use

    loop(WARMUP_S)
    totals: list[float] = []
    alone: list[float] = []
    calls = 0
    for _ in range(REPEATS):
        gc.collect()
        elapsed_ns, calls, in_use = loop(budget_s / REPEATS)
        totals.append(elapsed_ns / NS_PER_US / max(calls, 1))
        alone.append((in_use / max(calls, 1) - clock_ns) / NS_PER_US)
    return Figure(tuple(totals), calls), Figure(tuple(alone), calls)


@dataclass(frozen=True)
class ScenarioFigures:
    scenario: Scenario
    warm: Figure
    cold: Figure  # build + call
    cold_call: Figure  # the call alone, on fresh views (index builds included)


def measure_scenarios(rows: list[EntryRow], clock_ns: float) -> list[ScenarioFigures]:
    subs = sub_rows(rows)
    found = []
    for scenario in SCENARIOS:
        views = build(rows, subs, scenario.actor, with_meeting=scenario.with_meeting)
        warm = _measure(warm_loop(scenario.call, views), FIGURE_BUDGET_S)
        make = partial(build, rows, subs, scenario.actor, with_meeting=scenario.with_meeting)
        cold, cold_call = measure_fresh(make, scenario.call, FIGURE_BUDGET_S, clock_ns)
        found.append(ScenarioFigures(scenario, warm, cold, cold_call))
    return found


@dataclass(frozen=True)
class ScaleRow:
    series: str
    entries: int
    of_type: int  # entries naming the case's matter type
    covering: int  # of which cover the trigger
    delegated: Figure
    not_delegate: Figure
    fresh_order: Figure  # OrderView built, then its first covering()
    index: Figure  # that first covering() alone: the index build


def _first_covering(order: OrderView) -> list[EntryView]:
    return order.covering(TARGET, TRIGGER)


SCALINGS: tuple[tuple[str, int, int | None], ...] = (
    *(("spread", total, None) for total in SCALES),
    *(("fixed", total, FIXED_MATCHING) for total in SCALES),
    ("dense", max(SCALES), DENSE_MATCHING),
)


def measure_scaling(clock_ns: float) -> list[ScaleRow]:
    found = []
    for series, total, matching in SCALINGS:
        rows = entry_rows(total, matching=matching)
        subs = sub_rows(rows)
        of_type = [r for r in rows if TARGET in r.matter_types]
        covering = sum(TRIGGER in r.actions for r in of_type)
        _check(DELEGATED, rows)
        _check(NOT_DELEGATE, rows)
        delegated, not_delegate = (
            _measure(warm_loop(s.call, build(rows, subs, s.actor)), SCALE_BUDGET_S)
            for s in (DELEGATED, NOT_DELEGATE)
        )
        fresh, index = measure_fresh(
            partial(order_view, rows, subs), _first_covering, SCALE_BUDGET_S, clock_ns
        )
        found.append(
            ScaleRow(series, total, len(of_type), covering, delegated, not_delegate, fresh, index)
        )
    return found


# --- over HTTP -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpFigures:
    case_id: int
    options: list[str]  # "trigger: its kinds, or every reason against"
    rows: list[tuple[dict[str, str], LoadResult]]
    notes: list[str]


def _get_json(client: httpx.Client, path: str, **params: str) -> Any:
    response = client.get(path, params=params)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.text[:300]}")
    return response.json()


def measure_http(args: BenchArgs) -> HttpFigures:
    clients = args.clients_or(CONCURRENCY)
    rows: list[tuple[dict[str, str], LoadResult]] = []
    notes: list[str] = []
    username = demo_cast().head_of_administration
    with fresh_database(args.postgres_url) as database:
        console.print(f"[dim]database {database.name} created, migrated, demo loaded[/dim]")
        with running_service(database.url) as service:
            headers = {"Authorization": f"Bearer {service.token(username)}"}
            with httpx.Client(
                base_url=service.base_url, headers=headers, trust_env=False
            ) as client:
                page = _get_json(client, CASES_PATH, state="decision")
                if not page.get("items"):
                    raise RuntimeError("the demo has no case in state 'decision'")
                case_id = int(page["items"][0]["id"])
                listed = _get_json(client, f"{CASES_PATH}/{case_id}/transitions")
                _get_json(client, f"{CASES_PATH}/{case_id}")
            options = [
                f"{o['trigger']}: "
                + (
                    ", ".join(o["authority_kinds"])
                    if o["authority_kinds"]
                    else " + ".join(r["code"] for r in o["reasons"]) or "-"
                )
                for o in listed
            ]
            for label, path in (
                ("GET /cases/{id}", f"{CASES_PATH}/{case_id}"),
                ("GET /cases/{id}/transitions", f"{CASES_PATH}/{case_id}/transitions"),
            ):
                console.print(
                    f"[dim]{label} (case {case_id}, as {username}): {args.duration:g} s "
                    "measured after warm-up …[/dim]"
                )
                result = generate_load(
                    service.base_url + path,
                    headers=headers,
                    concurrency=clients,
                    duration=args.duration,
                    server_pid=service.pid,
                    database=database.name,
                )
                rows.append(({"endpoint": label, "concurrency": str(clients)}, result))
                if result.error_kinds:
                    kinds = ", ".join(f"{k} ×{n}" for k, n in result.error_kinds.most_common())
                    notes.append(f"{label}: errors: {kinds}")
                if result.cpu.other is not None and result.cpu.other > BUSY_NEIGHBOUR_CORES:
                    notes.append(
                        f"{label}: {result.cpu.other:.2f} cores went to other programs (or the "
                        "kernel, or backends that came and went) during the measurement; the "
                        "figures are not those of a quiet machine"
                    )
            count, first = service.log_problems()
            if count:
                notes.append(f"{count} suspicious server log line(s):")
                notes.extend(f"    {line}" for line in first)
    return HttpFigures(case_id, options, rows, notes)


# --- printing --------------------------------------------------------------------------------


def _scenario_table(figures: list[ScenarioFigures]) -> Table:
    table = Table(
        title=f"Authority resolution in process: order of {ENTRIES} entries over {MATTER_TYPES} "
        f"matter types, trigger '{TRIGGER}', µs per call, median of {REPEATS} repeats",
        title_justify="left",
    )
    table.add_column("scenario")
    table.add_column("outcome", style="dim")
    table.add_column("warm µs", justify="right")
    table.add_column("warm min–max", justify="right", style="dim")
    table.add_column("cold µs\n(build + call)", justify="right")
    table.add_column("cold min–max", justify="right", style="dim")
    table.add_column("of which\nthe call µs", justify="right")
    table.add_column("call min–max", justify="right", style="dim")
    for f in figures:
        table.add_row(
            f.scenario.label,
            f.scenario.expected,
            f"{f.warm.median:,.2f}",
            f.warm.spread(),
            f"{f.cold.median:,.1f}",
            f.cold.spread(),
            f"{f.cold_call.median:,.2f}",
            f.cold_call.spread(),
        )
    return table


def _scale_table(rows: list[ScaleRow]) -> Table:
    table = Table(
        title=f"Scaling, µs per call (median of {REPEATS}): 'spread' = entries evenly over "
        f"{MATTER_TYPES} types; 'fixed' = {FIXED_MATCHING} of the case's type; 'dense' = "
        f"{DENSE_MATCHING} of the case's type. resolve() warm; a fresh OrderView built and "
        "its first covering() (the index build)",
        title_justify="left",
    )
    table.add_column("series")
    table.add_column("entries", justify="right")
    table.add_column("of the case's type", justify="right")
    table.add_column(f"of which cover '{TRIGGER}'", justify="right")
    table.add_column("delegated µs", justify="right")
    table.add_column("NOT_DELEGATE µs", justify="right")
    table.add_column("fresh OrderView µs\n(build + index)", justify="right")
    table.add_column("of which\nthe index µs", justify="right")
    table.add_column("index ns / entry", justify="right", style="dim")
    for r in rows:
        table.add_row(
            r.series,
            f"{r.entries:,}",
            str(r.of_type),
            str(r.covering),
            f"{r.delegated.median:,.2f}",
            f"{r.not_delegate.median:,.2f}",
            f"{r.fresh_order.median:,.1f}",
            f"{r.index.median:,.1f}",
            f"{r.index.median * NS_PER_US / r.entries:,.0f}",
        )
    return table


def _scaling_summary(rows: list[ScaleRow]) -> list[str]:
    by = {(r.series, r.entries): r for r in rows}
    small, large = min(SCALES), max(SCALES)
    fixed_small, fixed_large = by[("fixed", small)], by[("fixed", large)]
    dense = by[("dense", large)]
    spread = [by[("spread", n)] for n in SCALES]
    growth = fixed_large.delegated.median / fixed_small.delegated.median
    size_ns = (
        (fixed_large.delegated.median - fixed_small.delegated.median) * NS_PER_US / (large - small)
    )
    extra = dense.of_type - fixed_large.of_type
    match_ns = (dense.delegated.median - fixed_large.delegated.median) * NS_PER_US / extra
    refuse_ns = (dense.not_delegate.median - fixed_large.not_delegate.median) * NS_PER_US / extra
    index_ns = (
        (by[("spread", large)].index.median - by[("spread", small)].index.median)
        * NS_PER_US
        / (large - small)
    )
    return [
        f"With the case's matter type held at {FIXED_MATCHING} points, {small:,} → {large:,} "
        f"entries takes a delegated resolution from {fixed_small.delegated.median:,.2f} "
        f"(repeats {fixed_small.delegated.spread()}) to {fixed_large.delegated.median:,.2f} µs "
        f"({fixed_large.delegated.spread()}), {growth:.2f}×, and a NOT_DELEGATE refusal from "
        f"{fixed_small.not_delegate.median:,.2f} to {fixed_large.not_delegate.median:,.2f} µs: "
        f"{size_ns:+,.1f} ns per entry of the order. What costs is the matching points: at "
        f"{large:,} entries, {extra} more points of the case's type ('dense' against 'fixed') "
        f"add about {match_ns:,.0f} ns each to a delegated resolution and {refuse_ns:,.0f} ns "
        "each to a NOT_DELEGATE refusal (both walk every covering point, for its delegate, its "
        "substitute and its subdelegations; the refusal also names them all). In 'spread' the "
        "points of the case's type grow with the order "
        f"({', '.join(str(r.of_type) for r in spread)}), and the resolution with them "
        f"({' → '.join(f'{r.delegated.median:,.2f}' for r in spread)} µs delegated).",
        "So resolution is O(entries that match), as the code says: covering() looks up (matter "
        "type, action) in the OrderView's index and filters only what it finds. The order's "
        "size is paid once per OrderView, when its first covering() builds the index: "
        + ", ".join(f"{r.index.median:,.1f} µs at {r.entries:,}" for r in spread)
        + f" entries (≈{index_ns:,.0f} ns per entry), on top of building the views "
        f"themselves ({', '.join(f'{r.fresh_order.median:,.1f}' for r in spread)} µs with "
        "it). The service builds one OrderView per request, so a transitions listing pays the "
        "index once and its available() calls share it.",
    ]


def _http_summary(
    http: HttpFigures, figures: list[ScenarioFigures], scaling: list[ScaleRow]
) -> list[str]:
    (_, plain), (_, listing) = http.rows
    lines = [
        f"Case {http.case_id} for the head of administration offers {len(http.options)} "
        f"trigger(s): {'; '.join(http.options)}."
    ]
    if plain.requests_per_s > 0 and listing.requests_per_s > 0:
        added_ms = (1 / listing.requests_per_s - 1 / plain.requests_per_s) * 1000
        lines.append(
            f"The transitions listing answers {listing.requests_per_s:,.1f} req/s against "
            f"{plain.requests_per_s:,.1f} for the case itself "
            f"({listing.requests_per_s / plain.requests_per_s:.2f}×): the machine spends about "
            f"{added_ms:,.2f} ms more wall time per request (1 / req/s, all parties sharing "
            f"its {machine_cores()} core(s))."
        )
        server_added: float | None = None
        if listing.cpu.server is not None and plain.cpu.server is not None:
            server_added = (
                listing.cpu.server / listing.requests_per_s
                - plain.cpu.server / plain.requests_per_s
            ) * 1000
            pg_added = (
                (listing.cpu.postgres or 0.0) / listing.requests_per_s
                - (plain.cpu.postgres or 0.0) / plain.requests_per_s
            ) * 1000
            lines.append(
                f"Server CPU per request: {plain.cpu.server / plain.requests_per_s * 1000:,.2f} "
                f"→ {listing.cpu.server / listing.requests_per_s * 1000:,.2f} ms "
                f"(+{server_added:,.2f} ms); PostgreSQL's: +{pg_added:,.2f} ms."
            )
        per_call = next(f for f in figures if f.scenario is AVAILABLE).warm.median
        at_size = next(r for r in scaling if r.series == "spread" and r.entries == ENTRIES)
        resolver_ms = (at_size.fresh_order.median + len(http.options) * per_call) / 1000
        share = ""
        if server_added is not None and server_added > 0:
            share = f", {resolver_ms / server_added:.1%} of the added server CPU"
        lines.append(
            f"The resolver's own share, from the in-process figures for a {ENTRIES}-entry order "
            "(the demo's orders are far smaller, so this overstates it): one fresh OrderView "
            f"with its index (≈{at_size.fresh_order.median:,.1f} µs) and {len(http.options)} "
            f"available() call(s) at ≈{per_call:,.1f} µs each, ≈{resolver_ms:,.3f} ms{share}. "
            "The rest is the listing's other work: its extra reads (the unit's ancestors, the "
            "matter type, recusals, the order in force with its entries and subdelegations, the "
            "current assessment revision), the absences the resolver asks the lazy lookup about "
            "(points the caller stands in for; a few queries each), the engine's options and their "
            "serialisation."
        )
    return lines


def run(args: BenchArgs) -> None:
    began = time.perf_counter()
    rows = entry_rows(ENTRIES)
    first_call_ns = _check(DELEGATED, rows)  # the first resolve() of this process
    for scenario in SCENARIOS[1:]:
        _check(scenario, rows)
    console.print(
        f"[dim]in process: {len(SCENARIOS)} scenarios, warm and cold, ≈{FIGURE_BUDGET_S:g} s "
        f"per figure; scaling {', '.join(f'{n:,}' for n in SCALES)} entries …[/dim]"
    )
    clock_ns = clock_read_ns()
    figures = measure_scenarios(rows, clock_ns)
    scaling = measure_scaling(clock_ns)

    http: HttpFigures | None = None
    try:
        http = measure_http(args)
    except OperationalError as exc:
        console.print(
            f"[yellow]PostgreSQL could not be reached ({str(exc).splitlines()[0]}); the HTTP "
            "part is skipped.[/yellow]",
            highlight=False,
        )

    console.print()
    console.print(_scenario_table(figures))
    console.print(
        f"warm: the same views, {BATCH} calls between looks at the clock. cold: CaseView, "
        f"ActorView and the OrderView of {ENTRIES} EntryViews and {len(sub_rows(rows))} "
        "SubViews built from plain rows (plus OrganView and Meeting for the organ decision), "
        "then one call, which builds the fresh OrderView's index at its first covering() (and "
        "the subdelegations' at the first passed_on()); 'of which the call' is timed around the "
        f"call alone, index builds included, less one clock read ({clock_ns:,.0f} ns). The "
        f"very first resolve() of this process took {first_call_ns / NS_PER_US:,.1f} µs (one "
        "sample, before the interpreter had specialised the code).",
        highlight=False,
    )
    console.print()
    console.print(_scale_table(scaling))
    for line in _scaling_summary(scaling):
        console.print(line, highlight=False)
    if http is not None:
        console.print()
        console.print(
            results_table(
                f"Case {http.case_id} in state 'decision', as the demo head of administration, "
                f"{args.clients_or(CONCURRENCY)} concurrent clients, PostgreSQL, one worker",
                http.rows,
            )
        )
        for line in _http_summary(http, figures, scaling):
            console.print(line, highlight=False)
        console.print(
            "Latencies are of 2xx answers, closed loop, after a "
            f"{DEFAULT_WARMUP_S:g} s unmeasured warm-up; CPU columns in cores busy."
        )
        console.print(sharing_note(machine_cores()))
        for note in http.notes:
            console.print(f"[yellow]{note}[/yellow]", highlight=False)
    console.print(f"[dim]authority benchmark took {time.perf_counter() - began:,.0f} s[/dim]")
