"""Deadlines: cases.due_at, when the time limit of the case's state runs out.

ix_cases_due_at is partial (due_at IS NOT NULL: cases in a final state, and cases whose workflow
sets no limit, are left out) and serves the overdue condition ``due_at <= now``
(``app.cases.repository.overdue``), which the list filter ``overdue`` is built on.

No case is given a due_at here, and none needs one: a case's limits come from the workflow
version it is pinned to, and before this revision no stored definition could carry any (the
definition model refused a ``deadlines`` key), so every existing case, open or not, has none,
which is what NULL says. Cases registered from now on are pinned to the newest version: the
shipped measure v2, which has limits, is stored on first use beside v1.
(Were a backfill ever needed it could not be SQL alone: working days depend on Easter and
midsummer, which the ``holidays`` package computes, not the database.)

Revision ID: 20261128_0013
Revises: 20261128_0012
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0013"
down_revision: str | None = "20261128_0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch "move and copy": SQLite (3.35+) adds and drops a plain column in
# place, and rebuilding cases would drop the FTS5 triggers of 20261128_0011 with the table.


def upgrade() -> None:
    op.add_column("cases", sa.Column("due_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_cases_due_at",
        "cases",
        ["due_at"],
        unique=False,
        postgresql_where=sa.text("due_at IS NOT NULL"),
        sqlite_where=sa.text("due_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_due_at", table_name="cases")
    op.drop_column("cases", "due_at")
