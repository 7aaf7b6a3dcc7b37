"""Registrations over HTTP (32 clients) against the same writes in raw SQL.

What: the demo's registrar registers new cases (``POST /api/v1/cases``), each client in one of
the demo's four committees and boards (BUN, SN, KS, TN; client n in the n-th modulo four), in
a department of its administration, each case with its own title. Per request the service
authenticates the caller (one statement), reads the organ, the unit with the organs it serves
and the newest version of the workflow (one statement each), takes the next number of the
organ's diary series for the year (an upsert that locks the series row until the commit, so
registrations in one organ queue there), inserts the case in a savepoint (with its diary sort
key and its deadline, which the workflow version's limits give: none for a case of origin
operations in 'proposed' under measure v2), seals its first event (``registered``, the request
and the number given), sets the case's chain head and writes the event's outbox row, commits
and answers the case: 13 statements with BEGIN, the savepoint's two and COMMIT, one
transaction (and the pool's ping of the connection).

Raw SQL: psycopg 3 from as many threads, each on its own connection, doing exactly those writes:
the series upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING last_seq``), ``INSERT`` the case
(``RETURNING id``; its ``diary_sort_key`` by ``app.cases.list_query.sort_key`` and its ``due_at`` by
``app.cases.service.deadlines.due_at``, as the API computes them), ``UPDATE`` its chain head,
``INSERT`` the event sealed by ``app.audit.chain.seal``, ``COMMIT``. (The API also wraps the
case's insert in a savepoint, to answer a taken diary number with 409; a round trip, not a
write, so the baseline leaves it out.)

Configurations: 1 and 2 uvicorn workers (``--workers``) and raw SQL, ``--concurrency`` clients
(default 32) for ``--duration`` seconds after a 2 s warm-up. Afterwards every series must be
gapless and without duplicates (1..n in each organ and year), and a sample of the new cases'
chains must verify. Targets (#5): the API at ≥ 0.35 × the raw rate; a worker's peak RSS ≤ 150 MB.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

import httpx
import psycopg

from app.audit import service as audit
from app.audit.chain import GENESIS, seal
from app.cases.list_query import sort_key
from app.cases.service.deadlines import due_at
from app.db import make_engine, make_sessionmaker, session_scope
from app.demo.loader import demo_cast
from app.kit.clock import today, utcnow
from bench.generate import Population, read_population
from bench.harness import BenchArgs, BenchDatabase, RunningService, console, fresh_database
from bench.versus import (
    HttpCall,
    Measured,
    SqlWork,
    comparison_table,
    measure_http,
    measure_raw,
    print_verdict,
)

CONCURRENCY = 32
WORKER_COUNTS = (1, 2)
RSS_TARGET_MB = 150.0
ORGANS = ("BUN", "SN", "KS", "TN")
PROBLEM = "Behovet har ökat snabbare än kapaciteten."
COST = 350_000
VERIFIED = 100

SERIES = (
    "INSERT INTO diary_series (organ_id, year, last_seq) VALUES (%s, %s, 1) "
    "ON CONFLICT (organ_id, year) DO UPDATE SET last_seq = diary_series.last_seq + 1 "
    "RETURNING last_seq"
)
INSERT_CASE = (
    "INSERT INTO cases (diary_number, diary_sort_key, title, description, problem, organ_id, "
    "unit_id, matter_type, origin, origin_case_id, estimated_cost_sek, flags, appeal_route, "
    "confidential, secrecy_provision, secrecy_marked_on, secrecy_marked_by, "
    "case_officer_person_id, workflow_id, state, route, assessment_level, pending_referral, "
    "due_at, priority_period, priority_score, priority_rank, last_event_seq, last_event_hash, "
    "version, registered_by_person_id, registered_by_api_key_id, created_at, updated_at) "
    "VALUES (%s, %s, %s, NULL, %s, %s, %s, %s, 'operations', NULL, %s, '[]', %s, false, NULL, "
    "NULL, NULL, NULL, %s, 'proposed', NULL, NULL, NULL, %s, NULL, NULL, NULL, 0, %s, 1, %s, "
    "NULL, %s, %s) RETURNING id"
)
SET_HEAD = (
    "UPDATE cases SET last_event_seq = %s, last_event_hash = %s, updated_at = %s "
    "WHERE cases.id = %s"
)
INSERT_EVENT = (
    "INSERT INTO case_events (case_id, seq, kind, trigger, from_state, to_state, payload, "
    "authority, actor_person_id, actor_api_key_id, created_at, prev_hash, hash) "
    "VALUES (%s, 1, 'registered', NULL, NULL, 'proposed', %s, '{}', %s, NULL, %s, %s, %s) "
    "RETURNING id"
)
OUTBOX = (  # the webhook outbox row append_event writes with every event (#6)
    "INSERT INTO webhook_outbox (event_type, case_id, event_id, organ_id, confidential, "
    "created_at) SELECT %s, id, %s, organ_id, confidential, %s FROM cases WHERE id = %s"
)


class Desk:
    """Where each client registers: its organ, a department, a matter type; and a counter for
    titles, so that every case is a new one."""

    def __init__(self, population: Population) -> None:
        self.population = population
        organs = [population.organs[code] for code in ORGANS if code in population.organs]
        self.places = [
            (organ, organ.departments[0], _usual_matter(organ.matter_types)) for organ in organs
        ]
        self.registrar = next(
            pid for pid, name in population.usernames.items() if name == demo_cast().registrar
        )
        self._numbers = itertools.count(1)

    def body(self, index: int) -> dict[str, Any]:
        organ, department, matter = self.places[index % len(self.places)]
        return {
            "title": f"Förslag {next(self._numbers)} om {department.code}",
            "problem": PROBLEM,
            "organ": organ.code,
            "unit": department.code,
            "matter_type": matter,
            "estimated_cost_sek": COST,
        }


def _usual_matter(types: tuple[tuple[str, str], ...]) -> str | None:
    return next((code for code, _ in types if code == "verksamhet"), None)


def http_register(desk: Desk) -> Callable[[RunningService], HttpCall]:
    def bind(service: RunningService) -> HttpCall:
        headers = {"Authorization": f"Bearer {service.token(demo_cast().registrar)}"}

        def send(client: httpx.Client, index: int) -> httpx.Response:
            return client.post("/api/v1/cases", json=desk.body(index), headers=headers)

        return send

    return bind


def raw_register(desk: Desk) -> SqlWork:
    """The registration's writes, as ``records.new_case`` makes them, in raw SQL."""
    places = {place[0].code: place for place in desk.places}
    workflow = desk.population.workflow_id
    definition = desk.population.definition

    def work(connection: psycopg.Connection[Any], index: int) -> None:
        data = desk.body(index)
        organ, department, matter = places[data["organ"]]
        year, now = today().year, utcnow()
        due = due_at(
            definition, state="proposed", origin="operations", entered_at=now, registered_at=now
        )
        with connection.cursor() as cursor:
            row = cursor.execute(SERIES, (organ.id, year)).fetchone()
            assert row is not None
            number = desk.population.formats[organ.code].render(year, row[0])
            found = cursor.execute(
                INSERT_CASE,
                (
                    number, sort_key(number), data["title"], PROBLEM, organ.id, department.id,
                    matter, COST, "judicial_review", workflow, due, GENESIS, desk.registrar, now,
                    now,
                ),
            ).fetchone()  # fmt: skip
            assert found is not None
            case_id = found[0]
            payload = {
                "title": data["title"], "problem": PROBLEM, "description": None,
                "organ": organ.code, "unit": department.code, "matter_type": matter,
                "origin": "operations", "estimated_cost_sek": COST, "flags": [],
                "appeal_route": "judicial_review", "confidential": False, "secrecy": None,
                "case_officer_id": None, "diary_number": number, "origin_case_id": None,
                "diary_number_imported": False,
            }  # fmt: skip
            created = utcnow()
            content = {
                "case_id": case_id, "seq": 1, "kind": "registered", "trigger": None,
                "from_state": None, "to_state": "proposed", "payload": payload, "authority": {},
                "actor_person_id": desk.registrar, "actor_api_key_id": None,
                "created_at": created,
            }  # fmt: skip
            digest = seal(GENESIS, content)
            cursor.execute(SET_HEAD, (1, digest, utcnow(), case_id))
            event = cursor.execute(
                INSERT_EVENT,
                (case_id, json.dumps(payload), desk.registrar, created, GENESIS, digest),
            ).fetchone()
            assert event is not None
            cursor.execute(OUTBOX, ("case.registered", event[0], created, case_id))

    return work


def check_series(database: BenchDatabase) -> str:
    """Every organ's numbers of this year: 1..n, no gap, no duplicate (the series' counter row
    serialises registrations, the API's and raw SQL's alike)."""
    year = today().year
    with psycopg.connect(database.conninfo) as connection:
        rows = connection.execute(
            "SELECT organ_id, diary_number FROM cases WHERE diary_number LIKE %s",
            (f"% {year}/%",),
        ).fetchall()
    numbers: dict[int, list[int]] = {}
    for organ_id, number in rows:
        numbers.setdefault(organ_id, []).append(int(number.rsplit("/", 1)[1]))
    broken = [o for o, seqs in numbers.items() if sorted(seqs) != list(range(1, len(seqs) + 1))]
    if broken:
        return f"[red]diary series with gaps or duplicates in organ(s) {broken}[/red]"
    return (
        f"diary numbers of {year}: {len(rows):,} in {len(numbers)} series, each gapless and "
        "without duplicates"
    )


def verify_sample(database: BenchDatabase, first_case: int) -> str:
    engine = make_engine(database.url)
    broken = []
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            for case_id in range(first_case, first_case + VERIFIED):
                broken.extend(audit.verify(session, case_id).broken)
    finally:
        engine.dispose()
    if broken:
        return f"[red]hash chains BROKEN: {broken[:5]}[/red]"
    return f"hash chains of the first {VERIFIED} registered cases verified: all intact"


def run(args: BenchArgs) -> None:
    clients = args.clients_or(CONCURRENCY)
    worker_counts = args.workers or WORKER_COUNTS
    with fresh_database(args.postgres_url) as database:
        with psycopg.connect(database.conninfo) as connection:
            population = read_population(connection)
        desk = Desk(population)
        first_case = population.next_ids["cases"]
        console.print(
            f"[dim]database {database.name}: demo loaded; registering in "
            f"{', '.join(o.code for o, _, _ in desk.places)} as {demo_cast().registrar}[/dim]"
        )
        rows: list[Measured] = [
            measure_http(
                database,
                label=f"HTTP, {workers} worker{'s' if workers > 1 else ''}",
                workers=workers,
                clients=clients,
                duration=args.duration,
                call=http_register(desk),
            )
            for workers in worker_counts
        ]
        raw = measure_raw(
            database,
            label="raw SQL (psycopg 3)",
            clients=clients,
            duration=args.duration,
            work=raw_register(desk),
        )
        series = check_series(database)
        chains = verify_sample(database, first_case)
    console.print()
    console.print(
        comparison_table(
            f"Registration (POST /api/v1/cases), {clients} clients over {len(desk.places)} "
            "organs' diary series, PostgreSQL",
            rows,
            raw,
            "registrations",
        )
    )
    best = print_verdict(rows, raw, RSS_TARGET_MB)
    console.print(series, highlight=False)
    console.print(chains, highlight=False)
    console.print(f"Fastest: {best.label}.", highlight=False)
