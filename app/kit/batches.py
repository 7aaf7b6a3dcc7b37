"""Conditions on a batch of ids whose statement text does not depend on the batch's size.

``column IN (:a, :b, …)`` is a new statement for every count of values: the driver converts
each anew (psycopg caches only short statements) and the server cannot reuse a plan. On
PostgreSQL the values go instead as one array parameter (``= ANY(:ids)``, ``IN (SELECT
unnest(:a), unnest(:b))``), so a statement run round after round is converted once; elsewhere
(SQLite) the plain ``IN`` list stays.
"""

from collections.abc import Collection
from typing import Any

from sqlalchemy import ARRAY, Integer, SQLColumnExpression, any_, bindparam, func, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter, ColumnElement


def _arrays(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _array(values: Collection[int]) -> BindParameter[Any]:
    array: Any = list(values)
    return bindparam(None, array, type_=ARRAY(Integer()))


def among(
    session: Session, column: SQLColumnExpression[int], values: Collection[int]
) -> ColumnElement[bool]:
    """``column`` is one of ``values``."""
    if _arrays(session):
        return column == any_(_array(values))
    return column.in_(list(values))


def pairs_among(
    session: Session,
    first: SQLColumnExpression[int],
    second: SQLColumnExpression[int],
    pairs: Collection[tuple[int, int]],
) -> ColumnElement[bool]:
    """``(first, second)`` is one of ``pairs``."""
    if _arrays(session):
        firsts, seconds = [p[0] for p in pairs], [p[1] for p in pairs]
        zipped = select(func.unnest(_array(firsts)), func.unnest(_array(seconds)))
        return tuple_(first, second).in_(zipped)
    return tuple_(first, second).in_(list(pairs))
