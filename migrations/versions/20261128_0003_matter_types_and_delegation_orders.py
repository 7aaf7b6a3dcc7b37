"""Matter types per organ, and delegation orders with their entries.

Lookups are by organ (unique organ+code, organ+version) and by order (unique order+code); the
unique constraints' indexes serve them.

Revision ID: 20261128_0003
Revises: 20261128_0002
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0003"
down_revision: str | None = "20261128_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegation_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("paragraph", sa.String(length=32), nullable=True),
        sa.Column("diary_number", sa.String(length=64), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organ_id"], ["organs.id"], name=op.f("fk_delegation_orders_organ_id_organs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation_orders")),
        sa.UniqueConstraint(
            "organ_id", "version", name=op.f("uq_delegation_orders_organ_id_version")
        ),
    )
    op.create_table(
        "matter_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("non_delegable", sa.Boolean(), nullable=False),
        sa.Column("council_reserved", sa.Boolean(), nullable=False),
        sa.Column("procurement", sa.Boolean(), nullable=False),
        sa.Column("appeal_route", sa.String(length=32), nullable=False),
        sa.Column("default_route", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organ_id"], ["organs.id"], name=op.f("fk_matter_types_organ_id_organs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matter_types")),
        sa.UniqueConstraint("organ_id", "code", name=op.f("uq_matter_types_organ_id_code")),
    )
    op.create_table(
        "delegation_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("matter_types", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("delegate", sa.JSON(), nullable=False),
        sa.Column("substitute", sa.JSON(), nullable=True),
        sa.Column("amount_limit_sek", sa.BigInteger(), nullable=True),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("legal_reference", sa.String(length=200), nullable=True),
        sa.Column("report_to_organ", sa.Boolean(), nullable=False),
        sa.Column("subdelegation_allowed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["delegation_orders.id"],
            name=op.f("fk_delegation_entries_order_id_delegation_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegation_entries")),
        sa.UniqueConstraint("order_id", "code", name=op.f("uq_delegation_entries_order_id_code")),
    )


def downgrade() -> None:
    op.drop_table("delegation_entries")
    op.drop_table("matter_types")
    op.drop_table("delegation_orders")
