"""The workflow engine in process: µs per step, shared vs per-case machine, vs SpiffWorkflow.

What: the measure flow's happy path (triage, scope_assessment, submit_assessment, prioritise,
approve, start_implementation, complete_implementation, close: eight steps) run in this process,
no database, no HTTP. Four figures, each the median of a few repeats, in µs per step:

(a) ``engine.options(facts)``: deciding a case's allowed triggers and what stands in their way;
(b) ``engine.fire(facts, trigger, payload)`` with the one ``Engine`` (so one
    ``transitions.Machine``) shared by every case, payloads parsed beforehand; ``parse_payload``
    is timed on its own, and "ours" is parse + fire timed together, what a step costs us;
(c) the same firing with an ``Engine(definition)`` built per case (its ``validate`` and its
    ``Machine``), to show why the service builds it once per definition version;
(d) the peer: SpiffWorkflow (PyPI ``spiffworkflow``) running ``bench/peers/measure.bpmn``, the
    same path as a linear BPMN process of user tasks. A persistent engine stores the workflow
    between steps, so each step deserialises the stored JSON, completes the ready user task (its
    data: our payload), runs the engine steps, and serialises it again.

Why: the service keeps a case's state in its own columns and fires through a shared machine,
where a BPMN engine persists the whole workflow (and, out of the box, its spec) per step. This
shows what each approach costs per step before any I/O, and the ratio ours ÷ SpiffWorkflow.

Neither side's database work is counted: ours excludes reading the facts and writing the event,
SpiffWorkflow's excludes storing the JSON. Our steps judge guards; the BPMN process has no
gateways or conditions, so the peer evaluates nothing of the sort (in its favour). The garbage
collector stays on, as in the service. SpiffWorkflow runs for ``--duration`` seconds in all
(bounded in runs too); if it is not importable its part is skipped with a message.
"""

from __future__ import annotations

import gc
import json
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.table import Table

from app.workflows.definition import Definition, builtin
from app.workflows.engine import Engine
from app.workflows.guards import Facts
from app.workflows.payloads import Payload
from bench.harness import BenchArgs, console

BPMN_PATH = Path(__file__).parent / "peers" / "measure.bpmn"
BPMN_PROCESS_ID = "measure"

REPEATS = 5
OURS_PATHS = 2_000  # happy paths per repeat, for each of our figures
OURS_CAP_S = 5.0  # but no repeat of ours runs longer than this
SPIFF_MAX_RUNS = 2_000  # happy paths per repeat at most; the time budget usually ends it first
NS_PER_US = 1_000


@dataclass(frozen=True)
class Step:
    """One step of the happy path: the case's facts before it, the trigger and its payload."""

    trigger: str
    facts: Facts
    data: Mapping[str, Any]
    to_state: str


def happy_path() -> tuple[Step, ...]:
    """The eight steps, with the facts the service would read for each (the route set by triage,
    the assessment decided as level none with its motivation)."""
    triaged: dict[str, Any] = {"route": "political"}
    assessed: dict[str, Any] = {
        **triaged,
        "assessment_level": "none",
        "assessment": {"motivation": "m"},
    }
    return (
        Step(
            "triage", Facts(state="proposed"), {"route": "political", "motivation": "m"}, "proposed"
        ),
        Step(
            "scope_assessment",
            Facts(state="proposed", **triaged),
            {"level": "none", "motivation": "m"},
            "assessment",
        ),
        Step("submit_assessment", Facts(state="assessment", **assessed), {}, "valuation"),
        Step(
            "prioritise",
            Facts(state="valuation", **assessed),
            {"period": "2027", "score": 50, "motivation": "m"},
            "decision",
        ),
        Step(
            "approve",
            Facts(state="decision", **assessed),
            {"decision_text": "d", "decided_on": "2027-01-10"},
            "planning",
        ),
        Step(
            "start_implementation",
            Facts(state="planning", **assessed),
            {"responsible_unit": "UTB"},
            "implementation",
        ),
        Step(
            "complete_implementation",
            Facts(state="implementation", **assessed),
            {"outcome_summary": "o"},
            "follow_up",
        ),
        Step(
            "close",
            Facts(state="follow_up", **assessed),
            {"report": {"conclusions": "c", "deviations": "none"}},
            "closed",
        ),
    )


@dataclass(frozen=True)
class Figure:
    """One measured thing: µs per step (or per call) in each repeat, and how many per repeat."""

    label: str
    per_step_us: tuple[float, ...]
    steps: int  # steps (or calls) in the last repeat
    unit: str = "step"

    @property
    def median(self) -> float:
        return statistics.median(self.per_step_us)


def _measure(
    label: str, loop: Callable[[], tuple[int, int]], *, repeats: int = REPEATS, unit: str = "step"
) -> Figure:
    """Run ``loop`` (which returns elapsed ns and steps done) once unmeasured, then ``repeats``
    times, each after a full collection."""
    loop()
    samples: list[float] = []
    steps = 0
    for _ in range(repeats):
        gc.collect()
        elapsed_ns, steps = loop()
        samples.append(elapsed_ns / NS_PER_US / max(steps, 1))
    return Figure(label, tuple(samples), steps, unit)


def _check_ours(engine: Engine, path: tuple[Step, ...], payloads: list[Payload]) -> None:
    """Before any timing: every step is offered and ready, and fires to the expected state."""
    for step, payload in zip(path, payloads, strict=True):
        ready = {o.trigger.name for o in engine.options(step.facts) if o.ready}
        if step.trigger not in ready:
            raise RuntimeError(f"{step.trigger} is not ready in {step.facts.state}: {ready}")
        firing = engine.fire(step.facts, step.trigger, payload)
        if firing.to_state != step.to_state:
            raise RuntimeError(f"{step.trigger} went to {firing.to_state}, not {step.to_state}")


def measure_ours(definition: Definition) -> list[Figure]:
    engine = Engine(definition)
    path = happy_path()
    payloads = [engine.parse_payload(s.trigger, s.data) for s in path]
    _check_ours(engine, path, payloads)
    jobs = [(s.facts, s.trigger, s.data, p) for s, p in zip(path, payloads, strict=True)]
    clock = time.perf_counter_ns
    cap_ns = int(OURS_CAP_S * 1e9)

    def options() -> tuple[int, int]:
        start = clock()
        deadline, paths = start + cap_ns, 0
        while paths < OURS_PATHS and clock() < deadline:
            for facts, _trigger, _data, _payload in jobs:
                engine.options(facts)
            paths += 1
        return clock() - start, paths * len(jobs)

    def fire() -> tuple[int, int]:
        start = clock()
        deadline, paths = start + cap_ns, 0
        while paths < OURS_PATHS and clock() < deadline:
            for facts, trigger, _data, payload in jobs:
                engine.fire(facts, trigger, payload)
            paths += 1
        return clock() - start, paths * len(jobs)

    def parse() -> tuple[int, int]:
        start = clock()
        deadline, paths = start + cap_ns, 0
        while paths < OURS_PATHS and clock() < deadline:
            for _facts, trigger, data, _payload in jobs:
                engine.parse_payload(trigger, data)
            paths += 1
        return clock() - start, paths * len(jobs)

    def parse_and_fire() -> tuple[int, int]:
        start = clock()
        deadline, paths = start + cap_ns, 0
        while paths < OURS_PATHS and clock() < deadline:
            for facts, trigger, data, _payload in jobs:
                engine.fire(facts, trigger, engine.parse_payload(trigger, data))
            paths += 1
        return clock() - start, paths * len(jobs)

    def engine_per_case() -> tuple[int, int]:
        start = clock()
        deadline, paths = start + cap_ns, 0
        while paths < OURS_PATHS and clock() < deadline:
            own = Engine(definition)
            for facts, trigger, _data, payload in jobs:
                own.fire(facts, trigger, payload)
            paths += 1
        return clock() - start, paths * len(jobs)

    def construct() -> tuple[int, int]:
        start = clock()
        deadline, built = start + cap_ns, 0
        while built < OURS_PATHS and clock() < deadline:
            Engine(definition)
            built += 1
        return clock() - start, built

    return [
        _measure("(a) options(facts), shared engine", options),
        _measure("(b) fire, shared machine (payload parsed before)", fire),
        _measure("    parse_payload alone", parse),
        _measure("ours: parse_payload + fire, shared machine", parse_and_fire),
        _measure("(c) fire, Engine(definition) built per case", engine_per_case),
        _measure("    Engine(definition) alone (validate + Machine)", construct, unit="case"),
    ]


# --- the peer: SpiffWorkflow ----------------------------------------------------------------


@dataclass(frozen=True)
class SpiffFigures:
    total: Figure
    deserialise: Figure
    complete: Figure
    serialise: Figure
    runs: tuple[int, ...]  # happy paths per repeat
    json_chars: int  # the stored workflow after the last step
    spec_chars: int  # of which the process spec
    version: str


def _spiff_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spiffworkflow")
    except PackageNotFoundError:
        return "?"


def measure_spiff(budget_s: float) -> SpiffFigures | None:
    """SpiffWorkflow's figures, or None (with a message) when it is not importable."""
    try:
        from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
        from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
        from SpiffWorkflow.util.task import TaskState
    except ImportError as exc:
        console.print(
            f"[yellow]SpiffWorkflow is not importable ({exc}); the peer (d) is skipped. "
            "`pip install spiffworkflow` into the venv to compare.[/yellow]",
            highlight=False,
        )
        return None

    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_file(str(BPMN_PATH))
    spec = parser.get_spec(BPMN_PROCESS_ID)
    subprocess_specs = parser.get_subprocess_specs(BPMN_PROCESS_ID)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    path = happy_path()
    steps = [(s.trigger, dict(s.data)) for s in path]

    # A new case, stored once: every run starts by deserialising this (creation is not a step).
    workflow = BpmnWorkflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    initial: str = serializer.serialize_json(workflow)

    def run_case() -> tuple[int, int, int, str]:
        """One happy path, as a persistent engine runs it; ns in each phase, and the JSON."""
        clock = time.perf_counter_ns
        deserialise = complete = serialise = 0
        stored = initial
        for name, data in steps:
            t0 = clock()
            workflow: Any = serializer.deserialize_json(stored)
            t1 = clock()
            task: Any = workflow.get_next_task(state=TaskState.READY, manual=True)
            if task is None or task.task_spec.bpmn_id != name:
                found = None if task is None else task.task_spec.bpmn_id
                raise RuntimeError(f"SpiffWorkflow offers {found}, not {name}")
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            t2 = clock()
            stored = serializer.serialize_json(workflow)
            t3 = clock()
            deserialise += t1 - t0
            complete += t2 - t1
            serialise += t3 - t2
        return deserialise, complete, serialise, stored

    # Before any timing: the path runs to the end.
    *_, final = run_case()
    if not serializer.deserialize_json(final).is_completed():
        raise RuntimeError("SpiffWorkflow's workflow did not complete after the eight steps")
    spec_chars = len(json.dumps(json.loads(final)["spec"]))

    per_repeat_ns = int(budget_s / REPEATS * 1e9)
    totals: list[float] = []
    phases: dict[str, list[float]] = {"deserialise": [], "complete": [], "serialise": []}
    runs: list[int] = []
    run_case()  # warm-up
    for _ in range(REPEATS):
        gc.collect()
        clock = time.perf_counter_ns
        start = clock()
        deadline = start + per_repeat_ns
        done = 0
        sums = [0, 0, 0]
        while done < SPIFF_MAX_RUNS and clock() < deadline:
            *spent, _ = run_case()
            sums = [a + b for a, b in zip(sums, spent, strict=True)]
            done += 1
        elapsed = clock() - start
        step_count = done * len(steps)
        totals.append(elapsed / NS_PER_US / step_count)
        for key, value in zip(phases, sums, strict=True):
            phases[key].append(value / NS_PER_US / step_count)
        runs.append(done)
    step_count = runs[-1] * len(steps)

    def figure(label: str, values: list[float]) -> Figure:
        return Figure(label, tuple(values), step_count)

    return SpiffFigures(
        total=figure("(d) SpiffWorkflow: deserialise + complete task + serialise", totals),
        deserialise=figure("    of which deserialize_json", phases["deserialise"]),
        complete=figure("    of which task.run + do_engine_steps", phases["complete"]),
        serialise=figure("    of which serialize_json", phases["serialise"]),
        runs=tuple(runs),
        json_chars=len(final),
        spec_chars=spec_chars,
        version=_spiff_version(),
    )


# --- printing -------------------------------------------------------------------------------


def _table(figures: list[Figure]) -> Table:
    table = Table(
        title=f"Workflow engine in process, measure flow's happy path (8 steps), median of "
        f"{REPEATS} repeats",
        title_justify="left",
    )
    table.add_column("what")
    table.add_column("measured per repeat", justify="right")
    table.add_column("median µs", justify="right")
    table.add_column("per", justify="left")
    table.add_column("repeats min–max µs", justify="right", style="dim")
    for figure in figures:
        table.add_row(
            figure.label,
            f"{figure.steps:,} {figure.unit}s",
            f"{figure.median:,.1f}",
            figure.unit,
            f"{min(figure.per_step_us):,.1f}–{max(figure.per_step_us):,.1f}",
        )
    return table


def run(args: BenchArgs) -> None:
    definition = builtin("measure", 1)
    console.print(
        f"[dim]ours: {OURS_PATHS:,} happy paths per repeat (at most {OURS_CAP_S:g} s), "
        f"{REPEATS} repeats per figure …[/dim]"
    )
    figures = measure_ours(definition)
    by_label = {f.label.strip(): f for f in figures}
    ours = by_label["ours: parse_payload + fire, shared machine"]
    console.print(
        f"[dim]SpiffWorkflow: {args.duration:g} s in {REPEATS} repeats (at most "
        f"{SPIFF_MAX_RUNS:,} happy paths each) …[/dim]"
    )
    spiff = measure_spiff(args.duration)
    if spiff is not None:
        figures += [spiff.total, spiff.deserialise, spiff.complete, spiff.serialise]
    console.print()
    console.print(_table(figures))

    per_case = by_label["(c) fire, Engine(definition) built per case"]
    construct = by_label["Engine(definition) alone (validate + Machine)"]
    fire = by_label["(b) fire, shared machine (payload parsed before)"]
    console.print(
        f"Building the engine per case costs {construct.median:,.0f} µs a case: "
        f"{per_case.median / fire.median:.1f}× the shared machine's firing cost per step over "
        f"the 8-step path; built per request (every step is a request) it would add "
        f"{construct.median:,.0f} µs to each step.",
        highlight=False,
    )
    if spiff is not None:
        ratio = ours.median / spiff.total.median
        console.print(
            f"[bold]ours ÷ SpiffWorkflow = {ours.median:,.1f} ÷ {spiff.total.median:,.1f} µs "
            f"per step = {ratio:.3f}[/bold] (SpiffWorkflow {spiff.version} takes "
            f"{1 / ratio:,.0f}× as long per step).",
            highlight=False,
        )
        console.print(
            f"SpiffWorkflow ran {', '.join(f'{n:,}' for n in spiff.runs)} happy paths in the "
            f"repeats; its stored workflow is {spiff.json_chars:,} characters of JSON after the "
            f"last step, {spiff.spec_chars:,} of them the process spec (the default serializer "
            "stores it with every workflow).",
            highlight=False,
        )
    console.print(
        "Per step, in process, no I/O: ours excludes reading the facts and writing the event; "
        "SpiffWorkflow's excludes storing its JSON. Our steps judge guards; the BPMN process "
        "has none. Garbage collector on.",
        highlight=False,
    )
