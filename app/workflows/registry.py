"""Engines by definition checksum: each published version is built into a machine once per
process, however many cases and requests use it."""

import threading
from collections.abc import Callable, Mapping
from typing import Any

from app.workflows.definition import parse
from app.workflows.engine import Engine

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def engine_for(body: Mapping[str, Any], checksum: str) -> Engine:
    engine = _engines.get(checksum)
    if engine is None:
        with _lock:
            engine = _engines.get(checksum)
            if engine is None:
                engine = Engine(parse(dict(body)))
                _engines[checksum] = engine
    return engine


def engine_by_checksum(checksum: str, body: Callable[[], Mapping[str, Any]]) -> Engine:
    """The engine of a version already built, or built from ``body()`` the first time: a case
    read with its workflow's checksum only fetches the definition's document once per process."""
    engine = _engines.get(checksum)
    return engine if engine is not None else engine_for(body(), checksum)
