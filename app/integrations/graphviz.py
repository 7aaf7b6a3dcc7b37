"""Graphviz's ``dot`` program, which draws DOT text as SVG: the one outside program the service
runs. Called only when a client asks for an SVG diagram, with a timeout and never through a
shell; when it is missing the caller falls back to text."""

import shutil
import subprocess

DOT_TIMEOUT_SECONDS = 10
"""How long ``dot`` may take before it is stopped: a diagram of a few states takes milliseconds."""


class GraphvizError(Exception):
    """Running ``dot`` did not give a diagram."""


class DotUnavailable(GraphvizError):
    """Graphviz's ``dot`` is not installed (or not where it was said to be): the caller can fall
    back to the Mermaid text, which needs nothing on the server."""

    def __init__(self, binary: str) -> None:
        super().__init__(f"Graphviz dot was not found: {binary}")
        self.binary = binary


class DiagramFailed(GraphvizError):
    """``dot`` ran but made no diagram; ``stderr`` holds what it said."""

    def __init__(self, message: str, *, stderr: str = "", returncode: int | None = None) -> None:
        super().__init__(f"{message}: {stderr}" if stderr else message)
        self.stderr = stderr
        self.returncode = returncode


def dot_available() -> bool:
    """Whether Graphviz's ``dot`` is on the PATH, so that SVG can be offered."""
    return shutil.which("dot") is not None


def render_svg(source: str, *, dot_binary: str | None = None) -> bytes:
    """DOT text rendered to SVG by ``dot`` (``dot_binary``, a path or a name on the PATH;
    ``dot`` by default). The source goes in on stdin, never through a shell, and ``dot`` is
    stopped after ``DOT_TIMEOUT_SECONDS``.

    Raises ``DotUnavailable`` when the program cannot be found or started, and ``DiagramFailed``
    when it fails, times out or prints nothing."""
    wanted = dot_binary or "dot"
    executable = shutil.which(wanted)
    if executable is None:
        raise DotUnavailable(wanted)
    try:
        completed = subprocess.run(  # noqa: S603 (a fixed argument list, no shell, input on stdin)
            [executable, "-Tsvg"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise DiagramFailed(f"dot did not finish within {DOT_TIMEOUT_SECONDS} s") from exc
    except OSError as exc:
        raise DotUnavailable(executable) from exc
    stderr = completed.stderr.decode("utf-8", errors="replace").strip()
    if completed.returncode != 0:
        raise DiagramFailed(
            f"dot exited with {completed.returncode}",
            stderr=stderr,
            returncode=completed.returncode,
        )
    if not completed.stdout:
        raise DiagramFailed("dot printed no diagram", stderr=stderr, returncode=0)
    return completed.stdout
