"""The hash chain over a case's events, pure: what is sealed, how, and where a chain breaks.

Each event is sealed as ``hash = SHA-256(prev_hash ‖ canonical JSON of the event)``, in hex, over
the UTF-8 bytes of the 64 hex digits of ``prev_hash`` followed by the JSON. A case's first event
chains from ``GENESIS`` (64 zeros); every later one from the hash of the event before it. The
JSON covers every field the event stores (``SEALED``; the row id is the database's surrogate, the
event's place is ``case_id`` and ``seq``): sorted keys, no whitespace, characters as they are
(``ensure_ascii=False``), ``created_at`` in UTC ISO 8601 with microseconds.

Each row also keeps the ``prev_hash`` it was sealed with, so verification can tell a row whose
content changed (its hash no longer matches it) from an intact row that is no longer linked to
the row before it. The case keeps the head (``last_event_seq``, ``last_event_hash``), which
catches the deletion or rewriting of the newest events. There is no secret: whoever rewrites
an event and recomputes every later hash and the case's head leaves a chain that holds, and only
a head kept elsewhere would show it. On PostgreSQL a trigger refuses changes to the rows.

``migrations/versions/20261128_0008_event_hash_chain.py`` keeps its own copy of ``canonical``
and ``seal``, as of that revision, for its backfill: changing them here means a new migration
that reseals every event.
"""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from app.kit.hashing import sha256_hex

GENESIS = "0" * 64
"""The ``prev_hash`` of a case's first event."""

SEALED = (
    "case_id",
    "seq",
    "kind",
    "trigger",
    "from_state",
    "to_state",
    "payload",
    "authority",
    "actor_person_id",
    "actor_api_key_id",
    "created_at",
)
"""The fields of an event its hash covers: all it stores but its row id and the chain itself."""


def timestamp(moment: datetime) -> str:
    """``2026-11-28T09:15:02.000450+00:00``: UTC, always with microseconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: the chain seals UTC timestamps only")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def content_of(event: object) -> dict[str, Any]:
    """The sealed fields of an event row, a query row or anything with those attributes."""
    return {name: getattr(event, name) for name in SEALED}


def json_copy(value: dict[str, Any]) -> dict[str, Any]:
    """A deep copy as a JSON column gives it back (enums as their values, tuples as lists), so
    what is sealed is what a later read finds."""
    copied: dict[str, Any] = json.loads(json.dumps(value))
    return copied


def canonical(content: Mapping[str, Any]) -> str:
    fields = {name: content[name] for name in SEALED}
    fields["created_at"] = timestamp(fields["created_at"])
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def seal(prev_hash: str, content: Mapping[str, Any]) -> str:
    """The hash of an event that follows the event hashed ``prev_hash``."""
    return sha256_hex(prev_hash + canonical(content))


class Fault(StrEnum):
    modified = "modified"
    """The row's content no longer matches its hash (or the case's head)."""
    deleted = "deleted"
    """Sequence numbers are missing: between rows, or after the last one the case records."""
    reordered = "reordered"
    """The row is not linked to the row before it: moved, or its predecessor replaced."""


@dataclass(frozen=True)
class Break:
    seq: int
    problem: Fault


class SealedEvent(Protocol):
    """An event as stored, with its place in the chain."""

    @property
    def seq(self) -> int: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


@dataclass(frozen=True)
class Head:
    """What the case row records of its newest event."""

    seq: int
    hash: str


def first_break(events: Iterable[SealedEvent], head: Head) -> tuple[Break | None, int]:
    """The first broken link of one case's history, given in ``seq`` order, and how many events
    were checked to find it (all of them when the chain holds).

    Each row is checked in this order: a gap in ``seq`` before it (``deleted``, naming the first
    missing number), its link to the row before (``reordered``), its own content
    (``modified``). Then against the case's head: fewer rows than it counts is ``deleted``; a
    row at its place that is not the one it names, or rows beyond it, ``modified``.
    """
    expected, prev, checked = 1, GENESIS, 0
    for event in events:
        checked += 1
        found = _check(event, expected, prev, head)
        if found is not None:
            return found, checked
        expected, prev = event.seq + 1, event.hash
    if expected <= head.seq:
        return Break(expected, Fault.deleted), checked
    return None, checked


def _check(event: SealedEvent, expected: int, prev: str, head: Head) -> Break | None:
    if event.seq > expected:
        return Break(expected, Fault.deleted)
    if event.prev_hash != prev:
        return Break(event.seq, Fault.reordered)
    if seal(event.prev_hash, content_of(event)) != event.hash:
        return Break(event.seq, Fault.modified)
    if event.seq > head.seq or (event.seq == head.seq and event.hash != head.hash):
        return Break(event.seq, Fault.modified)
    return None
