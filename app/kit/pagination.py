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


SortValue = str | int | None


@dataclass(frozen=True)
class Position:
    """Where a page sorted by something other than id starts: after the row whose sort value
    and id these are. ``sort`` names the order the cursor was made for; a cursor is only good
    for the same order."""

    sort: str
    value: SortValue
    id: int


def encode_position(position: Position) -> str:
    raw = json.dumps(
        {"s": position.sort, "v": position.value, "id": position.id}, separators=(",", ":")
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_position(cursor: str, sort: str) -> Position:
    """The position a cursor of this service names, for the order ``sort``; anything else (a
    cursor of another order, of another list, or altered) is ``InvalidCursor``."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position = Position(sort=data["s"], value=data["v"], id=data["id"])
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise InvalidCursor(cursor) from exc
    valid_id = isinstance(position.id, int) and not isinstance(position.id, bool)
    valid_value = position.value is None or (
        isinstance(position.value, str | int) and not isinstance(position.value, bool)
    )
    if position.sort != sort or not valid_id or not valid_value or not 0 < position.id <= MAX_ID:
        raise InvalidCursor(cursor)
    return position
