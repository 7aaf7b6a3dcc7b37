"""Every query of references, import jobs and their rows."""

from collections.abc import Collection, Sequence
from typing import Any, cast

import psycopg
from psycopg.types.json import Json
from sqlalchemy import JSON, Table, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases.models import Case, CaseEvent, DiarySeries
from app.cases.repository import CASE_LOADS
from app.integrations.inbound.models import ExternalReference, ImportJob, ImportRow
from app.integrations.webhooks.models import OutboxMessage
from app.kit.clock import utcnow

# References


def reference(session: Session, system: str, external_id: str) -> ExternalReference | None:
    query = select(ExternalReference).where(
        ExternalReference.system == system, ExternalReference.external_id == external_id
    )
    return session.scalars(query).one_or_none()


def references_among(
    session: Session, keys: Collection[tuple[str, str]]
) -> dict[tuple[str, str], ExternalReference]:
    """The references of ``keys`` (system, external id) that exist: one query per system. On
    PostgreSQL each id is looked up in the unique index (``LATERAL … LIMIT 1``): a plain
    ``= ANY`` or ``IN`` on a table that grew since it was last analysed (an import's own
    references) is planned as a scan of all the system's references, a batch at a time."""
    ids_by_system: dict[str, list[str]] = {}
    for system, external_id in keys:
        ids_by_system.setdefault(system, []).append(external_id)
    postgres = session.get_bind().dialect.name == "postgresql"
    found: dict[tuple[str, str], ExternalReference] = {}
    for system, external_ids in ids_by_system.items():
        query = (
            select(ExternalReference).from_statement(
                _EACH_REFERENCE.bindparams(system=system, ids=external_ids)
            )
            if postgres
            else select(ExternalReference).where(
                ExternalReference.system == system, ExternalReference.external_id.in_(external_ids)
            )
        )
        rows = session.scalars(query)
        found |= {(r.system, r.external_id): r for r in rows}
    return found


_EACH_REFERENCE = text(
    "SELECT r.* FROM unnest(CAST(:ids AS varchar[])) AS k (external_id) CROSS JOIN LATERAL "
    "(SELECT * FROM external_references WHERE system = :system "
    "AND external_id = k.external_id LIMIT 1) AS r"
)


def cases_locked(session: Session, case_ids: Collection[int]) -> dict[int, Case]:
    """The cases, their rows locked (PostgreSQL) in id order, so that two imports locking
    overlapping batches queue rather than deadlock."""
    if not case_ids:
        return {}
    query = (
        select(Case)
        .options(*CASE_LOADS)
        .where(Case.id.in_(sorted(case_ids)))
        .order_by(Case.id)
        .with_for_update(of=Case)
    )
    return {case.id: case for case in session.scalars(query)}


def references_of(session: Session, case_id: int) -> list[ExternalReference]:
    query = (
        select(ExternalReference)
        .where(ExternalReference.case_id == case_id)
        .order_by(ExternalReference.id)
    )
    return list(session.scalars(query))


def _claim_statement(dialect: str) -> Any:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING id`` of a reference, built once per dialect
    (an import claims thousands; the values are bound at execution)."""
    if dialect not in _CLAIMS:
        insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
        _CLAIMS[dialect] = (
            insert_for(ExternalReference)
            .on_conflict_do_nothing(index_elements=["system", "external_id"])
            .returning(ExternalReference.id)
        )
    return _CLAIMS[dialect]


_CLAIMS: dict[str, Any] = {}


def claim(
    session: Session,
    system: str,
    external_id: str,
    principal: Principal,
    import_id: int | None,
) -> ExternalReference | None:
    """Insert the reference, as yet without its case, unless it exists: the reference as
    written, or None when another transaction has it. On PostgreSQL the insert waits for a
    concurrent transaction that inserted the same reference, and inserts nothing if that one
    commits. The row is written by a Core statement (the ORM's bulk path costs more than the
    insert itself); the object returned is not in the session: ``attach`` writes its case."""
    reference = ExternalReference(
        system=system,
        external_id=external_id,
        import_id=import_id,
        created_at=utcnow(),
        created_by_person_id=principal.person_id,
        created_by_api_key_id=principal.api_key_id,
    )
    values = {
        name: getattr(reference, name)
        for name in (
            "system",
            "external_id",
            "import_id",
            "created_at",
            "created_by_person_id",
            "created_by_api_key_id",
        )
    }
    statement = _claim_statement(session.get_bind().dialect.name)
    claimed: int | None = session.execute(statement, values).scalar_one_or_none()
    if claimed is None:
        return None
    reference.id = claimed
    return reference


def attach(session: Session, reference: ExternalReference, case_id: int) -> None:
    """Give the claimed reference its case."""
    session.execute(
        update(ExternalReference)
        .where(ExternalReference.id == reference.id)
        .values(case_id=case_id)
        .execution_options(synchronize_session=False)
    )
    reference.case_id = case_id


# A run of new cases, written together (``service.batch``): ids taken first, then one
# executemany of Core rows a table.

REFERENCES = cast(Table, ExternalReference.__table__)
CASES = cast(Table, Case.__table__)
EVENTS = cast(Table, CaseEvent.__table__)
OUTBOX = cast(Table, OutboxMessage.__table__)


def next_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` ids for new rows of ``table``, ascending: from its sequence on PostgreSQL;
    on SQLite the ones it would give (its single writer makes them safe to take, and a row that
    took one meanwhile makes the insert fail, not a duplicate)."""
    if session.get_bind().dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"
        )
        return sorted(session.scalars(query, {"table": table.name, "count": count}))
    last = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return list(range(last + 1, last + count + 1))


def take_numbers(session: Session, organ_id: int, year: int, count: int) -> int:
    """Take ``count`` consecutive numbers of the organ's series for the year at once; the last
    of them. The series row stays locked until the transaction ends, as
    ``app.cases.repository.next_in_series`` leaves it."""
    row = {"organ_id": organ_id, "year": year, "last_seq": count}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(DiarySeries).values(row)
    query = upsert.on_conflict_do_update(
        index_elements=[DiarySeries.organ_id, DiarySeries.year],
        set_={"last_seq": DiarySeries.last_seq + count},
    ).returning(DiarySeries.last_seq)
    return int(session.execute(query).scalar_one())


def insert_all(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert the rows (each with the same keys, values as the columns' Python types): on
    PostgreSQL by ``COPY``, elsewhere by one executemany. (psycopg's executemany is a statement
    a row; SQLAlchemy's multi-row ``INSERT`` costs more to render and parse than to run.)"""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), list(rows))
        return
    names = list(rows[0])
    json = {name for name in names if isinstance(table.c[name].type, JSON)}
    copy = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor, cursor.copy(copy) as out:
            for row in rows:
                out.write_row(
                    [Json(row[name]) if name in json and row[name] is not None else row[name]
                     for name in names]
                )  # fmt: skip
    except psycopg.Error as exc:  # as SQLAlchemy raises what the driver raises in its execute
        raise DBAPIError.instance(copy, None, exc, psycopg.Error) from exc


# Import jobs


def job(session: Session, import_id: int, *, for_update: bool = False) -> ImportJob | None:
    query = select(ImportJob).where(ImportJob.id == import_id)
    if for_update:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def job_by_key(session: Session, caller: str, key: str) -> ImportJob | None:
    query = select(ImportJob).where(
        ImportJob.idempotency_caller == caller, ImportJob.idempotency_key == key
    )
    return session.scalars(query.with_for_update()).one_or_none()


def add_rows(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert a batch's row results in one executemany."""
    insert_all(session, cast(Table, ImportRow.__table__), rows)


def count_job(session: Session, import_id: int, counts: dict[str, int], rows: int) -> None:
    """Add a batch's counts to the job's, in the database (not read, then written)."""
    session.execute(
        update(ImportJob)
        .where(ImportJob.id == import_id)
        .values(
            rows_read=ImportJob.rows_read + rows,
            created_count=ImportJob.created_count + counts.get("created", 0),
            updated_count=ImportJob.updated_count + counts.get("updated", 0),
            unchanged_count=ImportJob.unchanged_count + counts.get("unchanged", 0),
            error_count=ImportJob.error_count + counts.get("error", 0),
            updated_at=utcnow(),
        )
    )


def rows(
    session: Session, import_id: int, outcome: str | None, after: int | None, limit: int
) -> list[ImportRow]:
    """A page of the job's row results in row order (``limit + 1`` rows, for ``cut``)."""
    query = select(ImportRow).where(ImportRow.import_id == import_id)
    if outcome is not None:
        query = query.where(ImportRow.outcome == outcome)
    if after is not None:
        query = query.where(ImportRow.row > after)
    return list(session.scalars(query.order_by(ImportRow.row).limit(limit + 1)))
