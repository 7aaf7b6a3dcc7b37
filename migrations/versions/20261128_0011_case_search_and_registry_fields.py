"""Case search and registry fields: the case officer, the secrecy marking, the diary's sort
order, and the indexes the case list's filters and free text use.

Which index serves which part of ``GET /cases`` (``app.cases.search``):

- ``state`` with ``organ``: ix_cases_organ_id_state_id, which replaces 0002's
  ix_cases_organ_id_state so that a page of one organ's cases in a state is read in id order
  straight from the index, however rare the state; ``state`` alone: ix_cases_state; ``organ``
  alone: the same index's first column.
- ``unit``: ix_cases_unit_id (0002); ``matter_type`` (always within an organ's types):
  ix_cases_organ_id_matter_type; ``case_officer``: ix_cases_case_officer_person_id.
- ``created_from``/``created_to``: ix_cases_created_at; ``updated_*`` and ``sort=updated``:
  ix_cases_updated_at_id (keyset on (updated_at, id)); ``sort=created``: pk_cases;
  ``sort=diary_number``: ix_cases_diary_sort_key; ``sort=priority``: within an organ,
  ix_cases_organ_id_priority_period (0002).
- ``flag``: on PostgreSQL ix_cases_flags, GIN over ``flags::jsonb`` (jsonb_path_ops, serving
  ``@>``); on SQLite no index (flags are read with json_each within the other filters).
- ``q``: on PostgreSQL ix_cases_search_swedish, GIN over the Swedish tsvector of diary
  number, title, description and problem (the expression must stay exactly
  ``app.cases.search._document``); on SQLite the FTS5 table cases_fts (external content, kept
  by triggers on cases; ``unicode61`` keeps å, ä and ö apart from a, o).
- ``route``, ``origin``, ``confidential``: two to five values each, no index of their own; they
  narrow what the indexes above find.

On SQLite, a later migration that rebuilds the cases table (batch mode "move and copy")
drops its triggers with it and must create them again (``FTS_TRIGGERS`` here, copied).

Existing confidential cases get no marking here: none was recorded. They read with
``secrecy: null`` until a registrar adds one (PATCH), which any edit of their confidentiality
requires.

Revision ID: 20261128_0011
Revises: 20261128_0010
Create Date: 2026-11-28
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0011"
down_revision: str | None = "20261128_0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
cases = sa.table(
    "cases",
    sa.column("id", sa.Integer()),
    sa.column("diary_number", sa.String()),
    sa.column("diary_sort_key", sa.String()),
)

SEARCH_INDEX = (
    "CREATE INDEX ix_cases_search_swedish ON cases USING gin (to_tsvector('swedish'::regconfig, "
    "diary_number || ' ' || title || ' ' || coalesce(description, '') || ' ' || problem))"
)
FLAGS_INDEX = "CREATE INDEX ix_cases_flags ON cases USING gin ((flags::jsonb) jsonb_path_ops)"

FTS_TABLE = (
    "CREATE VIRTUAL TABLE cases_fts USING fts5(diary_number, title, description, problem, "
    "content='cases', content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
)
FTS_TRIGGERS = (
    """CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
        INSERT INTO cases_fts(rowid, diary_number, title, description, problem)
        VALUES (new.id, new.diary_number, new.title, new.description, new.problem);
    END""",
    """CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
        INSERT INTO cases_fts(cases_fts, rowid, diary_number, title, description, problem)
        VALUES ('delete', old.id, old.diary_number, old.title, old.description, old.problem);
    END""",
    """CREATE TRIGGER cases_fts_update
    AFTER UPDATE OF diary_number, title, description, problem ON cases BEGIN
        INSERT INTO cases_fts(cases_fts, rowid, diary_number, title, description, problem)
        VALUES ('delete', old.id, old.diary_number, old.title, old.description, old.problem);
        INSERT INTO cases_fts(rowid, diary_number, title, description, problem)
        VALUES (new.id, new.diary_number, new.title, new.description, new.problem);
    END""",
)


def _sort_key(number: str) -> str:
    """``app.cases.search.sort_key`` as of this revision."""
    return re.sub(r"\d+", lambda digits: digits[0].zfill(10), number)


def _backfill_sort_keys() -> None:
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(cases.c.id, cases.c.diary_number)
            .where(cases.c.id > last)
            .order_by(cases.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            connection.execute(
                cases.update()
                .where(cases.c.id == row.id)
                .values(diary_sort_key=_sort_key(row.diary_number))
            )
        last = rows[-1].id


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("diary_sort_key", sa.String(length=256), nullable=True))
        batch_op.add_column(sa.Column("secrecy_provision", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("secrecy_marked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("secrecy_marked_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("case_officer_person_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_case_officer_person_id_people"),
            "people",
            ["case_officer_person_id"],
            ["id"],
        )
    _backfill_sort_keys()
    with op.batch_alter_table("cases") as batch_op:
        batch_op.alter_column("diary_sort_key", existing_type=sa.String(256), nullable=False)
        batch_op.create_index("ix_cases_diary_sort_key", ["diary_sort_key"])
        batch_op.create_index("ix_cases_case_officer_person_id", ["case_officer_person_id"])
        batch_op.create_index("ix_cases_created_at", ["created_at"])
        batch_op.create_index("ix_cases_updated_at_id", ["updated_at", "id"])
        batch_op.create_index("ix_cases_organ_id_matter_type", ["organ_id", "matter_type"])
        batch_op.drop_index("ix_cases_organ_id_state")
        batch_op.create_index("ix_cases_organ_id_state_id", ["organ_id", "state", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(SEARCH_INDEX)
        op.execute(FLAGS_INDEX)
    else:  # after the rebuilds above, which would take triggers with them
        op.execute(FTS_TABLE)
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_flags")
        op.execute("DROP INDEX ix_cases_search_swedish")
    else:
        for name in ("cases_fts_update", "cases_fts_delete", "cases_fts_insert"):
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE cases_fts")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_index("ix_cases_organ_id_state_id")
        batch_op.create_index("ix_cases_organ_id_state", ["organ_id", "state"])
        batch_op.drop_index("ix_cases_organ_id_matter_type")
        batch_op.drop_index("ix_cases_updated_at_id")
        batch_op.drop_index("ix_cases_created_at")
        batch_op.drop_index("ix_cases_case_officer_person_id")
        batch_op.drop_index("ix_cases_diary_sort_key")
        batch_op.drop_constraint("fk_cases_case_officer_person_id_people", type_="foreignkey")
        batch_op.drop_column("case_officer_person_id")
        batch_op.drop_column("secrecy_marked_by")
        batch_op.drop_column("secrecy_marked_on")
        batch_op.drop_column("secrecy_provision")
        batch_op.drop_column("diary_sort_key")
