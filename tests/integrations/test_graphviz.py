"""Graphviz's dot as an outside program: SVG from DOT text, and every way running it can fail,
as typed errors."""

import html
import stat
from pathlib import Path

import pytest

from app.integrations import graphviz
from app.integrations.graphviz import (
    DiagramFailed,
    DotUnavailable,
    GraphvizError,
    dot_available,
    render_svg,
)
from app.workflows.diagram import dot_source
from tests.workflows.test_diagram import measure, small, state, trigger

needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz dot is not installed")


def executable(path: Path, script: str) -> str:
    path.write_text(script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@needs_dot
def test_svg_renders_through_dot():
    rendered = render_svg(dot_source(measure(), current="decision"))

    assert rendered.startswith(b"<?xml") or b"<svg" in rendered
    text = html.unescape(rendered.decode("utf-8"))
    for each in measure().states:
        assert each.label_sv in text


@needs_dot
def test_dot_parses_escaped_labels_as_written():
    label = 'Säg "hej": a\\N b; <<x>> {y}'
    definition = small(
        [state("open", label), state("done", "Klar", final=True)],
        [trigger("finish", 'Klar "nu"', ["open"], "done")],
    )

    text = html.unescape(render_svg(dot_source(definition, language="sv")).decode("utf-8"))

    assert label in text
    assert 'Klar "nu"' in text


# svg() and the dot program


def test_svg_without_dot_raises_dot_unavailable(tmp_path):
    with pytest.raises(DotUnavailable) as unavailable:
        render_svg(dot_source(measure()), dot_binary=str(tmp_path / "no" / "dot"))
    assert isinstance(unavailable.value, GraphvizError)


def test_svg_with_a_dot_that_cannot_be_run_raises_dot_unavailable(tmp_path):
    not_executable = tmp_path / "dot"
    not_executable.write_text("#!/bin/sh\nexit 0\n")

    with pytest.raises(DotUnavailable):
        render_svg(dot_source(measure()), dot_binary=str(not_executable))


def test_dot_missing_from_the_path(monkeypatch):
    monkeypatch.setattr(graphviz.shutil, "which", lambda name: None)

    assert not dot_available()
    with pytest.raises(DotUnavailable, match="dot"):
        render_svg(dot_source(measure()))


def test_svg_when_dot_fails_raises_diagram_failed_with_its_stderr(tmp_path):
    failing = executable(tmp_path / "dot", "#!/bin/sh\necho 'syntax error in line 3' >&2\nexit 1\n")

    with pytest.raises(DiagramFailed, match="syntax error in line 3") as failed:
        render_svg(dot_source(measure()), dot_binary=failing)
    assert failed.value.stderr == "syntax error in line 3"
    assert failed.value.returncode == 1
    assert isinstance(failed.value, GraphvizError)


def test_svg_sends_the_dot_source_on_stdin_and_asks_for_svg(tmp_path):
    echo = executable(tmp_path / "dot", f'#!/bin/sh\necho "$@" > "{tmp_path}/args"\ncat\n')

    rendered = render_svg(dot_source(measure(), current="decision"), dot_binary=echo)

    assert rendered == dot_source(measure(), current="decision").encode("utf-8")
    assert (tmp_path / "args").read_text() == "-Tsvg\n"


def test_svg_when_dot_prints_nothing_raises_diagram_failed(tmp_path):
    silent = executable(tmp_path / "dot", "#!/bin/sh\ncat > /dev/null\nexit 0\n")

    with pytest.raises(DiagramFailed, match="no diagram"):
        render_svg(dot_source(measure()), dot_binary=silent)


def test_svg_stops_a_dot_that_hangs(tmp_path, monkeypatch):
    monkeypatch.setattr(graphviz, "DOT_TIMEOUT_SECONDS", 0.2)
    hanging = executable(tmp_path / "dot", "#!/bin/sh\nexec sleep 30\n")

    with pytest.raises(DiagramFailed, match="did not finish"):
        render_svg(dot_source(measure()), dot_binary=hanging)
