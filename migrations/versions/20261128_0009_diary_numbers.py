"""Diary numbers (diarienummer): cases.diary_number, organs.diary_format and the series counters.

diary_series holds one row per organ and year with the last number given; its primary key
pk_diary_series (organ_id, year) is the conflict target of the upsert that takes the next number
and locks the row until the registration commits. uq_cases_diary_number keeps numbers unique and
serves GET /cases/by-diary-number/{nr}. organs.diary_format is the organ's format, null for the
default "{organ} {year}/{seq}".

Cases registered before this revision are numbered here in id order per organ and year of
created_at (in Sweden), in the default format (no organ has another yet), and each series goes on
after the last of them. The format is a copy of ``app.organisation.diary_format`` (a migration
must not import code that may change after it).

Revision ID: 20261128_0009
Revises: 20261128_0008
Create Date: 2026-11-28
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0009"
down_revision: str | None = "20261128_0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_FORMAT = "{organ} {year}/{seq}"
MUNICIPAL_TIME = ZoneInfo("Europe/Stockholm")
BATCH = 1000

organs = sa.table("organs", sa.column("id", sa.Integer()), sa.column("code", sa.String()))
cases = sa.table(
    "cases",
    sa.column("id", sa.Integer()),
    sa.column("organ_id", sa.Integer()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("diary_number", sa.String()),
)
series = sa.table(
    "diary_series",
    sa.column("organ_id", sa.Integer()),
    sa.column("year", sa.Integer()),
    sa.column("last_seq", sa.Integer()),
)


def _year(moment: datetime) -> int:
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment  # SQLite: UTC, naive
    return moment.astimezone(MUNICIPAL_TIME).year


def _backfill(connection: sa.Connection) -> None:
    """Number every case, a batch at a time in id order, then record where each series is."""
    codes = {row.id: row.code for row in connection.execute(sa.select(organs.c.id, organs.c.code))}
    last: dict[tuple[int, int], int] = {}
    after = 0
    while True:
        rows = connection.execute(
            sa.select(cases.c.id, cases.c.organ_id, cases.c.created_at)
            .where(cases.c.id > after)
            .order_by(cases.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        numbered = []
        for row in rows:
            key = (row.organ_id, _year(row.created_at))
            last[key] = last.get(key, 0) + 1
            number = DEFAULT_FORMAT.format(organ=codes[row.organ_id], year=key[1], seq=last[key])
            numbered.append({"case_id": row.id, "number": number})
        connection.execute(
            cases.update()
            .where(cases.c.id == sa.bindparam("case_id"))
            .values(diary_number=sa.bindparam("number")),
            numbered,
        )
        after = rows[-1].id
    if last:
        connection.execute(
            series.insert(),
            [
                {"organ_id": organ_id, "year": year, "last_seq": seq}
                for (organ_id, year), seq in last.items()
            ],
        )


def upgrade() -> None:
    with op.batch_alter_table("organs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("diary_format", sa.String(length=64), nullable=True))
    op.create_table(
        "diary_series",
        sa.Column("organ_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organ_id"], ["organs.id"], name=op.f("fk_diary_series_organ_id_organs")
        ),
        sa.PrimaryKeyConstraint("organ_id", "year", name=op.f("pk_diary_series")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("diary_number", sa.String(length=128), nullable=True))

    _backfill(op.get_bind())

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("diary_number", existing_type=sa.String(128), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_cases_diary_number"), ["diary_number"])


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cases_diary_number"), type_="unique")
        batch_op.drop_column("diary_number")
    op.drop_table("diary_series")
    with op.batch_alter_table("organs", schema=None) as batch_op:
        batch_op.drop_column("diary_format")
