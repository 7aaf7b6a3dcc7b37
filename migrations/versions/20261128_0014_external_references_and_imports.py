"""Inbound integration: the diarium's references to cases, and import jobs with their rows.

uq_external_references_system_external_id is the claim on a reference: an upsert inserts the row
before it registers the case (``ON CONFLICT DO NOTHING``), so of concurrent upserts of one
reference exactly one creates the case, and the others never take a diary number;
ix_external_references_case_id finds a case's references. import_jobs keeps one row per import,
its counts written with each batch; import_rows the result of each row, paged by row number
(uq_import_rows_import_id_row for all, ix_import_rows_import_id_outcome_row for one outcome);
uq_import_jobs_idempotency_caller_idempotency_key keeps an import's Idempotency-Key to one job
per caller (NULLs, imports sent without a key, do not collide).

Revision ID: 20261128_0014
Revises: 20261128_0013
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0014"
down_revision: str | None = "20261128_0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("system", sa.String(length=32), nullable=True),
        sa.Column("source_name", sa.String(length=500), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_by_api_key_id", sa.Integer(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_caller", sa.String(length=64), nullable=True),
        sa.Column("idempotency_key", sa.String(length=255), nullable=True),
        sa.Column("request_sha256", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["people.id"],
            name=op.f("fk_import_jobs_created_by_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_import_jobs_created_by_api_key_id_api_keys"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
        sa.UniqueConstraint(
            "idempotency_caller",
            "idempotency_key",
            name=op.f("uq_import_jobs_idempotency_caller_idempotency_key"),
        ),
    )
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_import_jobs_created_by_person_id"), ["created_by_person_id"]
        )
        batch_op.create_index(
            batch_op.f("ix_import_jobs_created_by_api_key_id"), ["created_by_api_key_id"]
        )

    op.create_table(
        "external_references",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=32), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.Column("created_by_api_key_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_external_references_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["import_jobs.id"],
            name=op.f("fk_external_references_import_id_import_jobs"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["people.id"],
            name=op.f("fk_external_references_created_by_person_id_people"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_external_references_created_by_api_key_id_api_keys"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_references")),
        sa.UniqueConstraint(
            "system", "external_id", name=op.f("uq_external_references_system_external_id")
        ),
    )
    with op.batch_alter_table("external_references", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_external_references_case_id"), ["case_id"])

    op.create_table(
        "import_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("system", sa.String(length=32), nullable=True),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("message_sv", sa.Text(), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"], ["import_jobs.id"], name=op.f("fk_import_rows_import_id_import_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_import_rows_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rows")),
        sa.UniqueConstraint("import_id", "row", name=op.f("uq_import_rows_import_id_row")),
    )
    with op.batch_alter_table("import_rows", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_rows_import_id_outcome_row", ["import_id", "outcome", "row"]
        )


def downgrade() -> None:
    with op.batch_alter_table("import_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_import_rows_import_id_outcome_row")
    op.drop_table("import_rows")
    with op.batch_alter_table("external_references", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_references_case_id"))
    op.drop_table("external_references")
    with op.batch_alter_table("import_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_jobs_created_by_api_key_id"))
        batch_op.drop_index(batch_op.f("ix_import_jobs_created_by_person_id"))
    op.drop_table("import_jobs")
