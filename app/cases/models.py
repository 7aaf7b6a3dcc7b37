"""Tables of cases: workflow definitions as published, cases pinned to one, assessment revisions
and the append-only event history."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.chain import GENESIS
from app.db import Base, Timestamped
from app.kit.clock import utcnow
from app.organisation.models import Organ, Unit


class WorkflowDefinition(Base):
    """A published version of a workflow. Never changed after publishing: cases are pinned to it."""

    __tablename__ = "workflow_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class Case(Timestamped, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_organ_id_state_id", "organ_id", "state", "id"),
        Index("ix_cases_organ_id_priority_period", "organ_id", "priority_period"),
        Index("ix_cases_updated_at_id", "updated_at", "id"),
        Index("ix_cases_created_at", "created_at"),
        Index("ix_cases_organ_id_matter_type", "organ_id", "matter_type"),
        Index(
            "ix_cases_due_at",
            "due_at",
            postgresql_where=text("due_at IS NOT NULL"),
            sqlite_where=text("due_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Diarienummer: given at registration from the organ's series (DiarySeries), or imported.
    diary_number: Mapped[str] = mapped_column(String(128), unique=True)
    # The number with each run of digits zero-padded, so that text order is the diary's order
    # (BUN 2026/9 before BUN 2026/10) whatever the organ's format
    # (``app.cases.list_query.sort_key``).
    diary_sort_key: Mapped[str] = mapped_column(String(256), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    problem: Mapped[str] = mapped_column(Text)
    organ_id: Mapped[int] = mapped_column(ForeignKey("organs.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    matter_type: Mapped[str | None] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(32))
    origin_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    estimated_cost_sek: Mapped[int | None] = mapped_column(BigInteger)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    appeal_route: Mapped[str] = mapped_column(String(32))
    confidential: Mapped[bool] = mapped_column(default=False)
    # The secrecy marking (OSL 5 kap. 5 §) a confidential case carries: the provision, the day
    # it was marked and the authority that marked it. All three or none.
    secrecy_provision: Mapped[str | None] = mapped_column(String(200))
    secrecy_marked_on: Mapped[date | None]
    secrecy_marked_by: Mapped[str | None] = mapped_column(String(200))
    # Handläggare: the official who prepares the case.
    case_officer_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)

    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflow_definitions.id"), index=True)
    state: Mapped[str] = mapped_column(String(64), index=True)
    route: Mapped[str | None] = mapped_column(String(16))
    assessment_level: Mapped[str | None] = mapped_column(String(16))
    # The reason of a referral back that no assessment revision has answered yet.
    pending_referral: Mapped[str | None] = mapped_column(Text)
    # When the time limit of the case's state runs out (the end of its last day in Sweden), set
    # at registration and at every change of state (app.cases.service.deadlines); null when
    # none applies, as in a final state.
    due_at: Mapped[datetime | None]
    priority_period: Mapped[str | None] = mapped_column(String(4))
    priority_score: Mapped[float | None]
    priority_rank: Mapped[int | None]
    last_event_seq: Mapped[int] = mapped_column(default=0)
    # The head of the event hash chain (app.audit.chain): the newest event's hash.
    last_event_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    version: Mapped[int] = mapped_column(default=1)

    registered_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    registered_by_api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))

    workflow: Mapped[WorkflowDefinition] = relationship(lazy="raise")
    organ: Mapped[Organ] = relationship(lazy="raise")
    unit: Mapped[Unit | None] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it as is)


class AssessmentRevision(Base):
    __tablename__ = "assessment_revisions"
    __table_args__ = (UniqueConstraint("case_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    revision: Mapped[int]
    level: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    referral_response: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))


class CaseEvent(Base):
    """One step in a case's history. Appended, never changed (on PostgreSQL a trigger refuses
    UPDATE, DELETE and TRUNCATE), and sealed into the case's hash chain (``app.audit.chain``)."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    seq: Mapped[int]
    kind: Mapped[str] = mapped_column(String(32))
    trigger: Mapped[str | None] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    authority: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    actor_api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    case: Mapped[Case] = relationship(lazy="raise")


class Recusal(Timestamped, Base):
    """A conflict of interest (jäv, KL 6:28–32, 7:4): declared by the person, or raised against
    them and decided by the organ. A declared or upheld one bars them from the case."""

    __tablename__ = "recusals"
    __table_args__ = (Index("ix_recusals_case_id_person_id", "case_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    ground: Mapped[int]  # 1–4 of KL 6:28
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # declared, raised, upheld, rejected
    raised_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    decided_on: Mapped[date | None]
    decision_paragraph: Mapped[str | None] = mapped_column(String(32))


class DiarySeries(Base):
    """An organ's series of diary numbers in one year: the last number given. Registering takes
    the next one with a single upsert that locks this row until the registration commits, so
    concurrent registrations queue on it and get consecutive numbers, without gaps or
    duplicates (``app.cases.service.diary``)."""

    __tablename__ = "diary_series"

    organ_id: Mapped[int] = mapped_column(ForeignKey("organs.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int]


class CaseDocument(Base):
    """A reference to a document the diarium holds for the case: the diarium's id, what the
    document is, and the checksum of the file it keeps. Never the file itself, which stays in
    the diarium (the public-access rules of the record are the diarium's to apply)."""

    __tablename__ = "case_documents"
    __table_args__ = (
        UniqueConstraint("case_id", "external_id"),
        Index("ix_case_documents_case_id_id", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(500))
    document_type: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(16))
    registered_on: Mapped[date]
    checksum: Mapped[str] = mapped_column(String(71))  # sha256:<64 hex>
    url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_by_api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
