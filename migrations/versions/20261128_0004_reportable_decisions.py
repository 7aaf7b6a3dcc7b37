"""Delegated and urgent decisions awaiting report to their organ (anmälan).

ix_reportable_decisions_organ_id serves "the organ's unreported decisions"; the unique event_id
keeps one row per decision.

Revision ID: 20261128_0004
Revises: 20261128_0003
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0004"
down_revision: str | None = "20261128_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reportable_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("report_paragraph", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_reportable_decisions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["case_events.id"],
            name=op.f("fk_reportable_decisions_event_id_case_events"),
        ),
        sa.ForeignKeyConstraint(
            ["organ_id"], ["organs.id"], name=op.f("fk_reportable_decisions_organ_id_organs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reportable_decisions")),
        sa.UniqueConstraint("event_id", name=op.f("uq_reportable_decisions_event_id")),
    )
    with op.batch_alter_table("reportable_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reportable_decisions_organ_id"), ["organ_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reportable_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reportable_decisions_organ_id"))

    op.drop_table("reportable_decisions")
