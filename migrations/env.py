"""Alembic environment: one set of migrations for SQLite and PostgreSQL.

SQLite cannot ALTER most things, so migrations run in batch mode there (render_as_batch).
"""

import re

from alembic import context
from sqlalchemy import Connection

from app.auth import models as _auth_models  # noqa: F401  (register tables)
from app.cases import models as _cases_models  # noqa: F401
from app.config import get_settings
from app.db import Base, make_engine
from app.delegation import models as _delegation_models  # noqa: F401
from app.idempotency import models as _idempotency_models  # noqa: F401
from app.integrations.inbound import models as _inbound_models  # noqa: F401
from app.organisation import models as _organisation_models  # noqa: F401

# Made by migrations in SQL the models cannot express, one backend's only: SQLite's FTS5 table
# (and its shadow tables) and PostgreSQL's expression indexes (migration 20261128_0011).
UNMODELLED_TABLES = re.compile(r"^cases_fts(_\w+)?$")
UNMODELLED_INDEXES = frozenset({"ix_cases_search_swedish", "ix_cases_flags"})

config = context.config
target_metadata = Base.metadata


def _modelled(obj: object, name: str | None, type_: str, reflected: bool, _: object) -> bool:
    if type_ == "table" and name is not None and UNMODELLED_TABLES.match(name):
        return False
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=_modelled,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
