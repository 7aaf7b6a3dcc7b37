"""Claiming an idempotency key, finding the answer a key already has, and storing one. The
claim is an insert under the (caller, key) unique constraint: on PostgreSQL a concurrent
request with the same key waits on it until the first commits (and then finds its answer) or
rolls back (and then takes the key over); SQLite serialises writers anyway."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.idempotency.models import IdempotencyRecord


@dataclass(frozen=True)
class Claimed:
    record: IdempotencyRecord


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
    """Take the key for this request, or give back the answer it already has."""
    for _ in range(2):  # a second try only after clearing an expired record
        record = IdempotencyRecord(
            caller=caller, key=key, request_hash=request_hash, created_at=now, expires_at=now + ttl
        )
        try:
            with session.begin_nested():
                session.add(record)
        except IntegrityError:
            found = session.scalars(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.caller == caller, IdempotencyRecord.key == key
                )
            ).one()
            if found.expires_at <= now:
                session.delete(found)
                session.flush()
                continue
            if found.request_hash != request_hash:
                raise Reused() from None
            if found.status_code is None or found.body is None:
                raise InProgress() from None
            return Answered(found.status_code, dict(found.headers or {}), found.body)
        return Claimed(record)
    raise InProgress()


def answer(
    record: IdempotencyRecord, status_code: int, headers: dict[str, str], body: bytes
) -> None:
    record.status_code, record.headers, record.body = status_code, headers, body


def forget(session: Session, record: IdempotencyRecord) -> None:
    """Give the key up: the answer is not to be kept (it holds a secret)."""
    session.delete(record)
    session.flush()


def purge(session: Session, now: datetime) -> int:
    """Delete the expired keys; the number deleted."""
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
