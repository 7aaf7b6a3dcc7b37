"""Loads cases with their sealed histories into a bench database through COPY, fast: the scale
benchmark's 10k to 1M cases (~10 events each) and the write benchmarks' pools of cases.

What a case is and which steps led to its state is ``bench.histories``; here each case is placed
in time (created between 2019 and a day ago, its events spread after that, the last before
now), numbered in its organ's diary series for the year of its registration (Europe/Stockholm;
each series continues from where the database has it, and is raised to the last number given),
and its events sealed into its hash chain exactly as ``app.audit.chain`` seals them: ``hash =
SHA-256(prev_hash ‖ canonical JSON)``, the first from the genesis value, the case row keeping the
head. The canonical text is assembled from pre-sorted parts for speed, so before anything is
written the events of the first cases are checked against ``app.audit.chain.canonical``.

Why COPY and hand-made rows: through the services a case with its history costs tens of
milliseconds, and a million of them would take hours. Three COPY streams (cases, events,
assessment revisions) run at once on three connections, each fed from a queue by its own
thread, so PostgreSQL ingests while Python generates. Foreign keys are not checked during the
load (``session_replication_role = replica``: PostgreSQL skips the FK triggers; every reference
is to a row read from the database or written in the same load), primary and unique keys are.
Afterwards the id sequences are moved past the new rows and the tables vacuumed and analysed, as
a long-lived database would be, so the planner and index-only scans see what they would, and a
checkpoint writes the load out before anything is measured.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from hashlib import sha256
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg import sql
from psycopg.copy import Copy, QueuedLibpqWriter

from app.audit.chain import GENESIS
from app.audit.chain import canonical as sealed_text
from app.cases.list_query import sort_key
from app.demo.cases import SIMPLIFIED
from app.kit.calendar import end_of
from app.organisation.diary_format import DiaryFormat
from app.workflows.deadlines import due_on
from app.workflows.definition import Definition, builtin
from app.workflows.registry import engine_for
from bench.histories import (
    ORGAN_SHARES,
    PARTIAL_ASSESSMENT,
    CasePlan,
    Department,
    OrganPlan,
    approve_payload,
    canonical,
    plan_case,
    prioritise_payload,
    quoted,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST_DAY = datetime(2019, 1, 1, tzinfo=UTC)
US = 1_000_000
CET_US = 3600 * US  # Sweden's winter offset: the year of a moment around New Year
CHUNK = 2_000  # cases per write
CHECKED_CASES = 200  # whose events are checked against app.audit.chain before any write
SEED = 5
TABLES = ("cases", "case_events", "assessment_revisions")

CASE_COLUMNS = (
    "id, diary_number, title, description, problem, organ_id, unit_id, matter_type, origin, "
    "origin_case_id, estimated_cost_sek, flags, appeal_route, confidential, workflow_id, state, "
    "route, assessment_level, pending_referral, priority_period, priority_score, priority_rank, "
    "last_event_seq, last_event_hash, version, registered_by_person_id, "
    "registered_by_api_key_id, created_at, updated_at, diary_sort_key, secrecy_provision, "
    "secrecy_marked_on, secrecy_marked_by, case_officer_person_id, due_at"
)
# Event and revision ids come from their sequences, in the order the rows arrive.
EVENT_COLUMNS = (
    "case_id, seq, kind, trigger, from_state, to_state, payload, authority, actor_person_id, "
    "actor_api_key_id, created_at, prev_hash, hash"
)
REVISION_COLUMNS = (
    "case_id, revision, level, content, referral_response, created_at, created_by_person_id"
)
COMPLETE_CONTENT = canonical(SIMPLIFIED)
PARTIAL_CONTENT = canonical(PARTIAL_ASSESSMENT)
CREATED_AT = ',"created_at":"'
WORKFLOW = ("measure", 2)  # what the service pins new cases to (``definitions.SHIPPED``)
SECRECY_PROVISION = "OSL 26 kap. 1 §"


@cache
def _parts(
    actor: int,
    authority: str,
    from_state: str | None,
    kind: str,
    payload: str,
    to_state: str | None,
    trigger: str | None,
) -> tuple[str, str, str, str]:
    """An event's sealed JSON (``app.audit.chain.canonical``: keys sorted, no whitespace) less
    what differs from case to case, ``{before}{case_id},"created_at":"{moment}{between}{seq}
    {after}``, and its COPY columns from ``kind`` to ``actor_api_key_id``."""
    before = (
        f'{{"actor_api_key_id":null,"actor_person_id":{actor},"authority":{authority},"case_id":'
    )
    between = f'","from_state":{quoted(from_state)},"kind":"{kind}","payload":{payload},"seq":'
    after = f',"to_state":{quoted(to_state)},"trigger":{quoted(trigger)}}}'
    row = "\t".join(
        (
            kind, _nullable(trigger), _nullable(from_state), _nullable(to_state),
            _copy_text(payload), _copy_text(authority), str(actor), "\\N",
        )
    )  # fmt: skip
    return before, between, after, row


@dataclass(frozen=True)
class Population:
    """What the generated rows refer to, read from the database (the demo's organisation)."""

    workflow_id: int
    definition: Definition  # the workflow version's, for each case's deadline
    organs: dict[str, OrganPlan]
    formats: dict[str, DiaryFormat]
    usernames: dict[int, str]
    series: dict[tuple[int, int], int]
    next_ids: dict[str, int]  # table -> first free id


@dataclass
class Generated:
    """What a load wrote and how long it took."""

    cases: int = 0
    events: int = 0
    revisions: int = 0
    megabytes: float = 0.0
    load_s: float = 0.0  # generating, COPY and commit, overlapped
    vacuum_s: float = 0.0  # VACUUM (ANALYZE) of the three tables, then CHECKPOINT
    first_case_id: int = 0
    last_case_id: int = 0
    fk_checks_skipped: bool = False
    proposed: list[tuple[int, str]] = field(default_factory=list)  # (id, organ) in 'proposed'
    states: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    population: Population | None = None  # who acts for each organ, as read before the load

    @property
    def events_per_case(self) -> float:
        return self.events / self.cases if self.cases else 0.0


def _rows(connection: psycopg.Connection[Any], query: str) -> list[tuple[Any, ...]]:
    return connection.execute(query).fetchall()


def read_population(connection: psycopg.Connection[Any]) -> Population:
    organs = {code: (oid, seats, fmt, name) for oid, code, seats, fmt, name in _rows(
        connection, "SELECT id, code, seats, diary_format, name FROM organs"
    )}  # fmt: skip
    seats_of: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for organ_id, person_id, role in _rows(
        connection,
        "SELECT organ_id, person_id, role::text FROM memberships "
        "WHERE valid_to IS NULL OR valid_to >= current_date",
    ):
        seats_of[organ_id].append((role.lower(), person_id))
    units = {uid: (code, parent) for uid, code, parent in _rows(
        connection, "SELECT id, code, parent_id FROM units"
    )}  # fmt: skip
    served: dict[int, list[int]] = defaultdict(list)
    for unit_id, organ_id in _rows(connection, "SELECT unit_id, organ_id FROM unit_organs"):
        served[organ_id].append(unit_id)
    posts: dict[tuple[int, str], list[int]] = defaultdict(list)
    for unit_id, person_id, role in _rows(
        connection,
        "SELECT unit_id, person_id, role::text FROM positions "
        "WHERE valid_to IS NULL OR valid_to >= current_date ORDER BY id",
    ):
        posts[(unit_id, role.lower())].append(person_id)
    matters: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for organ_id, code, route in _rows(
        connection, "SELECT organ_id, code, appeal_route FROM matter_types ORDER BY code"
    ):
        matters[organ_id].append((code, route))

    def first(unit_id: int, role: str) -> int | None:
        found = posts.get((unit_id, role))
        return found[0] if found else None

    plans: dict[str, OrganPlan] = {}
    for code in ORGAN_SHARES:
        if code not in organs:
            continue
        organ_id, seats, _, name = organs[code]
        tops = [u for u in served[organ_id] if units[u][1] is None]
        roles = seats_of[organ_id]
        secretary = next((p for r, p in roles if r == "secretary"), None)
        head = first(tops[0], "head_of_administration") if tops else None
        if not tops or secretary is None or head is None:
            continue  # nobody to prepare or record its cases
        top = tops[0]
        children = [u for u in served[organ_id] if units[u][1] == top] or [top]
        plans[code] = OrganPlan(
            id=organ_id,
            code=code,
            seats=seats,
            present=tuple(sorted(p for r, p in roles if r in ("chair", "vice_chair", "member"))),
            secretary=secretary,
            administration=units[top][0],
            head=head,
            registrar=first(top, "registrar"),
            departments=tuple(
                Department(u, units[u][0], first(u, "unit_manager"), first(u, "case_officer"))
                for u in sorted(children)
            ),
            matter_types=tuple(matters[organ_id]),
            name=name,
        )
    if not plans:
        raise RuntimeError("no organ of the demo to generate cases for (load the demo first)")
    workflow_id, definition = _workflow(connection)
    next_ids: dict[str, int] = {}
    for table in TABLES:
        query = sql.SQL("SELECT coalesce(max(id), 0) + 1 FROM {}").format(sql.Identifier(table))
        next_ids[table] = int(connection.execute(query).fetchone()[0])  # type: ignore[index]
    series = _rows(connection, "SELECT organ_id, year, last_seq FROM diary_series")
    return Population(
        workflow_id=workflow_id,
        definition=definition,
        organs=plans,
        formats={code: DiaryFormat.of(organs[code][2], code) for code in plans},
        usernames=dict(_rows(connection, "SELECT id, username FROM people")),
        series={(organ, year): last for organ, year, last in series},
        next_ids=next_ids,
    )


def _workflow(connection: psycopg.Connection[Any]) -> tuple[int, Definition]:
    """The workflow version new cases are pinned to, stored as the service stores a shipped
    version on first use (``app.cases.service.definitions``) if no registration has yet, with
    the versions before it."""
    key, newest = WORKFLOW
    for version in range(1, newest + 1):
        shipped = builtin(key, version)
        connection.execute(
            "INSERT INTO workflow_definitions (key, version, body, checksum, created_at) "
            "SELECT %s, %s, %s, %s, now() WHERE NOT EXISTS "
            "(SELECT 1 FROM workflow_definitions WHERE key = %s AND version = %s)",
            (key, version, json.dumps(shipped.body()), shipped.checksum(), key, version),
        )
    connection.commit()
    row = connection.execute(
        "SELECT id, body, checksum FROM workflow_definitions WHERE key = %s AND version = %s",
        (key, newest),
    ).fetchone()
    assert row is not None
    return int(row[0]), engine_for(row[1], row[2]).definition


DAY_US = 86_400 * US
_days: dict[int, str] = {}


def _iso(us: int) -> str:
    """``2024-03-05T10:11:12.123456+00:00``, as ``app.audit.chain.timestamp`` writes a UTC
    moment (the date part cached: formatting a datetime is a tenth of an event's cost)."""
    day, rest = divmod(us, DAY_US)
    prefix = _days.get(day)
    if prefix is None:
        prefix = _days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%dT")
    seconds, micro = divmod(rest, US)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return f"{prefix}{hour:02d}:{minute:02d}:{second:02d}.{micro:06d}+00:00"


_local_days: dict[int, date] = {}


def _local_date(us: int) -> date:
    """The day in Sweden of a moment (cached by the hour)."""
    hour = us // (3600 * US)
    found = _local_days.get(hour)
    if found is None:
        moment = EPOCH + timedelta(hours=hour)
        found = _local_days[hour] = moment.astimezone(STOCKHOLM).date()
    return found


REGISTERED_TEXT = (
    '{"appeal_route":%s,"case_officer_id":%s,"confidential":%s,"description":null,'
    '"diary_number":%s,"diary_number_imported":false,"estimated_cost_sek":%d,"flags":[],'
    '"matter_type":%s,"organ":%s,"origin":%s,"origin_case_id":null,"problem":%s,'
    '"secrecy":%s,"title":%s,"unit":%s}'
)
"""The registration event's payload as ``records.new_case`` writes it, keys sorted."""


def _copy_text(value: str) -> str:
    """A value in COPY's text format (the generated text has no tab, newline or CR)."""
    return value.replace("\\", "\\\\") if "\\" in value else value


def _nullable(value: object, null: str = "\\N") -> str:
    return null if value is None else str(value)


class _Rows:
    """Turns case plans into COPY lines: the case, its sealed events, its revisions."""

    def __init__(self, population: Population, now_us: int) -> None:
        self.population = population
        self.now_us = now_us
        self.cases: list[str] = []
        self.events: list[str] = []
        self.revisions: list[str] = []
        self.checked: list[tuple[str, dict[str, Any]]] = []  # (our text, the content) to compare
        self._deadlines: dict[tuple[str, str, date, date], str] = {}

    def add(
        self,
        rng: random.Random,
        plan: CasePlan,
        registration: tuple[int, int, str],
        check: bool,
    ) -> None:
        """Add the case ``plan`` as ``registration``: its id, its moment, its diary number."""
        organ = plan.organ
        case_id, created_us, number = registration
        marked_on = _local_date(created_us).isoformat() if plan.confidential else None
        secrecy = (
            canonical(
                {"provision": SECRECY_PROVISION, "marked_on": marked_on, "marked_by": organ.name}
            )
            if plan.confidential
            else "null"
        )
        registered = REGISTERED_TEXT % (
            quoted(plan.appeal_route), _nullable(plan.case_officer, "null"),
            "true" if plan.confidential else "false", canonical(number), plan.costs[0],
            quoted(plan.matter_type), quoted(organ.code), quoted(plan.origin),
            quoted(plan.problem), secrecy, quoted(plan.title), quoted(plan.department.code),
        )  # fmt: skip
        steps = plan.steps
        span = (self.now_us - created_us) / len(steps)
        moment, prev, period, entered_us = created_us, GENESIS, None, created_us
        revision = 0
        events = self.events
        for seq_no, step in enumerate(steps, start=1):
            if seq_no > 1:
                moment += int(span * (0.3 + 0.7 * rng.random()))
                if step.to_state != step.from_state:
                    entered_us = moment
            created = _iso(moment)
            payload, authority = step.payload, step.authority
            if seq_no == 1:
                payload = registered
            elif step.decision:
                local = _local_date(moment)
                authority = organ.meeting(local)
                if step.trigger == "approve":
                    payload = approve_payload(local.isoformat())
                elif step.trigger == "prioritise":
                    period = str(local.year + 1)
                    payload = prioritise_payload(plan.prioritised_score or 0.0, period)
            before, between, after, row = _parts(
                step.actor, authority, step.from_state, step.kind, payload, step.to_state,
                step.trigger,
            )  # fmt: skip
            text = f"{before}{case_id}{CREATED_AT}{created}{between}{seq_no}{after}"
            digest = sha256((prev + text).encode()).hexdigest()
            events.append(f"{case_id}\t{seq_no}\t{row}\t{created}\t{prev}\t{digest}")
            if check:
                self.checked.append(
                    (text, _content(case_id, seq_no, step, payload, authority, moment))
                )
            if step.kind == "assessment_revised":
                content = COMPLETE_CONTENT if plan.revisions[revision] else PARTIAL_CONTENT
                revision += 1
                self.revisions.append(
                    f"{case_id}\t{revision}\tsimplified\t{content}\t\\N\t{created}\t{step.actor}"
                )
            prev = digest
        n = len(steps)
        self.cases.append(
            "\t".join(
                (
                    str(case_id), _copy_text(number), _copy_text(plan.title), "\\N",
                    _copy_text(plan.problem), str(organ.id), str(plan.department.id),
                    _nullable(plan.matter_type), plan.origin, "\\N", str(plan.costs[-1]), "[]",
                    plan.appeal_route, "t" if plan.confidential else "f",
                    str(self.population.workflow_id), plan.state, _nullable(plan.route),
                    "simplified" if plan.assessed else "\\N", "\\N", _nullable(period),
                    _nullable(plan.prioritised_score), "\\N", str(n), prev, str(n),
                    str(plan.registrant), "\\N", _iso(created_us), _iso(moment),
                    _copy_text(sort_key(number)),
                    SECRECY_PROVISION if plan.confidential else "\\N", _nullable(marked_on),
                    _copy_text(organ.name) if plan.confidential else "\\N",
                    _nullable(plan.case_officer),
                    self._due_at(plan.state, plan.origin, entered_us, created_us),
                )
            )
        )  # fmt: skip

    def _due_at(self, state: str, origin: str, entered_us: int, registered_us: int) -> str:
        """``app.cases.service.deadlines.due_at`` of the case as it stands (cached by the days:
        the limits count whole days in Sweden)."""
        key = (state, origin, _local_date(entered_us), _local_date(registered_us))
        found = self._deadlines.get(key)
        if found is None:
            day = due_on(
                self.population.definition,
                state=state,
                origin=origin,
                entered_on=key[2],
                registered_on=key[3],
            )
            found = self._deadlines[key] = "\\N" if day is None else end_of(day).isoformat()
        return found

    def take(self) -> tuple[bytes, bytes, bytes]:
        """The lines gathered since the last take, as COPY data."""
        data = tuple(
            ("\n".join(lines) + "\n").encode() if lines else b""
            for lines in (self.cases, self.events, self.revisions)
        )
        self.cases, self.events, self.revisions = [], [], []
        return data  # type: ignore[return-value]


def _content(
    case_id: int, seq: int, step: Any, payload: str, authority: str, moment: int
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "seq": seq,
        "kind": step.kind,
        "trigger": step.trigger,
        "from_state": step.from_state,
        "to_state": step.to_state,
        "payload": json.loads(payload),
        "authority": json.loads(authority),
        "actor_person_id": step.actor,
        "actor_api_key_id": None,
        "created_at": EPOCH + timedelta(microseconds=moment),
    }


def _check(rows: _Rows) -> None:
    """Our fast canonical text must be the chain's, or every hash would be wrong."""
    for ours, content in rows.checked:
        if ours != sealed_text(content):
            raise RuntimeError(
                f"generated event text differs from app.audit.chain.canonical:\n{ours}\n"
                f"{sealed_text(content)}"
            )
    rows.checked = []


@contextmanager
def _copies(conninfo: str) -> Iterator[tuple[list[Copy], bool]]:
    """Three COPY streams (cases, events, revisions), each on its own connection and fed by its
    own thread; committed together when the block ends without an error."""
    with ExitStack() as stack:
        copies: list[Copy] = []
        connections: list[psycopg.Connection[Any]] = []
        skipped = True
        for table, columns in (
            ("cases", CASE_COLUMNS),
            ("case_events", EVENT_COLUMNS),
            ("assessment_revisions", REVISION_COLUMNS),
        ):
            connection = stack.enter_context(psycopg.connect(conninfo))
            try:
                connection.execute("SET session_replication_role = replica")
            except psycopg.errors.InsufficientPrivilege:
                connection.rollback()
                skipped = False  # not a superuser: the FK triggers run, slower
            cursor = stack.enter_context(connection.cursor())
            statement = f"COPY {table} ({columns}) FROM STDIN"
            copies.append(
                stack.enter_context(cursor.copy(statement, writer=QueuedLibpqWriter(cursor)))
            )
            connections.append(connection)
        yield copies, skipped
        stack.close()  # ends the COPYs (and commits each connection on a clean exit)


@dataclass(frozen=True)
class _Chunk:
    """Cases to generate in one piece of work: each one's organ, id, moment and diary number."""

    index: int
    organs: list[str]
    registrations: list[tuple[int, int, str]]


@dataclass
class _ChunkRows:
    data: tuple[bytes, bytes, bytes]  # COPY data of cases, events, revisions
    events: int
    revisions: int
    states: dict[str, int]
    proposed: list[tuple[int, str]]


_WORK: dict[str, Any] = {}  # a worker's population, now, state shares and seed (set once)


def _set_work(
    population: Population, now_us: int, states: Mapping[str, float] | None, seed: int
) -> None:
    _WORK.update(population=population, now_us=now_us, states=states, seed=seed)


def _rows_of(chunk: _Chunk) -> _ChunkRows:
    """One chunk's rows, from its own random stream (so the result does not depend on which
    process made it); the first chunk's first cases are checked against the chain's text."""
    population: Population = _WORK["population"]
    rng = random.Random(f"{_WORK['seed']}-{chunk.index}")
    rows = _Rows(population, _WORK["now_us"])
    found = _ChunkRows((b"", b"", b""), 0, 0, defaultdict(int), [])
    for n, (code, registration) in enumerate(zip(chunk.organs, chunk.registrations, strict=True)):
        plan = plan_case(rng, population.organs[code], _WORK["states"])
        rows.add(rng, plan, registration, check=chunk.index == 0 and n < CHECKED_CASES)
        found.events += len(plan.steps)
        found.revisions += len(plan.revisions)
        found.states[plan.state] += 1
        if plan.state == "proposed":
            found.proposed.append((registration[0], code))
    _check(rows)
    found.data = rows.take()
    return found


def _registrations(
    population: Population,
    rng: random.Random,
    count: int,
    now_us: int,
    organs: Mapping[str, float] | None,
) -> tuple[list[str], list[tuple[int, int, str]], dict[tuple[int, int], int]]:
    """Each case's organ and (id, moment, diary number), in order of registration, and where
    each diary series ends: decided here, in one pass, so the chunks can be made anywhere."""
    shares = {c: w for c, w in (organs or ORGAN_SHARES).items() if c in population.organs}
    first_us = (FIRST_DAY - EPOCH) // timedelta(microseconds=1)
    moments = sorted(rng.randrange(first_us, now_us - DAY_US) for _ in range(count))
    codes = rng.choices(list(shares), weights=list(shares.values()), k=count)
    series = dict(population.series)
    first_id = population.next_ids["cases"]
    registrations = []
    for n, (code, moment) in enumerate(zip(codes, moments, strict=True)):
        organ_id = population.organs[code].id
        year = (EPOCH + timedelta(microseconds=moment + CET_US)).year
        seq = series[(organ_id, year)] = series.get((organ_id, year), 0) + 1
        registrations.append((first_id + n, moment, population.formats[code].render(year, seq)))
    return codes, registrations, series


def generate(
    conninfo: str,
    count: int,
    *,
    organs: Mapping[str, float] | None = None,
    states: Mapping[str, float] | None = None,
    seed: int = SEED,
    processes: int = 1,
    vacuum: bool = True,
) -> Generated:
    """Add ``count`` cases with their histories to the database at ``conninfo`` (migrated, the
    demo loaded). ``organs`` and ``states`` override the shares of ``bench.histories`` (e.g.
    ``{"proposed": 1.0}`` for a pool of cases waiting for triage). With ``processes`` > 1 the
    rows are made by that many worker processes while this one feeds COPY; on this project's
    2-core machine one process (making the rows and feeding COPY, PostgreSQL ingesting on the
    other core) was as fast (17 s against 20 s for 30,000 cases), since the two cores are
    busy either way."""
    began = time.perf_counter()
    with psycopg.connect(conninfo) as connection:
        population = read_population(connection)
    rng = random.Random(seed)
    now_us = (datetime.now(UTC) - EPOCH) // timedelta(microseconds=1) - 60 * US
    codes, registrations, series = _registrations(population, rng, count, now_us, organs)
    chunks = (
        _Chunk(n, codes[start : start + CHUNK], registrations[start : start + CHUNK])
        for n, start in enumerate(range(0, count, CHUNK))
    )
    result = Generated(
        cases=count, first_case_id=population.next_ids["cases"], population=population
    )
    result.last_case_id = result.first_case_id + count - 1
    with ExitStack() as stack:
        if count > CHUNK and processes > 1:
            pool = stack.enter_context(
                multiprocessing.get_context("fork").Pool(
                    processes, _set_work, (population, now_us, states, seed)
                )
            )  # started before any thread of this process (COPY's writers) exists
            made: Iterator[_ChunkRows] = pool.imap(_rows_of, chunks)
        else:
            _set_work(population, now_us, states, seed)
            made = map(_rows_of, chunks)
        copies, result.fk_checks_skipped = stack.enter_context(_copies(conninfo))
        for rows in made:
            for copy, data in zip(copies, rows.data, strict=True):
                if data:
                    copy.write(data)
                    result.megabytes += len(data) / 1e6
            result.events += rows.events
            result.revisions += rows.revisions
            result.proposed.extend(rows.proposed)
            for state, n in rows.states.items():
                result.states[state] += n
    _finish(conninfo, series)
    result.load_s = time.perf_counter() - began
    if vacuum:
        started = time.perf_counter()
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE) cases, case_events, assessment_revisions")
            # Write the load's dirty pages out now, so that the checkpoint they would cause
            # does not run during the measurement that follows (gigabytes at 1M cases).
            connection.execute("CHECKPOINT")
        result.vacuum_s = time.perf_counter() - started
    return result


def _finish(conninfo: str, series: dict[tuple[int, int], int]) -> None:
    """Raise each diary series to the last number given and move the id sequences past the new
    rows, so registrations through the service continue where the load stopped."""
    with psycopg.connect(conninfo) as connection:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO diary_series (organ_id, year, last_seq) VALUES (%s, %s, %s) "
                "ON CONFLICT (organ_id, year) DO UPDATE "
                "SET last_seq = greatest(diary_series.last_seq, excluded.last_seq)",
                [(organ, year, last) for (organ, year), last in series.items()],
            )
        for table in TABLES:
            connection.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))"
                ).format(sql.Literal(table), sql.Identifier(table))
            )
