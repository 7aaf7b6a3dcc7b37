"""Scale: transitions and a list query at 10k and at 1M cases (~10 events each), loaded by COPY.

What, for each size of ``--cases`` (default 10,000 and 1,000,000), in a fresh database: the demo,
then that many cases loaded by ``bench.generate`` (spread over organs, units, matter types and
states, ~10 events each on a valid hash chain, diary numbers unique per organ and year; its
throughput is printed), then VACUUM (ANALYZE). A sample of the loaded chains is verified with the
audit service and with ``styrkedja audit verify --case ID``. Then the service (one uvicorn
worker unless ``--workers`` says otherwise) answers:

(1) transitions: ``--concurrency`` clients (default 32) triage distinct cases in state
    'proposed' chosen at random over the whole table (as ``transitions_http``), for
    ``--duration`` seconds;
(2) a typical list: ``GET /api/v1/cases?state=implementation&organ=BUN&limit=50`` as a case
    officer of BUN's administration (whose sight adds the confidential cases of the unit's
    subtree to the query), one client, its first page and the page 10,000 rows deep, reached by
    following ``next`` (the cursor is opaque), each requested ``LIST_REPEATS`` times; and the
    same query in raw SQL through psycopg (``RAW_LIST``: what the endpoint runs today, as
    captured from its service; at run time the statements of both pages are captured again and
    compared, and a difference is reported), first page and deep page (the deep page's ``id >``
    taken from the previous page's last item), with EXPLAIN ANALYZE.

Targets (#5): transitions at 1M ≥ 0.9 × at 10k; the deep page ≤ 1.5 × the first; the list's
p50 ≤ 3 × the raw query's. Where the filter leaves fewer than 10,050 rows (at 10k), the deepest
page there is is used and the output says so.
"""

from __future__ import annotations

import gc
import os
import random
import re
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import psycopg
from rich.table import Table
from sqlalchemy import event

from app.audit import service as audit
from app.auth.service import person_principal
from app.cases.list_query import Sort
from app.cases.schemas import CaseQuery
from app.cases.service import listing
from app.cases.service.deadlines import due_at
from app.db import make_engine, make_sessionmaker, session_scope
from app.kit.pagination import Position, encode_position
from app.organisation import repository as org_repo
from app.workflows.registry import engine_for
from bench.generate import Generated, generate
from bench.harness import (
    BenchArgs,
    BenchDatabase,
    RunningService,
    console,
    fresh_database,
    machine_cores,
    running_service,
    sharing_note,
    styrkedja_executable,
)
from bench.transitions_http import Heads, http_triage
from bench.versus import Measured, Pool, measure_http

CONCURRENCY = 32
WORKERS = 1
ORGAN, STATE, LIMIT = "BUN", "implementation", 50
DEPTH = 10_000
LIST_REPEATS = 60
READER_UNIT = "UTB-GRU"  # the list is read by a case officer of this department
VERIFIED_SAMPLE = 20
CLI_VERIFIED = 3

RAW_LIST = """
WITH RECURSIVE units_within(id) AS (
    SELECT units.id AS id FROM units WHERE units.id IN (%(unit)s)
    UNION SELECT units.id AS id FROM units, units_within WHERE units.parent_id = units_within.id
)
SELECT cases.id, cases.diary_number, cases.diary_sort_key, cases.title, cases.description,
    cases.problem, cases.organ_id, cases.unit_id, cases.matter_type, cases.origin,
    cases.origin_case_id, cases.estimated_cost_sek, cases.flags, cases.appeal_route,
    cases.confidential, cases.secrecy_provision, cases.secrecy_marked_on,
    cases.secrecy_marked_by, cases.case_officer_person_id, cases.workflow_id, cases.state,
    cases.route, cases.assessment_level, cases.pending_referral, cases.due_at,
    cases.priority_period, cases.priority_score, cases.priority_rank, cases.last_event_seq,
    cases.last_event_hash, cases.version, cases.registered_by_person_id,
    cases.registered_by_api_key_id, cases.created_at, cases.updated_at,
    workflow_definitions.key AS workflow_key, workflow_definitions.version AS workflow_version,
    workflow_definitions.checksum AS workflow_checksum, organs.code AS organ_code,
    units.code AS unit_code
FROM cases JOIN workflow_definitions ON workflow_definitions.id = cases.workflow_id
    JOIN organs ON organs.id = cases.organ_id
    LEFT OUTER JOIN units ON units.id = cases.unit_id
WHERE (cases.confidential = false OR cases.unit_id IN (SELECT units_within.id FROM units_within)
        OR cases.registered_by_person_id = %(person)s
        OR cases.case_officer_person_id = %(person)s)
    AND cases.state IN (%(state)s)
    AND cases.organ_id = (SELECT organs.id FROM organs WHERE organs.code = %(organ)s) {after}
ORDER BY cases.id ASC, cases.id ASC
LIMIT %(limit)s
"""
"""``GET /api/v1/cases?state=…&organ=…`` (default order: registration, i.e. id) for a caller
with a position in one unit, as the endpoint runs it (``app.cases.search.search``, captured with
a SQLAlchemy cursor listener): the caller's sight as a recursive walk down from their unit, or
the cases they registered or are case officer of; the case's columns with its workflow's key,
version and checksum and its organ's and unit's codes joined; the organ by its code,
in a scalar subquery (the endpoint looks no id up first); keyset on id (the deep page adds
``AND cases.id > …``); one row more than the page, to know if another follows."""


@dataclass
class ListFigures:
    matching: int
    depth: int  # rows before the deep page
    first_ms: list[float]
    deep_ms: list[float]
    raw_first_ms: list[float]
    raw_deep_ms: list[float]
    plan_first: list[str]
    plan_deep: list[str]
    sql_matches: bool
    captured: str  # the statements that differ from RAW_LIST (empty when both match)


@dataclass
class SizeFigures:
    size: int
    generated: Generated
    transitions: Measured
    listing: ListFigures
    verified: str
    notes: list[str] = field(default_factory=list)


def p50(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextmanager
def _still_heap() -> Iterator[None]:
    """This process's garbage collector leaves what exists now alone while the list is timed.

    By then the process holds the load's generated population and the transitions' client
    state: a collection walking all of it would land in some request's time, on the API's side
    (which allocates more per request, for its JSON) more often than on the raw side's."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _timed_get(client: httpx.Client, url: str, headers: dict[str, str]) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.text[:300]}")
    return elapsed, response.json()


def _raw_params(reader: dict[str, Any], after: int | None) -> tuple[str, dict[str, Any]]:
    query = RAW_LIST.replace("{after}", "AND cases.id > %(after)s" if after is not None else "")
    params = {**reader, "state": STATE, "limit": LIMIT + 1, "after": after}
    return query, params


def _raw_times(conninfo: str, reader: dict[str, Any], after: int | None) -> list[float]:
    query, params = _raw_params(reader, after)
    times = []
    with psycopg.connect(conninfo) as connection, _still_heap():
        for n in range(LIST_REPEATS + 5):
            started = time.perf_counter()
            connection.execute(query, params).fetchall()
            if n >= 5:  # the first runs plan it and warm the cache (psycopg prepares it too)
                times.append((time.perf_counter() - started) * 1000)
            connection.rollback()
    return times


def _plan(conninfo: str, reader: dict[str, Any], after: int | None) -> list[str]:
    query, params = _raw_params(reader, after)
    with psycopg.connect(conninfo) as connection:
        rows = connection.execute("EXPLAIN (ANALYZE, BUFFERS) " + query, params).fetchall()
    return [row[0] for row in rows]


def _normal(sql: str) -> str:
    sql = re.sub(r"%\(\w+\)s(::(INTEGER|VARCHAR|BOOLEAN|DATE|JSON))?", "?", sql)
    sql = re.sub(r"\s+", " ", sql).strip()
    return sql.replace("( ", "(").replace(" )", ")")


def captured_list_sql(database: BenchDatabase, person_id: int, after: int | None) -> str:
    """The cases statement the endpoint's service emits for this list today (SQLAlchemy,
    in-process), for the first page or the page after case ``after``."""
    engine = make_engine(database.url)
    seen: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "FROM cases" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", keep)
    cursor = (
        encode_position(Position(sort=Sort.created.value, value=None, id=after))
        if after is not None
        else None
    )
    query = CaseQuery(state=[STATE], organ=[ORGAN], limit=LIMIT, cursor=cursor)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            person = org_repo.person_by_id(session, person_id)
            assert person is not None
            principal = person_principal(session, person, date.today())
            listing.list_cases(session, principal, query, LIMIT)
    finally:
        engine.dispose()
    return seen[-1] if seen else ""


def _differing(database: BenchDatabase, reader: dict[str, Any], last_id: int | None) -> str:
    """The captured statements of the first and the deep page that differ from RAW_LIST's."""
    differing = []
    for after in (None, last_id) if last_id is not None else (None,):
        captured = captured_list_sql(database, reader["person"], after)
        if _normal(captured) != _normal(_raw_params(reader, after)[0]):
            differing.append(captured)
    return "\n\n".join(differing)


def measure_list(
    service: RunningService, database: BenchDatabase, reader: dict[str, Any], username: str
) -> ListFigures:
    headers = {"Authorization": f"Bearer {service.token(username)}"}
    first_url = f"{service.base_url}/api/v1/cases?state={STATE}&organ={ORGAN}&limit={LIMIT}"
    with httpx.Client(trust_env=False, timeout=60) as client, _still_heap():
        _, page = _timed_get(client, first_url, headers)
        url, depth, last_id = first_url, 0, None
        while page["next"] and depth + LIMIT <= DEPTH:
            last_id = page["items"][-1]["id"]
            url, depth = page["next"], depth + LIMIT
            _, page = _timed_get(client, url, headers)
        first_ms: list[float] = []
        deep_ms: list[float] = []
        for n in range(LIST_REPEATS + 3):
            for target, times in ((first_url, first_ms), (url, deep_ms)):
                elapsed, _ = _timed_get(client, target, headers)
                if n >= 3:
                    times.append(elapsed)
    with psycopg.connect(database.conninfo) as connection:
        matching = connection.execute(
            "SELECT count(*) FROM cases JOIN organs ON organs.id = cases.organ_id "
            "WHERE organs.code = %s AND cases.state = %s",
            (ORGAN, STATE),
        ).fetchone()[0]  # type: ignore[index]
    captured = _differing(database, reader, last_id)
    return ListFigures(
        matching=matching,
        depth=depth,
        first_ms=first_ms,
        deep_ms=deep_ms,
        raw_first_ms=_raw_times(database.conninfo, reader, None),
        raw_deep_ms=_raw_times(database.conninfo, reader, last_id),
        plan_first=_plan(database.conninfo, reader, None),
        plan_deep=_plan(database.conninfo, reader, last_id),
        sql_matches=not captured,
        captured=captured,
    )


def verify_loaded(database: BenchDatabase, generated: Generated) -> str:
    """Chains of a sample of the loaded cases: with the audit service, and a few with the CLI."""
    rng = random.Random(7)
    sample = rng.sample(range(generated.first_case_id, generated.last_case_id + 1), VERIFIED_SAMPLE)
    engine = make_engine(database.url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            reports = [audit.verify(session, case_id) for case_id in sample]
    finally:
        engine.dispose()
    broken = [link for report in reports for link in report.broken]
    late = _deadlines_differ(database, sample)
    events = sum(report.events_checked for report in reports)
    env = {k: v for k, v in os.environ.items() if not k.startswith("STYRKEDJA_")}
    env["STYRKEDJA_DATABASE_URL"] = database.url
    codes = [
        subprocess.run(
            [styrkedja_executable(), "audit", "verify", "--case", str(case_id)],
            env=env, capture_output=True, timeout=120, check=False,
        ).returncode
        for case_id in sample[:CLI_VERIFIED]
    ]  # fmt: skip
    verdict = "all intact" if not broken and not any(codes) else f"BROKEN {broken[:3]} {codes}"
    return (
        f"{VERIFIED_SAMPLE} loaded cases ({events} events) verified with the audit service and "
        f"{CLI_VERIFIED} with `styrkedja audit verify --case` (exit codes {codes}): {verdict}; "
        "their due_at recomputed from their events by app.cases.service.deadlines: "
        + (f"DIFFERS for cases {late}" if late else "all equal")
    )


def _deadlines_differ(database: BenchDatabase, case_ids: list[int]) -> list[int]:
    """The cases whose due_at is not what the service would have written: the limit of their
    state counted from their last change of state (and their registration)."""
    differing = []
    with psycopg.connect(database.conninfo) as connection:
        for case_id in case_ids:
            row = connection.execute(
                "SELECT c.state, c.origin, c.created_at, c.due_at, w.body, w.checksum, "
                "(SELECT max(e.created_at) FROM case_events e WHERE e.case_id = c.id "
                "AND e.to_state IS DISTINCT FROM e.from_state) "
                "FROM cases c JOIN workflow_definitions w ON w.id = c.workflow_id WHERE c.id = %s",
                (case_id,),
            ).fetchone()
            assert row is not None
            state, origin, created_at, stored, body, checksum, entered_at = row
            expected = due_at(
                engine_for(body, checksum).definition,
                state=state,
                origin=origin,
                entered_at=entered_at,
                registered_at=created_at,
            )
            if expected != stored:
                differing.append(case_id)
    return differing


def measure_size(args: BenchArgs, size: int) -> SizeFigures:
    clients = args.clients_or(CONCURRENCY)
    workers = (args.workers or (WORKERS,))[0]
    with fresh_database(args.postgres_url) as database:
        console.print(f"[dim]{size:,} cases: loading into {database.name} …[/dim]")
        generated = generate(database.conninfo, size)
        console.print(
            f"[dim]loaded {generated.cases:,} cases, {generated.events:,} events, "
            f"{generated.revisions:,} assessment revisions ({generated.megabytes:,.0f} MB of COPY "
            f"data) in {generated.load_s:.1f} s, VACUUM (ANALYZE) and CHECKPOINT "
            f"{generated.vacuum_s:.1f} s[/dim]"
        )
        verified = verify_loaded(database, generated)
        population = generated.population
        assert population is not None
        bun = population.organs[ORGAN]
        department = min(
            (d for d in bun.departments if d.officer is not None),
            key=lambda d: d.code != READER_UNIT,
        )
        assert department.officer is not None
        reader = {"unit": department.id, "person": department.officer, "organ": ORGAN}
        heads = Heads(generated)
        cases = list(generated.proposed)
        random.Random(size).shuffle(cases)
        transitions = measure_http(
            database,
            label=f"{size:,} cases: triage, {workers} worker{'s' if workers > 1 else ''}",
            workers=workers,
            clients=clients,
            duration=args.duration,
            call=http_triage(Pool(cases), heads, idempotent=False),
        )
        with running_service(database.url, workers=workers) as service:
            console.print(f"[dim]{size:,} cases: list, first page and {DEPTH:,} rows deep …[/dim]")
            listing = measure_list(
                service, database, reader, population.usernames[department.officer]
            )
    return SizeFigures(size, generated, transitions, listing, verified)


def _main_plan(lines: list[str]) -> list[str]:
    """The plan without the sight's CTE (the walk down the unit tree: a handful of rows)."""
    kept: list[str] = []
    cte_depth = None
    for line in lines:
        depth = len(line) - len(line.lstrip())
        if cte_depth is not None and depth > cte_depth:
            continue
        cte_depth = depth if line.strip().startswith("CTE ") else None
        if cte_depth is None:
            kept.append(line)
    return kept


def _f(value: float, digits: int = 1) -> str:
    return "–" if value != value else f"{value:,.{digits}f}"  # nan


def cpu_ms(cores: float | None, rate: float) -> float:
    """CPU milliseconds per transition: what neighbours on the machine cannot skew the way they
    skew the rate (they take cores away, not work)."""
    return float("nan") if cores is None or rate <= 0 else cores / rate * 1000


def _tables(figures: list[SizeFigures]) -> list[Table]:
    loading = Table(title="Loading (bench/generate.py: COPY, one process)", title_justify="left")
    for name in (
        "cases", "events", "events/case", "revisions", "COPY MB", "load s", "cases/s",
        "events/s", "VACUUM + CHECKPOINT s",
    ):  # fmt: skip
        loading.add_column(name, justify="right")
    moving = Table(title="Transitions (triage, distinct random cases)", title_justify="left")
    for name in ("cases", "transitions/s", "p50 ms", "p99 ms", "errors", "server", "PG", "other",
                 "server CPU ms each", "PG CPU ms each", "peak RSS MB"):  # fmt: skip
        moving.add_column(name, justify="right")
    listing = Table(
        title=f"GET /api/v1/cases?state={STATE}&organ={ORGAN}&limit={LIMIT}, one client, p50 ms",
        title_justify="left",
    )
    for name in (
        "cases", "matching", "deep page at", "API first", "API deep", "deep ÷ first",
        "raw first", "raw deep", "API ÷ raw (first)", "API ÷ raw (deep)",
    ):  # fmt: skip
        listing.add_column(name, justify="right")
    for f in figures:
        g, r, lf = f.generated, f.transitions.result, f.listing
        loading.add_row(
            f"{g.cases:,}", f"{g.events:,}", _f(g.events_per_case), f"{g.revisions:,}",
            _f(g.megabytes, 0), _f(g.load_s), _f(g.cases / g.load_s, 0),
            _f(g.events / g.load_s, 0), _f(g.vacuum_s),
        )  # fmt: skip
        moving.add_row(
            f"{f.size:,}", _f(r.successes_per_s), _f(r.p50), _f(r.p99), str(r.errors),
            _f(r.cpu.server or 0, 2), _f(r.cpu.postgres or 0, 2), _f(r.cpu.other or 0, 2),
            _f(cpu_ms(r.cpu.server, r.successes_per_s)),
            _f(cpu_ms(r.cpu.postgres, r.successes_per_s)), _f(f.transitions.peak_rss_mb, 0),
        )  # fmt: skip
        first, deep = p50(lf.first_ms), p50(lf.deep_ms)
        raw_first, raw_deep = p50(lf.raw_first_ms), p50(lf.raw_deep_ms)
        listing.add_row(
            f"{f.size:,}", f"{lf.matching:,}", f"{lf.depth:,}", _f(first), _f(deep),
            _f(deep / first, 2), _f(raw_first, 2), _f(raw_deep, 2), _f(first / raw_first),
            _f(deep / raw_deep),
        )  # fmt: skip
    return [loading, moving, listing]


def _verdicts(figures: list[SizeFigures]) -> list[str]:
    lines = []
    small, large = figures[0], figures[-1]
    if len(figures) > 1:
        small_r, large_r = small.transitions.result, large.transitions.result
        ratio = large_r.successes_per_s / small_r.successes_per_s
        work = cpu_ms(large_r.cpu.server, large_r.successes_per_s) / cpu_ms(
            small_r.cpu.server, small_r.successes_per_s
        )
        lines.append(
            f"transitions at {large.size:,} ÷ at {small.size:,}: {ratio:.2f} (target ≥ 0.9: "
            f"{'met' if ratio >= 0.9 else 'MISSED'}); the server's CPU per transition at "
            f"{large.size:,} ÷ at {small.size:,}: {work:.2f} (with the server's cores to itself "
            f"the rates would compare about as {1 / work:.2f})"
        )
    for f in figures:
        lf = f.listing
        first, deep = p50(lf.first_ms), p50(lf.deep_ms)
        over_first, over_deep = first / p50(lf.raw_first_ms), deep / p50(lf.raw_deep_ms)
        where = (
            f"{lf.depth:,} rows deep"
            if lf.depth >= DEPTH
            else f"{lf.depth:,} rows deep, the deepest page of the {lf.matching:,} that match"
        )
        lines.append(
            f"{f.size:,} cases: deep page ({where}) ÷ first page: {deep / first:.2f} (target ≤ "
            f"1.5: {'met' if deep <= 1.5 * first else 'MISSED'}); list p50 ÷ raw SQL p50: first "
            f"{over_first:.1f}, deep {over_deep:.1f} (target ≤ 3: "
            f"{'met' if max(over_first, over_deep) <= 3 else 'MISSED'})"
        )
        rss = f.transitions.peak_rss_mb
        lines.append(
            f"{f.size:,} cases: worker peak RSS under the transitions' load {rss:.0f} MB (target "
            f"≤ 150: {'met' if rss <= 150 else 'MISSED'})"
        )
    return lines


def run(args: BenchArgs) -> None:
    began = time.perf_counter()
    figures = [measure_size(args, size) for size in sorted(args.cases)]
    console.print()
    for table in _tables(figures):
        console.print(table)
    for line in _verdicts(figures):
        console.print(line, highlight=False)
    for f in figures:
        console.print(f.verified, highlight=False)
        for note in f.transitions.notes:
            console.print(f"[yellow]{note}[/yellow]", highlight=False)
        if not f.listing.sql_matches:
            console.print(
                "[yellow]The list statement the repository emits today differs from RAW_LIST "
                "(the raw comparison may be stale):[/yellow]\n" + f.listing.captured[:3000],
                highlight=False,
            )
    largest = figures[-1].listing
    console.print(f"EXPLAIN ANALYZE of the raw list at {figures[-1].size:,} cases, first page:")
    console.print("\n".join("    " + line for line in _main_plan(largest.plan_first)))
    console.print(f"… and {largest.depth:,} rows deep:")
    console.print("\n".join("    " + line for line in _main_plan(largest.plan_deep)))
    console.print(
        "List latencies: wall time of one request after the previous one answered, "
        f"{LIST_REPEATS} requests each (first and deep page alternating), after 3 unmeasured; "
        f"raw SQL likewise through psycopg. Transitions: {args.clients_or(CONCURRENCY)} clients, "
        f"{args.duration:g} s after a 2 s warm-up. {sharing_note(machine_cores())}",
        highlight=False,
    )
    console.print(f"[dim]scale benchmark took {time.perf_counter() - began:,.0f} s[/dim]")
