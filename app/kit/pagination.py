"""Keyset (cursor) pagination: an opaque cursor that stays stable while rows are inserted."""

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_LIMIT = 200
MAX_ID = 2**31 - 1
"""Ids are 32-bit integers in both databases; anything larger is not an id of ours."""


class InvalidCursor(ValueError):
    """The cursor was not produced by this service (or was tampered with)."""


def encode_cursor(last_id: int) -> str:
    raw = json.dumps({"after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        after = data["after"]
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidCursor(cursor) from exc
    if not isinstance(after, int) or isinstance(after, bool) or not 0 <= after <= MAX_ID:
        raise InvalidCursor(cursor)
    return after


@dataclass(frozen=True)
class Window:
    """Which slice of an id-ordered list to fetch: rows with id > ``after``, at most ``limit``."""

    after: int | None
    limit: int


@dataclass(frozen=True)
class Slice(Generic[T]):
    items: list[T]
    next_cursor: str | None


def cut(rows: list[T], window: Window, *, key: Callable[[T], int] = attrgetter("id")) -> Slice[T]:
    """Turn ``limit + 1`` fetched rows into a slice and the cursor of the next one, if any."""
    if len(rows) <= window.limit:
        return Slice(rows, None)
    items = rows[: window.limit]
    return Slice(items, encode_cursor(key(items[-1])))
