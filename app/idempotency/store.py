"""Claiming an idempotency key, finding the answer a key already has, and storing one. The
claim is an insert under the (caller, key) unique constraint: on PostgreSQL a concurrent
request with the same key waits on it until the first commits (and then finds its answer) or
rolls back (and then takes the key over); SQLite serialises writers anyway."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.idempotency.models import IdempotencyRecord

Record = cast(Table, IdempotencyRecord.__table__)

_INSERTS: dict[str, Callable[..., postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}
_CLAIMS = {
    name: insert(Record)
    .on_conflict_do_nothing(index_elements=["caller", "key"])
    .returning(Record.c.id)
    for name, insert in _INSERTS.items()
}
"""The claim in one statement (ON CONFLICT DO NOTHING, both databases): it returns the new
row's id, or nothing when the key is taken, and on PostgreSQL it first waits for a concurrent
request's uncommitted claim of the same key, as a plain insert would."""
_FOUND = select(
    Record.c.id, Record.c.request_hash, Record.c.status_code, Record.c.headers, Record.c.body,
    Record.c.expires_at,
).where(Record.c.caller == bindparam("caller"), Record.c.key == bindparam("key"))  # fmt: skip
_EXPIRED = delete(Record).where(
    Record.c.id == bindparam("record_id"), Record.c.expires_at <= bindparam("now")
)
_ANSWER = (
    update(Record)
    .where(Record.c.id == bindparam("record_id"))
    .values(
        status_code=bindparam("status_code"), headers=bindparam("headers"), body=bindparam("body")
    )
)
_FORGET = delete(Record).where(Record.c.id == bindparam("record_id"))


@dataclass(frozen=True)
class Claimed:
    record_id: int


@dataclass(frozen=True)
class Answered:
    status_code: int
    headers: dict[str, str]
    body: bytes


class Reused(Exception):
    """The key was used before for another request."""


class InProgress(Exception):
    """The key's first request has not finished (only where writers do not wait: SQLite)."""


def claim(
    session: Session, caller: str, key: str, request_hash: str, now: datetime, ttl: timedelta
) -> Claimed | Answered:
    """Take the key for this request, or give back the answer it already has. Core statements
    on the connection: the claim is a request's first statement, and every keyed POST makes
    it (bench/transitions_http.py)."""
    connection = session.connection()
    row = {
        "caller": caller, "key": key, "request_hash": request_hash, "created_at": now,
        "expires_at": now + ttl,
    }  # fmt: skip
    for _ in range(2):  # a second try only after clearing an expired record
        claimed = connection.execute(_CLAIMS[connection.dialect.name], row).scalar()
        if claimed is not None:
            return Claimed(claimed)
        found = connection.execute(_FOUND, {"caller": caller, "key": key}).one_or_none()
        if found is None:  # the holder expired and was purged in between: claim it again
            continue
        if found.expires_at <= now:
            connection.execute(_EXPIRED, {"record_id": found.id, "now": now})
            continue
        if found.request_hash != request_hash:
            raise Reused()
        if found.status_code is None or found.body is None:
            raise InProgress()
        return Answered(found.status_code, dict(found.headers or {}), found.body)
    raise InProgress()


def answer(
    session: Session, claimed: Claimed, status_code: int, headers: dict[str, str], body: bytes
) -> None:
    """Keep the answer with the claim, in the request's transaction."""
    params = {
        "record_id": claimed.record_id, "status_code": status_code, "headers": headers,
        "body": body,
    }  # fmt: skip
    session.connection().execute(_ANSWER, params)


def forget(session: Session, claimed: Claimed) -> None:
    """Give the key up: the answer is not to be kept (it holds a secret)."""
    session.connection().execute(_FORGET, {"record_id": claimed.record_id})


def purge(session: Session, now: datetime) -> int:
    """Delete the expired keys; the number deleted."""
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
