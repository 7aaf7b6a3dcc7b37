"""The tamper-evident trail: case events sealed into a hash chain per case, append-only.

case_events.hash = SHA-256(prev_hash ‖ canonical JSON of the event) and case_events.prev_hash
(the hash it chains from; 64 zeros for a case's first event); cases.last_event_hash is the head,
so appending needs no extra read. Existing events are sealed here in seq order per case, with a
copy of the canonical form of ``app.audit.chain`` (a migration must not import code that may
change after it). On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on case_events; a
later migration that must rewrite events disables it for its own transaction (``ALTER TABLE
case_events DISABLE TRIGGER USER``) and reseals what it changes.

No new index: uq_case_events_case_id_seq serves reading a case's events in seq order (the
backfill here, ``styrkedja audit verify``), and pk_cases walking every case.

Revision ID: 20261128_0008
Revises: 20261128_0007
Create Date: 2026-11-28
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "20261128_0008"
down_revision: str | None = "20261128_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
BATCH = 1000
SEALED = (
    "case_id", "seq", "kind", "trigger", "from_state", "to_state", "payload", "authority",
    "actor_person_id", "actor_api_key_id", "created_at",
)  # fmt: skip

cases = sa.table("cases", sa.column("id", sa.Integer()), sa.column("last_event_hash", sa.String()))
events = sa.table(
    "case_events",
    sa.column("id", sa.Integer()),
    sa.column("case_id", sa.Integer()),
    sa.column("seq", sa.Integer()),
    sa.column("kind", sa.String()),
    sa.column("trigger", sa.String()),
    sa.column("from_state", sa.String()),
    sa.column("to_state", sa.String()),
    sa.column("payload", sa.JSON()),
    sa.column("authority", sa.JSON()),
    sa.column("actor_person_id", sa.Integer()),
    sa.column("actor_api_key_id", sa.Integer()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)

REFUSE_CHANGE = """
CREATE FUNCTION case_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'case_events is append-only: % refused', TG_OP
        USING HINT = 'Case events are sealed into a hash chain (styrkedja audit verify); '
                     'record a correction as a new event.';
END;
$$
"""
TRIGGERS = (
    "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
    "FOR EACH ROW EXECUTE FUNCTION case_events_refuse_change()",
    "CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION case_events_refuse_change()",
)


def _seal(prev_hash: str, row: Any) -> str:
    """``app.audit.chain.seal`` as of this revision."""
    fields = {name: getattr(row, name) for name in SEALED}
    moment: datetime = fields["created_at"]
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment  # SQLite: UTC, naive
    fields["created_at"] = moment.astimezone(UTC).isoformat(timespec="microseconds")
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + text).encode()).hexdigest()


def _backfill(connection: sa.Connection) -> None:
    """Seal every event in (case_id, seq) order, a batch at a time, and record each head."""
    after: tuple[int, int] = (0, 0)
    case_id, prev = 0, GENESIS
    while True:
        rows = connection.execute(
            sa.select(events)
            .where(sa.tuple_(events.c.case_id, events.c.seq) > sa.tuple_(*after))
            .order_by(events.c.case_id, events.c.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        sealed, heads = [], {}
        for row in rows:
            if row.case_id != case_id:
                case_id, prev = row.case_id, GENESIS
            digest = _seal(prev, row)
            sealed.append({"event_id": row.id, "prev": prev, "digest": digest})
            heads[row.case_id] = digest
            prev = digest
        connection.execute(
            events.update()
            .where(events.c.id == sa.bindparam("event_id"))
            .values(prev_hash=sa.bindparam("prev"), hash=sa.bindparam("digest")),
            sealed,
        )
        connection.execute(
            cases.update()
            .where(cases.c.id == sa.bindparam("head_case_id"))
            .values(last_event_hash=sa.bindparam("head")),
            [{"head_case_id": key, "head": value} for key, value in heads.items()],
        )
        after = (rows[-1].case_id, rows[-1].seq)
    connection.execute(
        cases.update().where(cases.c.last_event_hash.is_(None)).values(last_event_hash=GENESIS)
    )


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_event_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    _backfill(op.get_bind())

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("last_event_hash", existing_type=sa.String(64), nullable=False)
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.alter_column("prev_hash", existing_type=sa.String(64), nullable=False)
        batch_op.alter_column("hash", existing_type=sa.String(64), nullable=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_CHANGE)
        for statement in TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER case_events_no_truncate ON case_events")
        op.execute("DROP TRIGGER case_events_append_only ON case_events")
        op.execute("DROP FUNCTION case_events_refuse_change()")

    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("last_event_hash")
