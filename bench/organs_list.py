"""GET /api/v1/organs under 16 concurrent clients against PostgreSQL.

The organ list is the cheapest authenticated read (seven organs in the demo, one page), so its
throughput is close to the service's per-request floor: token verification, the principal's
lookup (the person, then all their roles in one query), one query for the organs,
serialisation. It runs once with one uvicorn worker and once with two, to show what a second
process buys on this machine.
"""

from __future__ import annotations

import httpx

from app.demo.loader import demo_cast
from bench.harness import (
    DEFAULT_WARMUP_S,
    BenchArgs,
    LoadResult,
    RunningService,
    console,
    fresh_database,
    generate_load,
    machine_cores,
    results_table,
    running_service,
    sharing_note,
)

PATH = "/api/v1/organs"
DEMO_ORGANS = 7
WORKER_COUNTS = (1, 2)
CONCURRENCY = 16
BUSY_NEIGHBOUR_CORES = 0.25  # more "other" CPU than this means something else competed


def _check_once(service: RunningService, headers: dict[str, str]) -> None:
    """One request before the load: the endpoint answers as the benchmark expects."""
    with httpx.Client(base_url=service.base_url, headers=headers, trust_env=False) as client:
        response = client.get(PATH)
    if response.status_code != 200:
        raise RuntimeError(f"GET {PATH} answered {response.status_code}: {response.text[:300]}")
    items = response.json().get("items", [])
    if len(items) != DEMO_ORGANS:
        console.print(f"[yellow]note: {len(items)} organs listed, the demo has {DEMO_ORGANS}[/]")


def run(args: BenchArgs) -> None:
    clients = args.clients_or(CONCURRENCY)
    rows: list[tuple[dict[str, str], LoadResult]] = []
    notes: list[str] = []
    with fresh_database(args.postgres_url) as database:
        console.print(f"[dim]database {database.name} created, migrated, demo loaded[/dim]")
        for workers in args.workers or WORKER_COUNTS:
            with running_service(database.url, workers=workers) as service:
                headers = {"Authorization": f"Bearer {service.token(demo_cast().registrar)}"}
                _check_once(service, headers)
                console.print(
                    f"[dim]{workers} worker(s) at {service.base_url}: "
                    f"{args.duration:g} s measured after warm-up …[/dim]"
                )
                sessions_before = database.sessions_opened()
                result = generate_load(
                    service.base_url + PATH,
                    headers=headers,
                    concurrency=clients,
                    duration=args.duration,
                    server_pid=service.pid,
                    database=database.name,
                )
                sessions_after = database.sessions_opened()
                if sessions_before is not None and sessions_after is not None:
                    notes.append(
                        f"{workers} worker(s): {sessions_after - sessions_before} PostgreSQL "
                        "connections opened during warm-up + measurement"
                    )
                rows.append(({"workers": str(workers), "concurrency": str(clients)}, result))
                if result.error_kinds:
                    kinds = ", ".join(f"{k} ×{n}" for k, n in result.error_kinds.most_common())
                    notes.append(f"{workers} worker(s): errors: {kinds}")
                if result.cpu.other is not None and result.cpu.other > BUSY_NEIGHBOUR_CORES:
                    notes.append(
                        f"{workers} worker(s): {result.cpu.other:.2f} cores went to other programs "
                        "during the measurement; the figures are not those of a quiet machine"
                    )
                count, first = service.log_problems()
                if count:
                    notes.append(f"{workers} worker(s): {count} suspicious server log line(s):")
                    notes.extend(f"    {line}" for line in first)
    console.print()
    console.print(
        results_table(f"GET {PATH} under {clients} concurrent clients against PostgreSQL", rows)
    )
    console.print(
        "Latencies are of 2xx answers, closed loop (each client waits for its answer), after a "
        f"{DEFAULT_WARMUP_S:g} s unmeasured warm-up. CPU columns: cores busy during the measured "
        "phase: the client (this process), the server (uvicorn and its workers), PG (the bench "
        "database's backends alive at the end) and other (the rest: other programs, the kernel, "
        f"backends that came and went; more than {BUSY_NEIGHBOUR_CORES:g} means a busy "
        "neighbour)."
    )
    console.print(sharing_note(machine_cores()))
    for note in notes:
        console.print(f"[yellow]{note}[/yellow]", highlight=False)
