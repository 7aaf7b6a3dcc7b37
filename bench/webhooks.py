"""Webhooks: deliveries/s to a local receiver versus a bare httpx loop; commit-to-delivery delay.

What: a throwaway PostgreSQL database with the demo, one subscription to a receiver on 127.0.0.1
(``bench/receiver.py``, a bare ASGI app in its own process that answers 204), and two figures.

(a) Throughput: ``MESSAGES`` case registrations are committed first (their outbox rows waiting),
    then a dispatcher in this process runs rounds until every message is delivered: fan-out,
    claim, signing, POST, recording each attempt. Once with one send at a time, once with the
    default parallel sends. The baseline is a bare loop: one ``httpx.Client`` POSTing the same
    rendered bodies, one after another, nothing signed or recorded. Each is run ``REPEATS``
    times, alternated, and the best run counts (the machine is shared). Target: the dispatcher
    at ≥ 0.5 of the bare loop.
(b) Delay from commit to delivery: a producer registers cases at ``RATE`` per second for
    ``--duration`` seconds while the dispatcher runs in a background thread (as ``serve
    --dispatch`` does), once at the default poll interval and once at 0.1 s; the delay is the
    receiver's arrival time minus the time the registration's commit returned.

Both bounded: a fixed count of messages for (a), and a fixed rate and duration for (b), each
with a deadline after which the benchmark stops and says what was missing.
"""

from __future__ import annotations

import math
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Principal
from app.auth.service import person_principal
from app.cases.schemas import CaseCreate
from app.cases.service import records
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.demo.loader import demo_cast
from app.integrations.webhooks import service
from app.integrations.webhooks.dispatcher import Dispatcher
from app.integrations.webhooks.models import OutboxMessage, WebhookDelivery
from app.integrations.webhooks.retry import RetryPolicy
from app.integrations.webhooks.schemas import SubscriptionCreate
from app.integrations.webhooks.sender import WebhookSender
from app.kit.clock import today
from app.organisation import repository as org_repo
from bench.harness import (
    LOOPBACK,
    BenchArgs,
    console,
    free_port,
    fresh_database,
    machine_cores,
    sharing_note,
)

MESSAGES = 2000
REPEATS = 2
BARE = "bare httpx loop (same bodies)"
REGISTRATIONS_PER_COMMIT = 250
RATE = 20  # registrations per second while the delay is measured
DEADLINE_S = 120.0
SETTINGS = Settings()  # the defaults a deployment starts with


@contextmanager
def running_receiver() -> Iterator[str]:
    port = free_port()
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.receiver", "--port", str(port)],
        cwd=root,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://{LOOPBACK}:{port}"
    try:
        with httpx.Client(trust_env=False, timeout=2) as client:
            deadline = time.monotonic() + 30
            while True:
                try:
                    client.get(url + "/arrivals")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError("the bench receiver did not start") from None
                    time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def arrivals(client: httpx.Client, url: str) -> dict[str, tuple[float, int | None]]:
    return {k: (v[0], v[1]) for k, v in client.get(url + "/arrivals").json().items()}


def registrar(sessions: sessionmaker[Session]) -> Principal:
    with session_scope(sessions) as session:
        person = org_repo.person_by_username(session, demo_cast().registrar)
        assert person is not None
        return person_principal(session, person, today())


def register(sessions: sessionmaker[Session], actor: Principal, count: int) -> None:
    """Register ``count`` cases, ``REGISTRATIONS_PER_COMMIT`` to a transaction."""
    data = CaseCreate(title="Benchmark", problem="Leveranser av webhooks", organ="BUN")
    done = 0
    while done < count:
        with session_scope(sessions) as session:
            for _ in range(min(REGISTRATIONS_PER_COMMIT, count - done)):
                records.register(session, actor, data)
                done += 1


def dispatcher(
    sessions: sessionmaker[Session], client: httpx.Client, concurrency: int
) -> Dispatcher:
    return Dispatcher(
        sessions,
        WebhookSender(client, timeout=SETTINGS.webhook_timeout_seconds),
        policy=RetryPolicy(delays_seconds=tuple(SETTINGS.webhook_retry_delays_seconds)),
        timeout=SETTINGS.webhook_timeout_seconds,
        lease=timedelta(seconds=SETTINGS.webhook_lease_seconds),
        batch=SETTINGS.webhook_batch_size,
        concurrency=concurrency,
    )


def pending(sessions: sessionmaker[Session]) -> int:
    with session_scope(sessions) as session:
        waiting = (
            session.scalar(select(func.count()).where(OutboxMessage.fanned_out_at.is_(None))) or 0
        )
        undelivered = (
            session.scalar(select(func.count()).where(WebhookDelivery.status != "delivered")) or 0
        )
        return waiting + undelivered


@dataclass(frozen=True)
class Throughput:
    label: str
    messages: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds


def drain(sessions: sessionmaker[Session], worker: Dispatcher, label: str) -> Throughput:
    started = time.perf_counter()
    deadline = started + DEADLINE_S
    delivered = 0
    while time.perf_counter() < deadline:
        done = worker.run_once()
        delivered += done.tally.delivered
        if done.idle:
            break
    elapsed = time.perf_counter() - started
    left = pending(sessions)
    if left:
        console.print(f"[red]{label}: {left} messages not delivered by the deadline[/red]")
    return Throughput(label, delivered, elapsed)


def bare_loop(sessions: sessionmaker[Session], client: httpx.Client, url: str) -> Throughput:
    """POST the bodies the dispatcher sent, as they are, one after another."""
    with session_scope(sessions) as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.body)
            .where(OutboxMessage.body.is_not(None))
            .order_by(OutboxMessage.id.desc())
            .limit(MESSAGES)
        ).all()
    started = time.perf_counter()
    for row in rows:
        response = client.post(
            url,
            content=row.body.encode(),
            headers={"content-type": "application/json", "webhook-id": f"msg_{row.id}"},
        )
        response.raise_for_status()
    return Throughput(BARE, len(rows), time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def delays(
    sessions: sessionmaker[Session],
    actor: Principal,
    client: httpx.Client,
    url: str,
    poll_interval: float,
    duration: float,
) -> list[float]:
    """Seconds from each registration's commit to its arrival at the receiver."""
    client.delete(url + "/arrivals")
    worker = dispatcher(sessions, client, SETTINGS.webhook_concurrency)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop, poll_interval), daemon=True)
    thread.start()
    committed: dict[int, float] = {}
    data = CaseCreate(title="Benchmark", problem="Fördröjning", organ="BUN")
    started = time.perf_counter()
    count = max(1, int(duration * RATE))
    try:
        for n in range(count):
            time.sleep(max(started + n / RATE - time.perf_counter(), 0))
            with session_scope(sessions) as session:
                case_id = records.register(session, actor, data).id
            committed[case_id] = time.time()
        deadline = time.monotonic() + DEADLINE_S
        seen: dict[str, tuple[float, int | None]] = {}
        while time.monotonic() < deadline:
            seen = arrivals(client, url)
            if len(seen) >= count:
                break
            time.sleep(0.2)
    finally:
        stop.set()
        thread.join(timeout=30)
    if len(seen) < count:
        console.print(f"[red]poll {poll_interval:g} s: {count - len(seen)} never arrived[/red]")
    return [at - committed[case] for at, case in seen.values() if case in committed]


def run(args: BenchArgs) -> None:
    with fresh_database(args.postgres_url) as database, running_receiver() as base:
        engine = make_engine(database.url, pool_size=8)
        sessions = make_sessionmaker(engine)
        url = base + "/hooks"
        actor = registrar(sessions)
        with session_scope(sessions) as session:
            service.create(
                session,
                actor,
                SubscriptionCreate.model_validate({"url": url, "event_types": ["case.registered"]}),
            )
        console.print(f"[dim]database {database.name}; receiver at {url}[/dim]")
        runs: dict[str, list[Throughput]] = {}
        with httpx.Client(trust_env=False, timeout=SETTINGS.webhook_timeout_seconds) as client:
            for _ in range(REPEATS):  # alternated, so a busy neighbour hurts each alike
                for concurrency in (1, SETTINGS.webhook_concurrency):
                    register(sessions, actor, MESSAGES)
                    label = f"dispatcher, {concurrency} send(s) at a time"
                    worker = dispatcher(sessions, client, concurrency)
                    runs.setdefault(label, []).append(drain(sessions, worker, label))
                    bare = bare_loop(sessions, client, url)
                    runs.setdefault(bare.label, []).append(bare)
            latency = [
                (poll, delays(sessions, actor, client, base, poll, args.duration))
                for poll in (SETTINGS.webhook_poll_interval_seconds, 0.1)
            ]
        engine.dispose()
    table = Table(
        title="Webhook deliveries to a receiver on 127.0.0.1 (PostgreSQL)", title_justify="left"
    )
    for name in ("sender", "messages", "seconds", "per s", "÷ bare"):
        table.add_column(name, justify="right")
    best = {label: max(results, key=lambda r: r.per_second) for label, results in runs.items()}
    bare = best[BARE]
    for row in best.values():
        table.add_row(
            row.label,
            str(row.messages),
            f"{row.seconds:.2f}",
            f"{row.per_second:.0f}",
            f"{row.per_second / bare.per_second:.2f}",
        )
    console.print(table)
    delay_table = Table(
        title=f"Delay from commit to delivery, {RATE} registrations/s", title_justify="left"
    )
    for name in ("poll interval s", "messages", "p50 ms", "p99 ms", "max ms"):
        delay_table.add_column(name, justify="right")
    for poll, values in latency:
        delay_table.add_row(
            f"{poll:g}",
            str(len(values)),
            f"{percentile(values, 50) * 1000:.0f}",
            f"{percentile(values, 99) * 1000:.0f}",
            f"{max(values, default=math.nan) * 1000:.0f}",
        )
    console.print(delay_table)
    console.print(
        f"Throughput: the best of {REPEATS} alternated runs of {MESSAGES} messages each, from the "
        "first round to the last delivery, fan-out and the database work of every attempt "
        "included; the bare loop only POSTs (after each dispatcher run). The delay includes the "
        "dispatcher's rest between idle rounds (50 ms after a busy round, doubling up to the "
        "poll interval, which bounds it)."
    )
    console.print(sharing_note(machine_cores()))
