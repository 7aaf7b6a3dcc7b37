"""The API against raw SQL doing the same writes: what ``transitions_http`` and ``registration``
share. Each runs the same closed loop (``harness.closed_loop``) twice over: HTTP requests to
the real server (uvicorn, 1 and 2 workers), and psycopg 3 transactions from as many threads,
each with its own connection, that do exactly the writes the endpoint does. The ratio of the
two rates says what everything else the service does costs (authentication, reads for the
rules, the ORM, serialisation, HTTP).

Both run on the same machine as PostgreSQL, so each side's own CPU (the server, or the raw
client's Python) competes with the database's; the table shows who used what.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
from rich.table import Table

from bench.harness import (
    DEFAULT_WARMUP_S,
    BenchDatabase,
    LoadResult,
    RunningService,
    closed_loop,
    console,
    failure,
    http_client,
    machine_cores,
    running_service,
    server_cpu_seconds,
    server_memory,
    sharing_note,
)

BUSY_NEIGHBOUR_CORES = 0.25  # more "other" CPU than this means something else competed
STATEMENT_TIMEOUT_MS = 10_000
TARGET_RATIO = 0.35


class Pool:
    """Hands out items to the client threads, each once; when they run out it starts over (and
    says so), which for a repeatable step is still a valid request."""

    def __init__(self, items: Sequence[Any]) -> None:
        if not items:
            raise ValueError("an empty pool")
        self._items = list(items)
        self._taken = 0
        self._lock = threading.Lock()

    def take(self) -> Any:
        with self._lock:
            n = self._taken
            self._taken += 1
        return self._items[n % len(self._items)]

    @property
    def size(self) -> int:
        return len(self._items)

    @property
    def wrapped(self) -> bool:
        return self._taken > len(self._items)

    def first(self, n: int) -> list[Any]:
        """The first ``n`` items handed out (fewer if fewer were)."""
        return self._items[: min(n, self._taken, len(self._items))]


@dataclass
class Measured:
    """One configuration's figures."""

    label: str
    result: LoadResult
    peak_rss_mb: float = math.nan  # of the busiest worker (nan for raw SQL)
    notes: list[str] = field(default_factory=list)


HttpCall = Callable[[httpx.Client, int], httpx.Response]


def measure_http(
    database: BenchDatabase,
    *,
    label: str,
    workers: int,
    clients: int,
    duration: float,
    call: Callable[[RunningService], HttpCall],
    check: Callable[[RunningService], None] | None = None,
) -> Measured:
    """Start the service with ``workers`` workers, run ``check`` once (a request that must
    succeed), then ``call(service)`` from ``clients`` closed-loop clients; the workers' peak RSS
    is read afterwards (their ``VmHWM``)."""
    with running_service(database.url, workers=workers) as service:
        if check is not None:
            check(service)
        console.print(f"[dim]{label}: {DEFAULT_WARMUP_S:g} s warm-up, {duration:g} s measured …")
        send = call(service)
        cpu_before = server_cpu_seconds(service)
        with http_client(service.base_url, concurrency=clients) as client:
            result = closed_loop(
                lambda index: failure(send(client, index)),
                concurrency=clients,
                duration=duration,
                server_pid=service.pid,
                database=database.name,
            )
        cpu_after = server_cpu_seconds(service)
        memory = server_memory(service)
        peaks = [p.peak_rss_mb for p in memory if p.role == "worker"]
        measured = Measured(label, result, max(peaks) if peaks else math.nan)
        if len(memory) > 1:
            each = ", ".join(
                f"{p.role} {p.peak_rss_mb:.0f} MB, "
                f"{cpu_after.get(p.pid, 0) - cpu_before.get(p.pid, 0):.1f} s"
                for p in memory
            )
            measured.notes.append(
                f"{label}: each server process's peak RSS and CPU seconds during warm-up and "
                f"measurement: {each}"
            )
        count, first = service.log_problems()
        if count:
            measured.notes.append(f"{label}: {count} suspicious server log line(s):")
            measured.notes.extend(f"    {line}" for line in first)
    _note_errors(measured)
    return measured


SqlWork = Callable[[psycopg.Connection[Any], int], None]
"""One transaction's statements on a connection, given the client's index (committed after)."""


def measure_raw(
    database: BenchDatabase, *, label: str, clients: int, duration: float, work: SqlWork
) -> Measured:
    """``work`` (one transaction, committed) from ``clients`` threads, each on its own psycopg
    connection (statements bounded by a timeout, prepared after a few runs as psycopg does)."""
    with ExitStack() as stack:
        connections = [
            stack.enter_context(
                psycopg.connect(
                    database.conninfo, options=f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
                )
            )
            for _ in range(clients)
        ]
        console.print(f"[dim]{label}: {DEFAULT_WARMUP_S:g} s warm-up, {duration:g} s measured …")

        def call(index: int) -> str | None:
            connection = connections[index]
            try:
                work(connection, index)
                connection.commit()
            except psycopg.Error as exc:
                connection.rollback()
                return type(exc).__name__
            return None

        result = closed_loop(
            call,
            concurrency=clients,
            duration=duration,
            grace=2 * STATEMENT_TIMEOUT_MS / 1000,
            database=database.name,
        )
    measured = Measured(label, result)
    _note_errors(measured)
    return measured


def _note_errors(measured: Measured) -> None:
    result = measured.result
    if result.error_kinds:
        kinds = ", ".join(f"{k} ×{n}" for k, n in result.error_kinds.most_common())
        measured.notes.append(f"{measured.label}: errors: {kinds}")
    if result.cpu.other is not None and result.cpu.other > BUSY_NEIGHBOUR_CORES:
        measured.notes.append(
            f"{measured.label}: {result.cpu.other:.2f} cores went to other programs (or the "
            "kernel, or backends that came and went) during the measurement: the machine was "
            "not quiet"
        )


def _ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1f}"


def _cores(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def comparison_table(title: str, rows: Sequence[Measured], raw: Measured, unit: str) -> Table:
    """One row per configuration: successes per second, the ratio to raw SQL's, latencies of
    the successes, errors, the CPU each party used (in cores) and the workers' peak RSS."""
    table = Table(title=title, title_justify="left")
    for name in (
        "configuration", f"{unit}/s", "÷ raw", "p50 ms", "p90 ms", "p99 ms", "max ms", "ok",
        "errors",
    ):  # fmt: skip
        table.add_column(name, justify="right" if name != "configuration" else "left")
    for name in ("CPU client", "server", "PG", "other"):
        table.add_column(name, justify="right", style="dim")
    table.add_column("peak RSS MB", justify="right")
    base = raw.result.successes_per_s
    for measured in [*rows, raw]:
        r = measured.result
        table.add_row(
            measured.label,
            f"{r.successes_per_s:.1f}",
            f"{r.successes_per_s / base:.2f}" if base else "–",
            _ms(r.p50),
            _ms(r.p90),
            _ms(r.p99),
            _ms(r.max_ms),
            str(r.requests - r.errors),
            str(r.errors),
            _cores(r.cpu.client),
            _cores(r.cpu.server),
            _cores(r.cpu.postgres),
            _cores(r.cpu.other),
            "–" if math.isnan(measured.peak_rss_mb) else f"{measured.peak_rss_mb:.0f}",
        )
    return table


def print_verdict(rows: Sequence[Measured], raw: Measured, rss_target_mb: float) -> Measured:
    """The figures the issue asks for, each against its target; returns the best HTTP row."""
    best = max(rows, key=lambda m: m.result.successes_per_s)
    base = raw.result.successes_per_s
    for measured in rows:
        ratio = measured.result.successes_per_s / base if base else math.nan
        verdict = "met" if ratio >= TARGET_RATIO else "MISSED"
        rss = measured.peak_rss_mb
        rss_verdict = "met" if rss <= rss_target_mb else "MISSED"
        console.print(
            f"{measured.label}: {measured.result.successes_per_s:.1f}/s, "
            f"{ratio:.2f} × raw SQL's {base:.1f}/s (target ≥ {TARGET_RATIO}: {verdict}); "
            f"p50 {_ms(measured.result.p50)} ms, p99 {_ms(measured.result.p99)} ms; "
            f"worker peak RSS {rss:.0f} MB (target ≤ {rss_target_mb:.0f}: {rss_verdict})",
            highlight=False,
        )
    console.print(
        f"raw SQL: p50 {_ms(raw.result.p50)} ms, p99 {_ms(raw.result.p99)} ms. "
        f"Fastest HTTP configuration: {best.label}.",
        highlight=False,
    )
    console.print(
        f"Latencies are of successful calls, closed loop, after a {DEFAULT_WARMUP_S:g} s "
        "unmeasured warm-up. CPU columns: cores busy during the measured phase: the client "
        "(this process: the HTTP clients, or the raw SQL threads), the server (uvicorn and its "
        "workers), PG (the bench database's backends), other (the rest of the machine; more "
        f"than {BUSY_NEIGHBOUR_CORES:g} means a busy neighbour). Peak RSS: the highest VmHWM "
        "of the server's worker processes, read after the load.",
        highlight=False,
    )
    console.print(sharing_note(machine_cores()))
    for measured in [*rows, raw]:
        for note in measured.notes:
            console.print(f"[yellow]{note}[/yellow]", highlight=False)
    return best
