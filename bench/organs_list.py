"""GET /api/v1/organs under 16 concurrent clients against PostgreSQL.

The organ list is the cheapest authenticated read (seven organs in the demo, one page), so its
throughput is close to the service's per-request floor: token verification, the principal's
lookup, one query, serialisation. It runs once with one uvicorn worker and once with two, to show
what a second process buys on this machine.
"""

from __future__ import annotations

import httpx

from app.demo.loader import demo_cast
from bench.harness import (
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
    rows: list[tuple[dict[str, str], LoadResult]] = []
    notes: list[str] = []
    with fresh_database(args.postgres_url) as database:
        console.print(f"[dim]database {database.name} created, migrated, demo loaded[/dim]")
        for workers in WORKER_COUNTS:
            with running_service(database.url, workers=workers) as service:
                headers = {"Authorization": f"Bearer {service.token(demo_cast().registrar)}"}
                _check_once(service, headers)
                console.print(
                    f"[dim]{workers} worker(s) at {service.base_url}: "
                    f"{args.duration:g} s measured after warm-up …[/dim]"
                )
                result = generate_load(
                    service.base_url + PATH,
                    headers=headers,
                    concurrency=args.concurrency,
                    duration=args.duration,
                    server_pid=service.pid,
                )
                rows.append(
                    ({"workers": str(workers), "concurrency": str(args.concurrency)}, result)
                )
                if result.error_kinds:
                    kinds = ", ".join(f"{k} ×{n}" for k, n in result.error_kinds.most_common())
                    notes.append(f"{workers} worker(s): errors {kinds}")
                count, first = service.log_problems()
                if count:
                    notes.append(f"{workers} worker(s): {count} suspicious server log line(s):")
                    notes.extend(f"    {line}" for line in first)
    console.print()
    console.print(
        results_table(
            f"GET {PATH} under {args.concurrency} concurrent clients against PostgreSQL", rows
        )
    )
    console.print(
        "Latencies are of 2xx answers, closed loop (each client waits for its answer), after a "
        "2 s unmeasured warm-up. CPU columns: cores busy during the measured phase (client = "
        "this process, server = uvicorn and its workers, machine = everything incl. PostgreSQL)."
    )
    console.print(sharing_note(machine_cores()))
    for note in notes:
        console.print(f"[yellow]{note}[/yellow]", highlight=False)
