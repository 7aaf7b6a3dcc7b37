"""Tables of inbound integration: the diarium's references to cases, and import jobs with the
result of each of their rows."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, Timestamped
from app.kit.clock import utcnow


class ExternalReference(Base):
    """A case as an outside system knows it: (``system``, ``external_id``) → case, one case per
    reference, found both ways (uq_external_references_system_external_id,
    ix_external_references_case_id).

    The row is inserted first, as the claim on the reference, before the case exists and before
    a diary number is taken (``app.integrations.inbound.service.upsert``): ``case_id`` is null
    only inside the transaction that claims it, which sets it before it commits. A run of an
    import's new cases (``service.batch``) writes its references last, with their cases, in
    one savepoint: a reference taken meanwhile sends the run back to the row path."""

    __tablename__ = "external_references"
    __table_args__ = (UniqueConstraint("system", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_jobs.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_by_api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))


class ImportJob(Timestamped, Base):
    """One bulk import: what it read, who ran it, how far it got and what became of its rows.
    The counts are written with each batch of rows, so another connection sees the progress.

    An import sent with an ``Idempotency-Key`` keeps the key (per caller, as the idempotency
    middleware does: uq_import_jobs_idempotency_caller_idempotency_key) and the SHA-256 of its
    query and body, so a retry gets the job back, and the same key with another file is
    refused; the key is kept with the job, not for a day as other keys are."""

    __tablename__ = "import_jobs"
    __table_args__ = (UniqueConstraint("idempotency_caller", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    system: Mapped[str | None] = mapped_column(String(32))  # the default for rows naming none
    source_name: Mapped[str | None] = mapped_column(String(500))  # the CLI's file name
    rows_read: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))  # why a failed job stopped
    error_message: Mapped[str | None] = mapped_column(Text)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    created_by_api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"), index=True)
    finished_at: Mapped[datetime | None]
    idempotency_caller: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the credential
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    request_sha256: Mapped[str | None] = mapped_column(String(64))


class ImportRow(Base):
    """The result of one row of an import: its number in the file, the reference it named (when
    it could be read), the case it created or found, and for an error its code and message.
    Pages of an import's rows go by row number: uq_import_rows_import_id_row serves all of
    them, ix_import_rows_import_id_outcome_row those of one outcome ("the errors of import N")."""

    __tablename__ = "import_rows"
    __table_args__ = (
        UniqueConstraint("import_id", "row"),
        Index("ix_import_rows_import_id_outcome_row", "import_id", "outcome", "row"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id"))
    row: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))
    system: Mapped[str | None] = mapped_column(String(32))
    external_id: Mapped[str | None] = mapped_column(String(128))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    code: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    message_sv: Mapped[str | None] = mapped_column(Text)
    errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
