"""Organisation (organs, units, people, memberships, positions) and API keys.

Indexes, and the queries they serve:
- ix_organs_parent_id, ix_units_parent_id: children of an organ/unit (chain and tree walks);
- ix_memberships_organ_id_role, ix_positions_unit_id_role: "who holds role R in X on date D";
- ix_memberships_person_id, ix_positions_person_id: a caller's roles, loaded on every request;
- ix_unit_organs_organ_id: the units serving an organ;
- ix_api_keys_person_id: keys owned by a person.
Unique: organ and unit codes, usernames (the identity claim), API-key prefixes (key lookup).

Revision ID: 20261128_0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32, create_constraint=False)


def _timestamps() -> list[sa.Column[sa.DateTime]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _period() -> list[sa.Column[sa.Date]]:
    return [
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "organs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "council",
                "executive_board",
                "committee",
                "sub_committee",
                "presidium",
                name="organkind",
            ),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=False),
        *_period(),
        *_timestamps(),
        sa.ForeignKeyConstraint(["parent_id"], ["organs.id"], name="fk_organs_parent_id_organs"),
        sa.PrimaryKeyConstraint("id", name="pk_organs"),
        sa.UniqueConstraint("code", name="uq_organs_code"),
    )
    op.create_index("ix_organs_parent_id", "organs", ["parent_id"])

    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", _enum("elected", "employee", name="personkind"), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("username", name="uq_people_username"),
    )

    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        *_period(),
        *_timestamps(),
        sa.ForeignKeyConstraint(["parent_id"], ["units.id"], name="fk_units_parent_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_units"),
        sa.UniqueConstraint("code", name="uq_units_code"),
    )
    op.create_index("ix_units_parent_id", "units", ["parent_id"])

    op.create_table(
        "unit_organs",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organ_id"], ["organs.id"], name="fk_unit_organs_organ_id_organs"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_unit_organs_unit_id_units"),
        sa.PrimaryKeyConstraint("unit_id", "organ_id", name="pk_unit_organs"),
    )
    op.create_index("ix_unit_organs_organ_id", "unit_organs", ["organ_id"])

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            _enum(
                "chair", "vice_chair", "member", "substitute", "secretary", name="membershiprole"
            ),
            nullable=False,
        ),
        *_period(),
        *_timestamps(),
        sa.ForeignKeyConstraint(["organ_id"], ["organs.id"], name="fk_memberships_organ_id_organs"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_memberships_person_id_people"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_memberships"),
    )
    op.create_index("ix_memberships_organ_id_role", "memberships", ["organ_id", "role"])
    op.create_index("ix_memberships_person_id", "memberships", ["person_id"])

    op.create_table(
        "positions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            _enum(
                "head_of_administration",
                "unit_manager",
                "case_officer",
                "registrar",
                "controller",
                name="positionrole",
            ),
            nullable=False,
        ),
        *_period(),
        *_timestamps(),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_positions_person_id_people"),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name="fk_positions_unit_id_units"),
        sa.PrimaryKeyConstraint("id", name="pk_positions"),
    )
    op.create_index("ix_positions_unit_id_role", "positions", ["unit_id", "role"])
    op.create_index("ix_positions_person_id", "positions", ["person_id"])

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        *_timestamps(),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name="fk_api_keys_person_id_people"),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.UniqueConstraint("prefix", name="uq_api_keys_prefix"),
    )
    op.create_index("ix_api_keys_person_id", "api_keys", ["person_id"])


def downgrade() -> None:
    for table, indexes in [
        ("api_keys", ["ix_api_keys_person_id"]),
        ("positions", ["ix_positions_person_id", "ix_positions_unit_id_role"]),
        ("memberships", ["ix_memberships_person_id", "ix_memberships_organ_id_role"]),
        ("unit_organs", ["ix_unit_organs_organ_id"]),
        ("units", ["ix_units_parent_id"]),
        ("people", []),
        ("organs", ["ix_organs_parent_id"]),
    ]:
        for index in indexes:
            op.drop_index(index, table_name=table)
        op.drop_table(table)
