"""The entries of adopted delegation orders, kept in memory once read.

Every authority question reads the order in force, and an order has tens of entries with five
JSON columns each: loading them was a fifth of a transition's time (bench/transitions_http.py).
An adopted order's entries never change — only a draft's may be edited
(``service.put_entry``/``delete_entry`` refuse otherwise, ``ORDER_NOT_DRAFT``), and a new
version is a new order — so what was read once stays true, in this process and in any other.
The order row itself is still read on every question (its status and validity do change), and
so are subdelegations and absences.

The cache is per engine, so two databases served by one process (the tests) never share an
entry, and keyed by the order's id and creation time, so an id a database hands out again
(SQLite after a rollback, a database recreated under a running server) is a new key. It is
bounded; when full it starts over.
"""

import threading
from datetime import datetime
from types import MappingProxyType
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.delegation.models import DelegationEntry
from app.delegation.views import EntryView

MAX_ORDERS = 256

_Key = tuple[int, datetime]
_caches: WeakKeyDictionary[Engine, dict[_Key, tuple[EntryView, ...]]] = WeakKeyDictionary()
_lock = threading.Lock()


def adopted_entries(session: Session, order_id: int, created_at: datetime) -> tuple[EntryView, ...]:
    """The entries of an adopted order, as the resolver sees them, read at most once."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    with _lock:
        cache = _caches.setdefault(engine, {})
        found = cache.get((order_id, created_at))
    if found is not None:
        return found
    entries = _read(session, order_id)
    with _lock:
        if len(cache) >= MAX_ORDERS:
            cache.clear()
        cache[order_id, created_at] = entries
    return entries


def _read(session: Session, order_id: int) -> tuple[EntryView, ...]:
    e = DelegationEntry
    query = (
        select(
            e.code,
            e.matter_types,
            e.actions,
            e.delegate,
            e.amount_limit_sek,
            e.report_to_organ,
            e.substitute,
            e.urgent,
        )
        .where(e.order_id == order_id)
        .order_by(e.id)
    )
    return tuple(
        EntryView(
            code,
            tuple(matter_types),
            tuple(actions),
            _frozen(delegate),
            limit,
            report,
            _frozen(substitute) if substitute is not None else None,
            urgent,
        )
        for code, matter_types, actions, delegate, limit, report, substitute, urgent in (
            session.execute(query)
        )
    )


def _frozen(value: dict[str, Any]) -> MappingProxyType[str, Any]:
    """Shared between requests, so nobody may change it."""
    return MappingProxyType(dict(value))
