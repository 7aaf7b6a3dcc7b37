"""Engines by definition checksum: each published version is built into a machine once per
process, however many cases and requests use it."""

import threading
from collections.abc import Mapping
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
