"""Urgent-matter clauses in delegation orders (KL 6:39), subdelegations (KL 7:6), and API keys
that are automated decision functions (KL 6:37).

delegation_entries.urgent marks the organ's clause for urgent matters; existing entries are
ordinary delegations (server default false). ix_subdelegations_order_id_entry_code serves "who
was the entry passed on to under the order in force".

Revision ID: 20261128_0007
Revises: 20261128_0006
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0007"
down_revision: str | None = "20261128_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("automated_function", sa.String(length=200), nullable=True))
    op.create_table(
        "subdelegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("entry_code", sa.String(length=32), nullable=False),
        sa.Column("delegate", sa.JSON(), nullable=False),
        sa.Column("granted_by_person_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_person_id"],
            ["people.id"],
            name=op.f("fk_subdelegations_granted_by_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["delegation_orders.id"],
            name=op.f("fk_subdelegations_order_id_delegation_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subdelegations")),
    )
    with op.batch_alter_table("subdelegations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_subdelegations_order_id_entry_code", ["order_id", "entry_code"], unique=False
        )

    with op.batch_alter_table("delegation_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urgent", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("automated_function")
    with op.batch_alter_table("delegation_entries", schema=None) as batch_op:
        batch_op.drop_column("urgent")

    with op.batch_alter_table("subdelegations", schema=None) as batch_op:
        batch_op.drop_index("ix_subdelegations_order_id_entry_code")

    op.drop_table("subdelegations")
