"""Transitions over HTTP (32 clients, distinct cases) against the same writes in raw SQL.

What: each organ's head of administration triages that organ's cases (``POST
/api/v1/cases/{id}/transitions/triage``, route political), the first step of every case and a
typical authority path. Per request the service authenticates the caller (the person, their
roles), locks the case row (``SELECT … FOR UPDATE`` with its workflow, organ and unit), reads
what the resolver needs (the unit chain, the matter type, the case's last decision, recusals,
the delegation order in force with its entries and subdelegations, the current assessment
revision), resolves the authority (operational: the head's post over the responsible unit),
validates the payload, runs the guard, updates the case, appends the sealed event and its
webhook outbox row, commits and answers the case: 13 round trips with BEGIN and COMMIT (sign-in
comes before BEGIN), and one more for the order's entries the first time a process meets the
order (they are kept per process); one transaction.

The cases: a pool in state 'proposed' of the demo's organs (BUN, SN, KS, TN, KF), loaded with
``bench.generate``; each configuration gets its own share and takes each case once (if a share
ran out the clients would start over, still valid since triage may be repeated; the output
says so). Raw SQL: psycopg 3 from as many threads, each on its own connection, doing exactly
the writes the API does for it: lock the case row (``SELECT … FOR UPDATE``), ``UPDATE cases``
(route, head of the chain, version, updated_at, under the version read), ``INSERT`` the event
sealed by ``app.audit.chain.seal`` (the same Python the API runs), ``INSERT`` the webhook
outbox row, ``COMMIT``.

Configurations: 1 and 2 uvicorn workers (``--workers``), the faster of them again with an
``Idempotency-Key`` on every request (the answer stored with the work), and raw SQL; each
``--concurrency`` clients (default 32) for ``--duration`` seconds after a 2 s warm-up. Then the
hash chains of a sample of the cases each configuration moved are verified with the audit
service. Targets (#5): the API at ≥ 0.35 × the raw rate; a worker's peak RSS ≤ 150 MB.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import psycopg

from app.audit import service as audit
from app.audit.chain import GENESIS, seal
from app.db import make_engine, make_sessionmaker, session_scope
from app.kit.clock import utcnow
from bench.generate import Generated, generate
from bench.harness import BenchArgs, BenchDatabase, RunningService, console, fresh_database
from bench.versus import (
    HttpCall,
    Measured,
    Pool,
    SqlWork,
    comparison_table,
    measure_http,
    measure_raw,
    print_verdict,
)

CONCURRENCY = 32
WORKER_COUNTS = (1, 2)
RSS_TARGET_MB = 150.0
MOTIVATION = "Påverkar verksamhetens inriktning och budget."
PAYLOAD = {"route": "political", "of_principle": False, "motivation": MOTIVATION}
BODY = {"payload": {"route": "political", "motivation": MOTIVATION}}
HTTP_BOUND_PER_S = 300  # more than the service reaches here, and than raw SQL: sizes the pools
RAW_BOUND_PER_S = 2_000
VERIFIED_PER_POOL = 50

LOCK = "SELECT state, version, last_event_seq, last_event_hash FROM cases WHERE id = %s FOR UPDATE"
UPDATE = (
    "UPDATE cases SET route = %s, last_event_seq = %s, last_event_hash = %s, version = %s, "
    "updated_at = %s WHERE cases.id = %s AND cases.version = %s"
)
INSERT_EVENT = (
    "INSERT INTO case_events (case_id, seq, kind, trigger, from_state, to_state, payload, "
    "authority, actor_person_id, actor_api_key_id, created_at, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"
)
OUTBOX = (  # the webhook outbox row append_event writes with every event (#6)
    "INSERT INTO webhook_outbox (event_type, case_id, event_id, organ_id, confidential, "
    "created_at) SELECT %s, id, %s, organ_id, confidential, %s FROM cases WHERE id = %s"
)


class Heads:
    """Each organ's head of administration: who triages its cases, and under which post."""

    def __init__(self, generated: Generated) -> None:
        population = generated.population
        assert population is not None
        self.person = {code: o.head for code, o in population.organs.items()}
        self.username = {
            code: population.usernames[o.head] for code, o in population.organs.items()
        }
        self.post = {
            code: f"head_of_administration@{o.administration}"
            for code, o in population.organs.items()
        }


def http_triage(
    pool: Pool, heads: Heads, *, idempotent: bool
) -> Callable[[RunningService], HttpCall]:
    def bind(service: RunningService) -> HttpCall:
        tokens = {
            code: {"Authorization": f"Bearer {service.token(name)}"}
            for code, name in heads.username.items()
        }

        def send(client: httpx.Client, _: int) -> httpx.Response:
            case_id, organ = pool.take()
            headers = tokens[organ]
            if idempotent:
                headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
            return client.post(
                f"/api/v1/cases/{case_id}/transitions/triage", json=BODY, headers=headers
            )

        return send

    return bind


def raw_triage(pool: Pool, heads: Heads) -> SqlWork:
    def work(connection: psycopg.Connection[Any], _: int) -> None:
        case_id, organ = pool.take()
        person, now = heads.person[organ], utcnow()
        authority = {"kind": "operational", "post": heads.post[organ], "report_to_organ": False}
        with connection.cursor() as cursor:
            row = cursor.execute(LOCK, (case_id,)).fetchone()
            if row is None or row[0] != "proposed":
                raise RuntimeError(f"case {case_id} is not a proposal: {row}")
            _, version, seq, head = row
            prev = GENESIS if seq == 0 else head
            content = {
                "case_id": case_id, "seq": seq + 1, "kind": "transitioned", "trigger": "triage",
                "from_state": "proposed", "to_state": "proposed", "payload": PAYLOAD,
                "authority": authority, "actor_person_id": person, "actor_api_key_id": None,
                "created_at": now,
            }  # fmt: skip
            digest = seal(prev, content)
            cursor.execute(
                UPDATE, ("political", seq + 1, digest, version + 1, now, case_id, version)
            )
            if cursor.rowcount != 1:
                raise RuntimeError(f"case {case_id} changed under its row lock")
            event = cursor.execute(
                INSERT_EVENT,
                (
                    case_id, seq + 1, "transitioned", "triage", "proposed", "proposed",
                    json.dumps(PAYLOAD), json.dumps(authority), person, None, now, prev, digest,
                ),
            ).fetchone()  # fmt: skip
            assert event is not None
            cursor.execute(OUTBOX, ("case.transitioned", event[0], now, case_id))

    return work


def verify_sample(database: BenchDatabase, shares: list[Pool]) -> str:
    """Check the hash chains of the first cases each configuration moved."""
    engine = make_engine(database.url)
    try:
        checked, broken = 0, []
        with session_scope(make_sessionmaker(engine)) as session:
            for share in shares:
                for case_id, _ in share.first(VERIFIED_PER_POOL):
                    report = audit.verify(session, case_id)
                    checked += 1
                    broken.extend(report.broken)
    finally:
        engine.dispose()
    if broken:
        return f"[red]hash chains BROKEN: {broken[:5]}[/red]"
    return f"hash chains of {checked} moved cases verified (app.audit.service.verify): all intact"


def _check(pool: Pool, heads: Heads) -> Callable[[RunningService], None]:
    def check(service: RunningService) -> None:
        send = http_triage(pool, heads, idempotent=False)(service)
        with httpx.Client(base_url=service.base_url, trust_env=False, timeout=10) as client:
            response = send(client, 0)
        if response.status_code != 200:
            raise RuntimeError(f"triage answered {response.status_code}: {response.text[:400]}")

    return check


def run(args: BenchArgs) -> None:
    clients = args.clients_or(CONCURRENCY)
    worker_counts = args.workers or WORKER_COUNTS
    http_runs = len(worker_counts) + 1  # and the idempotent run
    per_http = int(HTTP_BOUND_PER_S * (args.duration + 2)) + clients
    per_raw = int(RAW_BOUND_PER_S * (args.duration + 2)) + clients
    with fresh_database(args.postgres_url) as database:
        generated = generate(
            database.conninfo, per_http * http_runs + per_raw, states={"proposed": 1.0}
        )
        console.print(
            f"[dim]database {database.name}: demo, then {generated.cases:,} cases in state "
            f"'proposed' ({generated.events:,} events) loaded in {generated.load_s:.1f} s[/dim]"
        )
        heads = Heads(generated)
        cases = list(generated.proposed)
        random.Random(5).shuffle(cases)
        shares = [Pool(cases[n * per_http : (n + 1) * per_http]) for n in range(http_runs)] + [
            Pool(cases[http_runs * per_http :])
        ]
        rows: list[Measured] = []
        for workers, share in zip(worker_counts, shares, strict=False):
            rows.append(
                measure_http(
                    database,
                    label=f"HTTP, {workers} worker{'s' if workers > 1 else ''}",
                    workers=workers,
                    clients=clients,
                    duration=args.duration,
                    call=http_triage(share, heads, idempotent=False),
                    check=_check(share, heads),
                )
            )
        best = max(zip(worker_counts, rows, strict=True), key=lambda p: p[1].result.successes_per_s)
        keyed = shares[len(worker_counts)]
        idempotent = measure_http(
            database,
            label=f"HTTP, {best[0]} worker{'s' if best[0] > 1 else ''}, Idempotency-Key",
            workers=best[0],
            clients=clients,
            duration=args.duration,
            call=http_triage(keyed, heads, idempotent=True),
        )
        raw = measure_raw(
            database,
            label="raw SQL (psycopg 3)",
            clients=clients,
            duration=args.duration,
            work=raw_triage(shares[-1], heads),
        )
        wrapped = [n for n, share in enumerate(shares) if share.wrapped]
        chains = verify_sample(database, shares)
    console.print()
    console.print(
        comparison_table(
            f"Triage (POST /api/v1/cases/{{id}}/transitions/triage), {clients} clients, distinct "
            "cases, PostgreSQL",
            [*rows, idempotent],
            raw,
            "transitions",
        )
    )
    print_verdict([*rows, idempotent], raw, RSS_TARGET_MB)
    console.print(chains, highlight=False)
    if wrapped:
        console.print(
            f"[yellow]{len(wrapped)} pool(s) ran out: their clients started over (triage again, "
            "still a valid step)[/yellow]"
        )
    console.print(
        f"Recommended uvicorn workers on this machine: {best[0]} "
        f"({best[1].result.successes_per_s:.1f} transitions/s).",
        highlight=False,
    )
