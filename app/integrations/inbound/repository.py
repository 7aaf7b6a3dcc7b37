"""Every query of references, import jobs and their rows."""

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases.models import Case
from app.cases.repository import CASE_LOADS
from app.integrations.inbound.models import ExternalReference, ImportJob, ImportRow
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
    """The references of ``keys`` (system, external id) that exist, in one query."""
    if not keys:
        return {}
    query = select(ExternalReference).where(
        tuple_(ExternalReference.system, ExternalReference.external_id).in_(list(keys))
    )
    return {(r.system, r.external_id): r for r in session.scalars(query)}


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
    """Insert a batch's row results in one statement (executemany)."""
    if rows:
        session.execute(insert(ImportRow), list(rows))


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
