"""Cases, pinned to published workflow definitions, with assessment revisions and events.

Events and revisions are unique per (case, sequence/revision number): appending twice is refused.

Revision ID: 20261128_0002
Revises: 20261128_0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0002"
down_revision: str | None = "20261128_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The queries each index serves:
CASE_INDEXES = {
    "ix_cases_organ_id_state": ["organ_id", "state"],  # an organ's cases in a state
    "ix_cases_organ_id_priority_period": ["organ_id", "priority_period"],  # priorities view
    "ix_cases_state": ["state"],  # lists filtered by state
    "ix_cases_unit_id": ["unit_id"],  # a unit's cases
    "ix_cases_origin_case_id": ["origin_case_id"],  # proposals spawned by a follow-up
    "ix_cases_workflow_id": ["workflow_id"],  # cases pinned to a definition version
}


def upgrade() -> None:
    op.create_table(
        "workflow_definitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["people.id"],
            name=op.f("fk_workflow_definitions_created_by_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_definitions")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_workflow_definitions_key_version")),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("matter_type", sa.String(length=64), nullable=True),
        sa.Column("origin", sa.String(length=32), nullable=False),
        sa.Column("origin_case_id", sa.Integer(), nullable=True),
        sa.Column("estimated_cost_sek", sa.BigInteger(), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("appeal_route", sa.String(length=32), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=64), nullable=False),
        sa.Column("route", sa.String(length=16), nullable=True),
        sa.Column("assessment_level", sa.String(length=16), nullable=True),
        sa.Column("pending_referral", sa.Text(), nullable=True),
        sa.Column("priority_period", sa.String(length=4), nullable=True),
        sa.Column("priority_score", sa.Double(), nullable=True),
        sa.Column("priority_rank", sa.Integer(), nullable=True),
        sa.Column("last_event_seq", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("registered_by_person_id", sa.Integer(), nullable=True),
        sa.Column("registered_by_api_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["organ_id"], ["organs.id"], name=op.f("fk_cases_organ_id_organs")),
        sa.ForeignKeyConstraint(
            ["origin_case_id"], ["cases.id"], name=op.f("fk_cases_origin_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_cases_registered_by_api_key_id_api_keys"),
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_person_id"],
            ["people.id"],
            name=op.f("fk_cases_registered_by_person_id_people"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_cases_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflow_definitions.id"],
            name=op.f("fk_cases_workflow_id_workflow_definitions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    for name, columns in CASE_INDEXES.items():
        op.create_index(name, "cases", columns)

    op.create_table(
        "assessment_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("referral_response", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_assessment_revisions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_person_id"],
            ["people.id"],
            name=op.f("fk_assessment_revisions_created_by_person_id_people"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_revisions")),
        sa.UniqueConstraint(
            "case_id", "revision", name=op.f("uq_assessment_revisions_case_id_revision")
        ),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("trigger", sa.String(length=64), nullable=True),
        sa.Column("from_state", sa.String(length=64), nullable=True),
        sa.Column("to_state", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("authority", sa.JSON(), nullable=False),
        sa.Column("actor_person_id", sa.Integer(), nullable=True),
        sa.Column("actor_api_key_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_case_events_actor_api_key_id_api_keys"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_person_id"], ["people.id"], name=op.f("fk_case_events_actor_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
        sa.UniqueConstraint("case_id", "seq", name=op.f("uq_case_events_case_id_seq")),
    )


def downgrade() -> None:
    op.drop_table("case_events")
    op.drop_table("assessment_revisions")
    for name in CASE_INDEXES:
        op.drop_index(name, table_name="cases")
    op.drop_table("cases")
    op.drop_table("workflow_definitions")
