"""µs per authority resolution (300-entry order, 50 matter types; cold, warm) and its HTTP cost.

What: the pure resolver of ``app.delegation.authority`` in this process, no database, and then
the transitions endpoint against PostgreSQL.

(1) A delegation order of 300 entries over 50 matter types (six points per type: the manager of
    unit U1 for approve/reject up to 500 000 kr, then the head of administration, the managers
    of U2–U5 and the organ's chair in turn, with amount tiers and approve/reject/refer_back
    mixed; every seventh entry names a second matter type), a case of BUN in unit U1 (under
    ADM) of the first matter type at 250 000 kr, and four callers: the U1 manager (a delegate
    matching one entry), a case officer of U1 (no delegate), BUN's chair (urgent power) and
    BUN's secretary recording an organ decision (61 seats, 40 present, one recused). Per call:
    ``resolve(...)`` in each scenario and ``available(...)`` for a delegate and a non-delegate.
    "warm": repeated calls on the same views; "cold": the views built afresh (from plain rows,
    as ``app.cases.service.authority`` builds them from the ORM's) and then one call, the two
    timed together, and the call on those fresh views timed alone.
(2) Scaling: orders of 30, 300 and 3000 entries, (a) spread evenly over the 50 matter types (so
    the entries of the case's type grow with the order: 1, 6, 60) and (b) with the case's type
    held at six entries and the rest over the other 49 types, and (c) 3000 entries of which 600
    are of the case's type. (b) isolates the scan over the whole order; (c) − (b) is what the
    matching entries add.
(3) Over HTTP (fresh PostgreSQL database, the demo loaded from its start of term as the
    ``styrkedja`` command loads it, one uvicorn worker): requests/s of
    ``GET /api/v1/cases/{id}/transitions``, which computes the caller's authority for every
    trigger of the case's state, against ``GET /api/v1/cases/{id}`` (no authority work), for the
    demo head of administration on a demo case in state "decision", ``--concurrency`` clients
    for ``--duration`` seconds each. Skipped with a message when PostgreSQL cannot be reached.

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
from typing import Any

import httpx
from rich.table import Table
from sqlalchemy.exc import OperationalError

from app.delegation.authority import available, resolve
from app.delegation.meetings import Meeting, OrganView
from app.delegation.reasons import Reason, Refused
from app.delegation.rules import MatterFacts
from app.delegation.views import ActorView, AuthorityKind, CaseView, EntryView, Grant, OrderView
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

ORGAN = "BUN"
ADMIN = "ADM"
UNIT = "U1"  # the case's unit, under ADMIN
OTHER_UNITS = ("U2", "U3", "U4", "U5")
MATTER_TYPES = 50
ENTRIES = 300
SCALES = (30, 300, 3000)
FIXED_MATCHING = 6
DENSE_MATCHING = 600  # of the largest order, to weigh what a matching entry adds
TRIGGER = "approve"
CASE_AMOUNT_SEK = 250_000
SEATS = 61
PRESENT = 40
SUBSTITUTES = 30

DELEGATE_ID, OFFICER_ID, CHAIR_ID, SECRETARY_ID, PROPOSER_ID = 9001, 9002, 1, 9003, 9004
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


@dataclass(frozen=True)
class ActorRow:
    person_id: int
    kind: str
    memberships: tuple[tuple[str, str], ...]  # (organ, role)
    positions: tuple[tuple[str, str], ...]  # (unit, role)


ROTATION: tuple[dict[str, Any], ...] = (
    {"kind": "position", "role": "head_of_administration", "unit": ADMIN},
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
    manager's (approve/reject up to 500 000 kr), the others rotate delegates, steps and limits."""
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
    """``total`` entries. Spread evenly (entry i is of type i mod ``types``) unless ``matching``
    is given: then exactly that many of the case's type, the rest over the other types."""
    rows = []
    for i in range(total):
        if matching is None:
            matter, nth = i % types, i // types
        elif i < matching:
            matter, nth = 0, i
        else:
            j = i - matching
            matter, nth = 1 + j % (types - 1), j // (types - 1)
        rows.append(_row(i, matter, nth, types))
    return rows


DELEGATE = ActorRow(DELEGATE_ID, "employee", (), ((UNIT, "unit_manager"),))
OFFICER = ActorRow(OFFICER_ID, "employee", (), ((UNIT, "case_officer"),))
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
    )


def actor_view(row: ActorRow) -> ActorView:
    return ActorView(
        person_id=row.person_id,
        kind=row.kind,
        seats=frozenset(row.memberships),
        posts=frozenset(row.positions),
        recused=row.person_id in RECUSED,
    )


def order_view(rows: list[EntryRow]) -> OrderView:
    entries = tuple(
        EntryView(
            e.code,
            tuple(e.matter_types),
            tuple(e.actions),
            e.delegate,
            e.amount_limit_sek,
            e.report_to_organ,
        )
        for e in rows
    )
    return OrderView(3, entries)


MEMBER_IDS = range(1, SEATS + 1)  # the chair is 1
SUBSTITUTE_IDS = range(101, 101 + SUBSTITUTES)
PRESENT_IDS = range(1, PRESENT + 1)


def organ_view() -> OrganView:
    return OrganView(
        code=ORGAN,
        seats=SEATS,
        members=frozenset(MEMBER_IDS),
        substitutes=frozenset(SUBSTITUTE_IDS),
        recused=RECUSED,
    )


def meeting() -> Meeting:
    return Meeting(date(2026, 10, 15), "§ 12", frozenset(PRESENT_IDS), frozenset())


def build(rows: list[EntryRow], actor: ActorRow, *, with_meeting: bool = False) -> Views:
    """Every view one resolution needs, made afresh (the meeting's only for organ decisions)."""
    return Views(
        case_view(),
        actor_view(actor),
        order_view(rows),
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
        details = ", ".join(
            f"{k} {v}" for k, v in outcome.details.items() if k in ("entry", "counted")
        )
        return f"{outcome.kind.value}{f' ({details})' if details else ''}"
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


SCENARIOS = (
    Scenario(
        "resolve: delegated (U1 manager, no kind asked)",
        DELEGATE,
        _resolving(None),
        "delegated_decision (entry 1.1)",
    ),
    Scenario(
        "resolve: refused (case officer, no kind asked)",
        OFFICER,
        _resolving(None),
        "refused NOT_OPERATIONAL + NOT_DELEGATE",
    ),
    Scenario(
        "resolve: urgent (chair)",
        CHAIR,
        _resolving(AuthorityKind.urgent_decision),
        "urgent_decision",
    ),
    Scenario(
        f"resolve: organ decision ({SEATS} seats, {PRESENT} present)",
        SECRETARY,
        _resolving(AuthorityKind.organ_decision),
        f"organ_decision (counted {PRESENT - len(RECUSED)})",
        with_meeting=True,
    ),
    Scenario("available: delegate", DELEGATE, _available, "kinds delegated_decision"),
    Scenario(
        "available: non-delegate",
        OFFICER,
        _available,
        "none: NOT_OPERATIONAL + NOT_DELEGATE + URGENT_POWER_NOT_HELD",
    ),
)
DELEGATED, NOT_DELEGATE, AVAILABLE = SCENARIOS[0], SCENARIOS[1], SCENARIOS[4]


def _check(scenario: Scenario, rows: list[EntryRow]) -> int:
    """Before any timing: the scenario ends as expected. Returns the call's ns (one sample)."""
    views = build(rows, scenario.actor, with_meeting=scenario.with_meeting)
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


def measure_cold(
    rows: list[EntryRow], scenario: Scenario, clock_ns: float
) -> tuple[Figure, Figure]:
    """Fresh views every time, then one call on them: µs per build + call, and µs per call alone
    (timed around the call, one clock read, ``clock_ns``, taken off)."""

    def loop(budget_s: float) -> tuple[int, int, int]:
        clock = time.perf_counter_ns
        start = clock()
        deadline, calls, in_calls = start + int(budget_s * 1e9), 0, 0
        while calls < MAX_CALLS and clock() < deadline:
            views = build(rows, scenario.actor, with_meeting=scenario.with_meeting)
            before = clock()
            scenario.call(views)
            in_calls += clock() - before
            calls += 1
        return clock() - start, calls, in_calls

    loop(WARMUP_S)
    totals: list[float] = []
    alone: list[float] = []
    calls = 0
    for _ in range(REPEATS):
        gc.collect()
        elapsed_ns, calls, in_calls = loop(FIGURE_BUDGET_S / REPEATS)
        totals.append(elapsed_ns / NS_PER_US / max(calls, 1))
        alone.append((in_calls / max(calls, 1) - clock_ns) / NS_PER_US)
    return Figure(tuple(totals), calls), Figure(tuple(alone), calls)


@dataclass(frozen=True)
class ScenarioFigures:
    scenario: Scenario
    warm: Figure
    cold: Figure  # build + call
    cold_call: Figure  # the call alone, on fresh views


def measure_scenarios(rows: list[EntryRow], clock_ns: float) -> list[ScenarioFigures]:
    found = []
    for scenario in SCENARIOS:
        views = build(rows, scenario.actor, with_meeting=scenario.with_meeting)
        warm = _measure(warm_loop(scenario.call, views), FIGURE_BUDGET_S)
        cold, cold_call = measure_cold(rows, scenario, clock_ns)
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


SCALINGS: tuple[tuple[str, int, int | None], ...] = (
    *(("spread", total, None) for total in SCALES),
    *(("fixed", total, FIXED_MATCHING) for total in SCALES),
    ("dense", max(SCALES), DENSE_MATCHING),
)


def measure_scaling() -> list[ScaleRow]:
    found = []
    for series, total, matching in SCALINGS:
        rows = entry_rows(total, matching=matching)
        of_type = [r for r in rows if TARGET in r.matter_types]
        covering = sum(TRIGGER in r.actions for r in of_type)
        figures = []
        for scenario in (DELEGATED, NOT_DELEGATE):
            _check(scenario, rows)
            views = build(rows, scenario.actor)
            figures.append(_measure(warm_loop(scenario.call, views), SCALE_BUDGET_S))
        found.append(ScaleRow(series, total, len(of_type), covering, *figures))
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
                    concurrency=args.concurrency,
                    duration=args.duration,
                    server_pid=service.pid,
                    database=database.name,
                )
                rows.append(({"endpoint": label, "concurrency": str(args.concurrency)}, result))
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
        title=f"Scaling, warm, µs per resolve() call (median of {REPEATS}): 'spread' = entries "
        f"evenly over {MATTER_TYPES} types; 'fixed' = {FIXED_MATCHING} of the case's type; "
        f"'dense' = {DENSE_MATCHING} of the case's type",
        title_justify="left",
    )
    table.add_column("series")
    table.add_column("entries", justify="right")
    table.add_column("of the case's type", justify="right")
    table.add_column(f"of which cover '{TRIGGER}'", justify="right")
    table.add_column("delegated µs", justify="right")
    table.add_column("NOT_DELEGATE µs", justify="right")
    table.add_column("delegated ns / entry", justify="right", style="dim")
    for r in rows:
        table.add_row(
            r.series,
            f"{r.entries:,}",
            str(r.of_type),
            str(r.covering),
            f"{r.delegated.median:,.2f}",
            f"{r.not_delegate.median:,.2f}",
            f"{r.delegated.median * NS_PER_US / r.entries:,.1f}",
        )
    return table


def _scaling_summary(rows: list[ScaleRow]) -> list[str]:
    by = {(r.series, r.entries): r for r in rows}
    small, large = min(SCALES), max(SCALES)
    fixed_small, fixed_large = by[("fixed", small)], by[("fixed", large)]
    dense = by[("dense", large)]
    at_size = by[("spread", ENTRIES)]
    scan_ns = (
        (fixed_large.delegated.median - fixed_small.delegated.median) * NS_PER_US / (large - small)
    )
    extra = dense.of_type - fixed_large.of_type
    match_ns = (dense.delegated.median - fixed_large.delegated.median) * NS_PER_US / extra
    refuse_ns = (dense.not_delegate.median - fixed_large.not_delegate.median) * NS_PER_US / extra
    growth = fixed_large.delegated.median / fixed_small.delegated.median
    return [
        f"With the case's matter type held at {FIXED_MATCHING} entries, {small:,} → {large:,} "
        f"entries makes a delegated resolution {growth:.1f}× as slow: about {scan_ns:,.0f} ns "
        f"for every entry of the order, matching or not. At {large:,} entries, {extra} more "
        f"entries of the case's type ('dense' against 'fixed') add about {match_ns:,.0f} ns "
        f"each to a delegated resolution and {refuse_ns:,.0f} ns each to a NOT_DELEGATE refusal "
        "(which lists every covering point). In 'spread' both grow together; there the "
        f"{MATTER_TYPES}-type order has so few matching entries that the scan dominates.",
        "So, by the code and by the figures, resolution is O(entries), not O(matching entries): "
        "delegated() filters the whole order with a list comprehension (`matter in "
        "e.matter_types and trigger in e.actions` for every entry); only the delegate and amount "
        "checks after it are O(covering entries). An index by (matter type, action) built with "
        f"the OrderView would make it O(matching); at {ENTRIES} entries the scan is about "
        f"{scan_ns * ENTRIES / NS_PER_US:,.0f} µs of the {at_size.delegated.median:,.0f} µs a "
        "delegated resolution takes.",
    ]


def _http_summary(http: HttpFigures, figures: list[ScenarioFigures]) -> list[str]:
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
        resolver_ms = len(http.options) * per_call / 1000
        share = ""
        if server_added is not None and server_added > 0:
            share = f", {resolver_ms / server_added:.1%} of the added server CPU"
        lines.append(
            f"The resolver's own share: {len(http.options)} available() call(s) at "
            f"≈{per_call:,.1f} µs each with a {ENTRIES}-entry order (the demo's BUN order is "
            f"far smaller) is ≈{resolver_ms:,.3f} ms{share}. The rest is the listing's other "
            "work: the extra reads (the unit's ancestors, the matter type, recusals, the order "
            "in force with its entries, the current assessment revision), the engine's options "
            "and the options' serialisation."
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
    scaling = measure_scaling()

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
        f"ActorView and the OrderView of {ENTRIES} EntryViews built from plain rows (plus "
        "OrganView and Meeting for the organ decision), then one call; 'of which the call' is "
        "timed around the call alone, less one clock read "
        f"({clock_ns:,.0f} ns). The very first resolve() of this process took "
        f"{first_call_ns / NS_PER_US:,.1f} µs (one sample, before the interpreter had "
        "specialised the code).",
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
                f"{args.concurrency} concurrent clients, PostgreSQL, one worker",
                http.rows,
            )
        )
        for line in _http_summary(http, figures):
            console.print(line, highlight=False)
        console.print(
            "Latencies are of 2xx answers, closed loop, after a "
            f"{DEFAULT_WARMUP_S:g} s unmeasured warm-up; CPU columns in cores busy."
        )
        console.print(sharing_note(machine_cores()))
        for note in http.notes:
            console.print(f"[yellow]{note}[/yellow]", highlight=False)
    console.print(f"[dim]authority benchmark took {time.perf_counter() - began:,.0f} s[/dim]")
