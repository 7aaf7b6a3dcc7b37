"""Recusals (jäv) per case and person.

ix_recusals_case_id_person_id serves "is this person barred from this case", asked on every step.

Revision ID: 20261128_0005
Revises: 20261128_0004
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0005"
down_revision: str | None = "20261128_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("ground", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raised_by_person_id", sa.Integer(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_paragraph", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_recusals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_recusals_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_person_id"],
            ["people.id"],
            name=op.f("fk_recusals_raised_by_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recusals")),
    )
    with op.batch_alter_table("recusals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_recusals_case_id_person_id", ["case_id", "person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recusals", schema=None) as batch_op:
        batch_op.drop_index("ix_recusals_case_id_person_id")

    op.drop_table("recusals")
