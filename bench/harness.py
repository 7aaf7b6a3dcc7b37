"""The pieces every benchmark shares: a throwaway PostgreSQL database with the demo, the service
running as a real subprocess, a bounded load generator, and a rich table for the figures.

Why this shape: a benchmark should measure the service as it is deployed (uvicorn, real sockets,
PostgreSQL through psycopg 3), not through ``TestClient``, and it must leave nothing behind. So
the database is created per run and dropped ``WITH (FORCE)`` afterwards, and the server process
group is terminated (then killed) whatever happens in between.

The load generator is closed-loop: ``concurrency`` clients each send a request, wait for the
answer, and send the next. They are threads sharing one ``httpx.Client`` whose pool holds exactly
``concurrency`` keep-alive connections. Measured on this project's 2-core machine, that costs the
client about 1.2-1.5 ms of CPU per request against about 2.5-3 ms for the same load from one
``httpx.AsyncClient`` on an event loop (uvloop or not): the threads spend their waits in the
socket with the GIL released, and the sync client has no anyio layer. The load generator still
shares the machine with the server and PostgreSQL, so it measures its own CPU use (and the
server's, and the bench database's backends') and the printed figures say so.

Every load loop is bounded twice: in time (no request starts after warm-up + duration, each is
bounded by httpx's ``request_timeout``, and the threads are abandoned at a hard deadline) and in
count (``max_requests`` in total, warm-up included). Only ``http://127.0.0.1`` is ever targeted.
"""

from __future__ import annotations

import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import SQLAlchemyError

from app import migrations
from app.auth.tokens import mint
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.demo.loader import load_demo

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
POSTGRES_URL_ENV = "STYRKEDJA_BENCH_POSTGRES_URL"
DATABASE_PREFIX = "styrkedja_bench_"
LOOPBACK = "127.0.0.1"
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
DEFAULT_WARMUP_S = 2.0
DEFAULT_REQUEST_TIMEOUT_S = 10.0
DEFAULT_MAX_REQUESTS = 250_000

# Wide enough for the results table when the output is a file or a pipe (rich assumes 80).
console = Console(width=None if sys.stdout.isatty() else 160)


@dataclass(frozen=True)
class BenchArgs:
    """The options every benchmark takes (see ``python -m bench --help``). ``concurrency`` is
    None when not given: each benchmark has its own default (``clients_or``). ``cases`` are the
    database sizes of the scale benchmark; ``workers`` the uvicorn worker counts to measure (None:
    each benchmark's own)."""

    postgres_url: str = DEFAULT_POSTGRES_URL
    duration: float = 10.0
    concurrency: int | None = None
    cases: tuple[int, ...] = (10_000, 1_000_000)
    workers: tuple[int, ...] | None = None

    def clients_or(self, default: int) -> int:
        return self.concurrency if self.concurrency is not None else default


def default_postgres_url() -> str:
    return os.environ.get(POSTGRES_URL_ENV, DEFAULT_POSTGRES_URL)


def machine_cores() -> int:
    """Cores this process may run on (what the server, PostgreSQL and the client share)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def sharing_note(cores: int | None = None) -> str:
    cores = cores or machine_cores()
    return (
        f"This machine has {cores} CPU core{'s' if cores != 1 else ''}; the load generator, the "
        "server and PostgreSQL all run on it and share them, so the figures are lower than the "
        "server would reach alone."
    )


# --- a throwaway database -------------------------------------------------------------------


@dataclass(frozen=True)
class BenchDatabase:
    name: str
    url: str = field(repr=False)  # postgresql+psycopg://, password included, for the service
    admin_url: str = field(repr=False)

    @property
    def conninfo(self) -> str:
        """The database's URL as psycopg takes it (``postgresql://``), for raw SQL."""
        return make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)

    def sessions_opened(self) -> int | None:
        """Connections ever made to this database (``pg_stat_database.sessions``, PostgreSQL 14+;
        None before): the difference over a run shows connection churn."""
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                connection.execute(text("SELECT pg_stat_clear_snapshot()"))
                value = connection.execute(
                    text("SELECT sessions FROM pg_stat_database WHERE datname = :name"),
                    {"name": self.name},
                ).scalar()
        except SQLAlchemyError:
            return None
        finally:
            admin.dispose()
        return int(value) if value is not None else None


def _admin_url(postgres_url: str) -> str:
    return Settings(database_url=postgres_url).database_url


@contextmanager
def fresh_database(postgres_url: str, *, with_demo: bool = True) -> Iterator[BenchDatabase]:
    """A new database ``styrkedja_bench_<random>`` on the server of ``postgres_url`` (which is used
    only to CREATE and DROP it), migrated to the newest revision, the demo loaded when asked.
    Dropped ``WITH (FORCE)`` afterwards, also when the body raises."""
    admin_url = make_url(_admin_url(postgres_url))
    name = DATABASE_PREFIX + secrets.token_hex(6)
    assert re.fullmatch(r"[a-z0-9_]+", name), name  # safe to quote into DDL
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin_url.set(database=name).render_as_string(hide_password=False)
            engine = make_engine(url)
            try:
                migrations.upgrade(engine)
                if with_demo:
                    with session_scope(make_sessionmaker(engine)) as session:
                        load_demo(session)
            finally:
                engine.dispose()
            yield BenchDatabase(
                name=name, url=url, admin_url=admin_url.render_as_string(hide_password=False)
            )
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


# --- the service as a subprocess ------------------------------------------------------------


@dataclass(frozen=True)
class RunningService:
    base_url: str
    pid: int  # also the process group id: uvicorn's workers are in the same group
    workers: int
    log_path: Path
    settings: Settings = field(repr=False)

    def token(self, username: str, ttl: timedelta = timedelta(hours=1)) -> str:
        """A bearer token the running service accepts, for ``username``."""
        return mint(self.settings, username, ttl)

    def log_problems(self, limit: int = 5) -> tuple[int, list[str]]:
        """How many lines of the server's log so far look like trouble, and the first few."""
        pattern = re.compile(r"Traceback|ERROR|CRITICAL|Exception|\" 5\d\d\b")
        hits = [
            line.rstrip()
            for line in self.log_path.read_text(errors="replace").splitlines()
            if pattern.search(line)
        ]
        return len(hits), hits[:limit]


def styrkedja_executable() -> str:
    beside = Path(sys.executable).parent / "styrkedja"
    if beside.exists():
        return str(beside)
    found = shutil.which("styrkedja")
    if found is None:
        raise RuntimeError("the 'styrkedja' command is not installed (pip install -e .)")
    return found


def free_port() -> int:
    """A port on 127.0.0.1 free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_ready(process: subprocess.Popen[bytes], base_url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    with httpx.Client(base_url=base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the service exited with code {process.returncode} before it was ready:\n"
                    + _tail(log)
                )
            try:
                response = client.get("/health/ready")
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.1)
    raise RuntimeError(f"the service was not ready within {timeout:.0f} s ({last}):\n" + _tail(log))


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (uvicorn and its workers), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, STOP_TIMEOUT_S), (signal.SIGKILL, STOP_TIMEOUT_S)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # Reap any worker that outlived its parent (same group, started by us).
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def running_service(
    database_url: str,
    *,
    workers: int = 1,
    access_log: bool = False,
    ready_timeout: float = READY_TIMEOUT_S,
    settings: Mapping[str, str] | None = None,
) -> Iterator[RunningService]:
    """``styrkedja serve`` on 127.0.0.1 and a free port, against ``database_url``, with a random
    JWT secret; yields once ``/health/ready`` answers 200. Always terminated afterwards. Its output
    goes to a temporary log file (kept only for the duration of the block). The access log is off
    by default: it measures the log writer, not the service. ``settings`` are further
    ``STYRKEDJA_*`` variables (e.g. ``{"STYRKEDJA_DATABASE_POOL_SIZE": "10"}``)."""
    secret = secrets.token_urlsafe(48)
    port = free_port()
    base_url = f"http://{LOOPBACK}:{port}"
    extra = dict(settings or {})
    if any(not name.startswith("STYRKEDJA_") for name in extra):
        raise ValueError("only STYRKEDJA_* settings may be passed to the service")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("STYRKEDJA_")},
        **extra,
        "STYRKEDJA_DATABASE_URL": database_url,
        "STYRKEDJA_JWT_SECRET": secret,
    }
    command = [styrkedja_executable(), "serve", "--host", LOOPBACK, "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    if not access_log:
        command.append("--no-access-log")
    with tempfile.TemporaryDirectory(prefix="styrkedja-bench-") as tmp:
        log_path = Path(tmp) / "server.log"
        log: IO[bytes]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                env=env,
                cwd=tmp,  # no stray .env file is read
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so workers stop with it
            )
            try:
                _wait_ready(process, base_url, log_path, ready_timeout)
                yield RunningService(
                    base_url=base_url,
                    pid=process.pid,
                    workers=workers,
                    log_path=log_path,
                    settings=Settings(database_url=database_url, jwt_secret=SecretStr(secret)),
                )
            finally:
                _stop(process)


# --- CPU accounting (Linux /proc; None elsewhere) -------------------------------------------


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _process_ticks(*, pgid: int | None, database: str | None) -> dict[int, tuple[str, int]]:
    """CPU ticks (user + system) of each live process that is in process group ``pgid`` (the
    server: ``"server"``) or a PostgreSQL backend connected to ``database`` (its title names the
    database: ``"postgres"``)."""
    found: dict[int, tuple[str, int]] = {}
    marker = f" {database} " if database else None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rfind(")") + 2 :].split()
            ticks = int(fields[11]) + int(fields[12])
            if pgid is not None and int(fields[2]) == pgid:
                found[int(entry.name)] = ("server", ticks)
            elif marker and marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found[int(entry.name)] = ("postgres", ticks)
        except (OSError, IndexError, ValueError):
            continue  # it exited meanwhile
    return found


def server_cpu_seconds(service: RunningService) -> dict[int, float]:
    """CPU seconds each live process of the server has used so far, by pid."""
    return {
        pid: ticks / _TICKS
        for pid, (_, ticks) in _process_ticks(pgid=service.pid, database=None).items()
    }


def _used_seconds(
    before: dict[int, tuple[str, int]], after: dict[int, tuple[str, int]], kind: str
) -> float:
    """CPU seconds the processes of ``kind`` alive at the end used since ``before`` (a process
    that exited in between is missed, never counted negative)."""
    ticks = sum(
        max(now - (before[pid][1] if pid in before else 0), 0)
        for pid, (what, now) in after.items()
        if what == kind
    )
    return ticks / _TICKS


def _machine_busy_seconds() -> float:
    """Busy CPU seconds of the whole machine since boot, from /proc/stat."""
    first = Path("/proc/stat").read_text().splitlines()[0].split()
    values = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    return (sum(values) - values[3] - values[4]) / _TICKS


@dataclass(frozen=True)
class CpuUse:
    """CPU used during the measured phase, in cores (1.0 = one core fully busy). Server and
    PostgreSQL figures are None where /proc is missing; PostgreSQL's misses backends that exited
    during the phase."""

    client: float
    server: float | None = None
    postgres: float | None = None
    machine: float | None = None

    @property
    def other(self) -> float | None:
        """What neither the client, the server nor the bench database's backends used: other
        programs on the machine (a busy neighbour makes the figures unreliable), the kernel."""
        if self.machine is None or self.server is None or self.postgres is None:
            return None
        return max(self.machine - self.client - self.server - self.postgres, 0.0)


class CpuMeter:
    """Measures CPU use between ``start()`` and ``stop()``: this process (the client), the
    server's process group, the PostgreSQL backends of one database, and the whole machine."""

    def __init__(self, *, server_pgid: int | None = None, database: str | None = None) -> None:
        self._pgid = server_pgid
        self._database = database
        self._proc = Path("/proc/stat").exists()

    def _sample(self) -> tuple[float, float, float, dict[int, tuple[str, int]]]:
        wall, client = time.perf_counter(), time.process_time()
        if not self._proc:
            return wall, client, 0.0, {}
        processes = _process_ticks(pgid=self._pgid, database=self._database)
        return wall, client, _machine_busy_seconds(), processes

    def start(self) -> None:
        self._start = self._sample()

    def stop(self) -> CpuUse:
        wall, client, machine, processes = self._sample()
        wall0, client0, machine0, processes0 = self._start
        elapsed = wall - wall0
        client_use = (client - client0) / elapsed
        if not self._proc:
            return CpuUse(client=client_use)
        server = _used_seconds(processes0, processes, "server") / elapsed
        postgres = _used_seconds(processes0, processes, "postgres") / elapsed
        return CpuUse(
            client=client_use,
            server=server if self._pgid is not None else None,
            postgres=postgres if self._database is not None else None,
            machine=(machine - machine0) / elapsed,
        )


# --- memory of the server's processes (Linux /proc) -----------------------------------------


@dataclass(frozen=True)
class ProcessMemory:
    """One process of the server: its role, and its resident memory now and at its peak
    (``VmHWM``, which the kernel keeps for the process's whole life: no sampling can miss it)."""

    pid: int
    role: str  # "worker" (serves requests), "supervisor" (uvicorn's parent of workers), "helper"
    rss_mb: float
    peak_rss_mb: float


def _status_kb(status: str, key: str) -> float:
    match = re.search(rf"^{key}:\s+(\d+) kB", status, re.MULTILINE)
    return float(match[1]) if match else math.nan


def server_memory(service: RunningService) -> list[ProcessMemory]:
    """The memory of each live process of the server's process group. With one worker the
    ``styrkedja serve`` process is the worker; with more, it is the supervisor and the workers
    are the processes multiprocessing spawned (``spawn_main`` in their command line)."""
    found: list[ProcessMemory] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat[stat.rfind(")") + 2 :].split()[2]) != service.pid:
                continue
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue  # it exited meanwhile
        pid = int(entry.name)
        if pid == service.pid:
            role = "worker" if service.workers == 1 else "supervisor"
        else:
            role = "worker" if "spawn_main" in cmdline else "helper"
        found.append(
            ProcessMemory(
                pid=pid,
                role=role,
                rss_mb=_status_kb(status, "VmRSS") / 1024,
                peak_rss_mb=_status_kb(status, "VmHWM") / 1024,
            )
        )
    return sorted(found, key=lambda process: process.pid)


def worker_peak_rss_mb(service: RunningService) -> float:
    """The highest peak RSS of any worker (nan where /proc is missing)."""
    peaks = [p.peak_rss_mb for p in server_memory(service) if p.role == "worker"]
    return max(peaks) if peaks else math.nan


# --- the load generator ---------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    """Figures of the measured phase. Latencies are of successful (2xx) requests only."""

    requests: int  # completed in the measured phase, errors included
    errors: int
    elapsed_s: float
    latencies_ms: Sequence[float] = field(repr=False)
    error_kinds: Counter[str]
    capped: bool  # the request cap, not the clock, ended the run
    cpu: CpuUse

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def successes_per_s(self) -> float:
        """Successful calls per second (a write's throughput: failures wrote nothing)."""
        ok = self.requests - self.errors
        return ok / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of the successful requests' latency, in ms (nan if none)."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        rank = max(1, math.ceil(q / 100 * len(ordered)))
        return ordered[rank - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p90(self) -> float:
        return self.percentile(90)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def max_ms(self) -> float:
        return max(self.latencies_ms) if self.latencies_ms else math.nan


def _require_loopback(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname != LOOPBACK:
        raise ValueError(f"benchmarks only load http://{LOOPBACK}, not {url!r}")


Call = Callable[[int], str | None]
"""One request of a closed-loop client, given the client's index (0 … concurrency − 1): None if it
succeeded, else the kind of failure (``"HTTP 409 WRONG_STATE"``, an exception's name), counted."""


class _ClosedLoop:
    """``concurrency`` threads, each making the next call when the last one has answered. A call
    counts when it was *started* in the measured phase."""

    def __init__(
        self, call: Call, *, measure_from: float, stop_at: float, max_requests: int
    ) -> None:
        self._call = call
        self._measure_from = measure_from
        self._stop_at = stop_at
        self._max_requests = max_requests
        self._lock = threading.Lock()
        self.issued = 0
        self.latencies_ms: list[float] = []
        self.error_kinds: Counter[str] = Counter()
        self.last_done = measure_from

    def _may_send(self) -> bool:
        with self._lock:
            if self.issued >= self._max_requests:
                return False
            self.issued += 1
            return True

    def figures(self) -> tuple[list[float], Counter[str], float]:
        """What the finished client threads recorded: latencies, error kinds, last answer."""
        with self._lock:
            return list(self.latencies_ms), Counter(self.error_kinds), self.last_done

    def client_thread(self, index: int) -> None:
        clock = time.perf_counter
        latencies: list[float] = []
        kinds: Counter[str] = Counter()
        last_done = self._measure_from
        while clock() < self._stop_at and self._may_send():
            sent = clock()
            try:
                kind = self._call(index)
            except Exception as exc:  # every failure is a figure, not a crash
                kind = type(exc).__name__
            done = clock()
            if sent < self._measure_from:
                continue
            last_done = max(last_done, done)
            if kind is None:
                latencies.append((done - sent) * 1000)
            else:
                kinds[kind] += 1
        with self._lock:
            self.latencies_ms.extend(latencies)
            self.error_kinds.update(kinds)
            self.last_done = max(self.last_done, last_done)


def closed_loop(
    call: Call,
    *,
    concurrency: int,
    duration: float,
    warmup: float = DEFAULT_WARMUP_S,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    grace: float = 4 * DEFAULT_REQUEST_TIMEOUT_S,
    server_pid: int | None = None,
    database: str | None = None,
) -> LoadResult:
    """Run ``call`` from ``concurrency`` closed-loop client threads: ``warmup`` seconds
    unmeasured, then ``duration`` seconds measured; never more than ``max_requests`` calls in
    all. No call starts after warm-up + duration; ``call`` must bound each call itself (an HTTP
    timeout, a statement timeout) so that all end within ``grace`` seconds after that; a thread
    still busy then is abandoned (daemon) and reported as an error. The CPU use of the client,
    of ``server_pid``'s process group and of ``database``'s PostgreSQL backends is measured over
    the measured phase."""
    if concurrency < 1 or duration <= 0 or warmup < 0 or max_requests < 1:
        raise ValueError("concurrency, duration and max_requests must be positive")
    meter = CpuMeter(server_pgid=server_pid, database=database)
    start = time.perf_counter()
    loop = _ClosedLoop(
        call,
        measure_from=start + warmup,
        stop_at=start + warmup + duration,
        max_requests=max_requests,
    )
    threads = [
        threading.Thread(
            target=loop.client_thread, args=(i,), name=f"bench-client-{i}", daemon=True
        )
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    time.sleep(max(start + warmup - time.perf_counter(), 0.0))
    meter.start()
    deadline = start + warmup + duration + grace + 1.0
    for thread in threads:
        thread.join(timeout=max(deadline - time.perf_counter(), 0.0))
    stuck = sum(thread.is_alive() for thread in threads)
    cpu = meter.stop()
    latencies, error_kinds, last_done = loop.figures()
    if stuck:
        error_kinds["client thread stuck past the deadline"] += stuck
    return LoadResult(
        requests=len(latencies) + sum(error_kinds.values()),
        errors=sum(error_kinds.values()),
        elapsed_s=max(last_done - (start + warmup), 0.0),
        latencies_ms=latencies,
        error_kinds=error_kinds,
        capped=loop.issued >= max_requests,
        cpu=cpu,
    )


def http_client(
    base_url: str,
    *,
    concurrency: int,
    headers: dict[str, str] | None = None,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT_S,
) -> httpx.Client:
    """The load's HTTP client: a pool of exactly ``concurrency`` keep-alive connections to
    ``base_url`` (``http://127.0.0.1`` only), each request bounded by ``request_timeout``."""
    _require_loopback(base_url)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.Client(
        base_url=base_url,
        headers=headers or {},
        limits=limits,
        timeout=request_timeout,
        trust_env=False,  # no proxy from the environment between us and 127.0.0.1
    )


def failure(response: httpx.Response) -> str | None:
    """None for a 2xx answer, else its status and, for a problem+json body, its ``code``."""
    if response.is_success:
        return None
    code = ""
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        with suppress(ValueError, AttributeError):
            code = f" {response.json().get('code', '')}"
    return f"HTTP {response.status_code}{code}"


def generate_load(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    concurrency: int,
    duration: float,
    warmup: float = DEFAULT_WARMUP_S,
    max_requests: int = DEFAULT_MAX_REQUESTS,
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT_S,
    server_pid: int | None = None,
    database: str | None = None,
) -> LoadResult:
    """GET ``url`` from ``concurrency`` closed-loop clients (``closed_loop``) sharing one
    ``httpx.Client``. Each request is bounded by ``request_timeout`` (httpx's connect, write,
    pool and read timeouts), so the whole run ends within warm-up + duration + 4 ×
    ``request_timeout``."""
    _require_loopback(url)
    with http_client(
        url, concurrency=concurrency, headers=headers, request_timeout=request_timeout
    ) as client:
        return closed_loop(
            lambda _: failure(client.get(url)),
            concurrency=concurrency,
            duration=duration,
            warmup=warmup,
            max_requests=max_requests,
            grace=4 * request_timeout,
            server_pid=server_pid,
            database=database,
        )


# --- printing -------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.1f}"


def _cores(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def results_table(title: str, rows: Sequence[tuple[dict[str, str], LoadResult]]) -> Table:
    """One row per configuration: the configuration's own columns (same keys on every row), then
    the load figures and the CPU each party used (in cores, see ``CpuUse``)."""
    table = Table(title=title, title_justify="left")
    config_columns = list(rows[0][0]) if rows else []
    for name in config_columns:
        table.add_column(name, justify="right")
    for name in ("requests", "errors", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"):
        table.add_column(name, justify="right")
    for name in ("CPU client", "server", "PG", "other"):
        table.add_column(name, justify="right", style="dim")
    for config, result in rows:
        table.add_row(
            *(config[name] for name in config_columns),
            f"{result.requests}{' (cap)' if result.capped else ''}",
            str(result.errors),
            f"{result.requests_per_s:.1f}",
            _ms(result.p50),
            _ms(result.p90),
            _ms(result.p99),
            _ms(result.max_ms),
            _cores(result.cpu.client),
            _cores(result.cpu.server),
            _cores(result.cpu.postgres),
            _cores(result.cpu.other),
        )
    return table
