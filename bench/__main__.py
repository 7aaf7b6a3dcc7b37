"""``python -m bench [NAME ...]``: run every registered benchmark, or the ones named.

A benchmark is a module of this package with a docstring (its first line is its title) and a
``run(args: BenchArgs) -> None`` that prints its figures. Register it in ``BENCHMARKS``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Protocol

from bench import authority, engine, imports, organs_list, registration, scale, transitions_http
from bench.harness import (
    DEFAULT_POSTGRES_URL,
    POSTGRES_URL_ENV,
    BenchArgs,
    console,
    default_postgres_url,
)


class Benchmark(Protocol):
    __name__: str
    __doc__: str | None

    def run(self, args: BenchArgs) -> None: ...


BENCHMARKS: tuple[Benchmark, ...] = (
    organs_list,
    engine,
    authority,
    imports,
    transitions_http,
    registration,
    scale,
)


def _name(benchmark: Benchmark) -> str:
    return benchmark.__name__.rsplit(".", 1)[-1]


def _title(benchmark: Benchmark) -> str:
    lines = (benchmark.__doc__ or "").strip().splitlines()
    return lines[0] if lines else ""


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _positive_ints(text: str) -> tuple[int, ...]:
    values = tuple(_positive_int(part.strip().replace("_", "")) for part in text.split(","))
    if not values:
        raise argparse.ArgumentTypeError("give at least one number")
    return values


def parser() -> argparse.ArgumentParser:
    registry = {_name(b): b for b in BENCHMARKS}
    listing = "\n".join(f"  {name:<20} {_title(b)}" for name, b in registry.items())
    result = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run Styrkedja's benchmarks (all of them unless named). They print figures; "
        "they are not tests.",
        epilog=f"benchmarks:\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    result.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="benchmark(s) to run (default: all)",
    )
    result.add_argument(
        "--postgres-url",
        default=None,
        help="an existing database, used only to CREATE/DROP a fresh bench database "
        f"(default: ${POSTGRES_URL_ENV} or {DEFAULT_POSTGRES_URL})",
    )
    result.add_argument(
        "--duration",
        type=_positive_float,
        default=10.0,
        help="measured seconds per configuration (default: %(default)s)",
    )
    result.add_argument(
        "--concurrency",
        type=_positive_int,
        default=None,
        help="concurrent clients (default: each benchmark's own, 16 or 32)",
    )
    result.add_argument(
        "--cases",
        type=_positive_ints,
        default=(10_000, 1_000_000),
        help="scale: database sizes in cases, comma-separated (default: 10000,1000000)",
    )
    result.add_argument(
        "--workers",
        type=_positive_ints,
        default=None,
        help="uvicorn worker counts to measure, comma-separated (default: each benchmark's own)",
    )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    argument_parser = parser()
    options = argument_parser.parse_args(argv)
    registry = {_name(b): b for b in BENCHMARKS}
    unknown = [name for name in options.names if name not in registry]
    if unknown:
        argument_parser.error(
            f"unknown benchmark(s): {', '.join(unknown)} (choose from {', '.join(registry)})"
        )
    args = BenchArgs(
        postgres_url=options.postgres_url or default_postgres_url(),
        duration=options.duration,
        concurrency=options.concurrency,
        cases=options.cases,
        workers=options.workers,
    )
    chosen = [registry[name] for name in options.names] or list(BENCHMARKS)
    for benchmark in chosen:
        console.rule(f"[bold]{_name(benchmark)}[/bold]: {_title(benchmark)}")
        benchmark.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
