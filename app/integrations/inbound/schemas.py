"""Request and response shapes of inbound integration: a case as a diarium sends it, the
references, and import jobs with their rows."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from app.cases.schemas import Actor, CaseCreate, CaseRead
from app.integrations.inbound.models import ExternalReference, ImportJob, ImportRow
from app.integrations.inbound.vocabulary import ImportFormat, ImportStatus, Outcome
from app.kit.schemas import Output
from app.workflows.payloads import Level, Route

SYSTEM_PATTERN = r"^[a-z][a-z0-9_-]{0,31}$"
System = Annotated[str, StringConstraints(pattern=SYSTEM_PATTERN, max_length=32)]
"""The outside system's short name, a lower-case slug: ``p360``, ``ciceron``, ``w3d3``."""

EXTERNAL_ID_MAX = 128
ExternalId = Annotated[
    str, StringConstraints(min_length=1, max_length=EXTERNAL_ID_MAX, pattern=r"^[^\x00-\x1f]*$")
]
"""The system's own id of the case, as it writes it (one line; slashes allowed)."""


class CaseUpsert(CaseCreate):
    """A case as a diarium sends it: the registry metadata of ``CaseCreate`` (``diary_number``
    the diarium's own), and for a case it already holds further on than registration, where it
    stands. On a case already known, what the body leaves out stays as it is; ``title``,
    ``description``, ``unit``, ``estimated_cost_sek``, ``flags``, ``case_officer_id``,
    ``confidential`` and ``secrecy`` change as under PATCH; ``organ``, ``problem``,
    ``matter_type``, ``origin``, ``appeal_route`` and a given ``diary_number``, ``state``,
    ``route`` or ``assessment_level`` must be as they are (409 otherwise)."""

    state: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[a-z][a-z_]*$",
        description="For a new case: the state it is in already, one its workflow marks "
        "importable (measure v2: proposed, assessment, valuation); left out: the initial state",
    )
    route: Route | None = Field(
        default=None, description="With a state past the initial one: the route triage chose"
    )
    assessment_level: Level | None = Field(
        default=None,
        description="With a state past the initial one: the assessment's decided scope",
    )


class ImportedRow(CaseUpsert):
    """One row of an import: a ``CaseUpsert`` and the reference it goes by."""

    system: System | None = Field(
        default=None, description="Left out: the import's `system` query parameter"
    )
    external_id: ExternalId


class ExternalReferenceRead(Output):
    system: str
    external_id: str
    case_id: int
    diary_number: str
    import_id: int | None = Field(description="The import that created the reference, if any")
    created_at: datetime
    created_by: Actor

    @classmethod
    def of(cls, reference: ExternalReference, diary_number: str) -> "ExternalReferenceRead":
        assert reference.case_id is not None  # set before the claim commits
        return cls(
            system=reference.system,
            external_id=reference.external_id,
            case_id=reference.case_id,
            diary_number=diary_number,
            import_id=reference.import_id,
            created_at=reference.created_at,
            created_by=Actor(
                person_id=reference.created_by_person_id,
                api_key_id=reference.created_by_api_key_id,
            ),
        )


class ExternalCaseRead(Output):
    reference: ExternalReferenceRead
    case: CaseRead


class UpsertRead(ExternalCaseRead):
    outcome: Outcome = Field(description="created, updated or unchanged")
    changed: list[str] = Field(description="The fields an update changed (its event's)")


class ImportCounts(Output):
    created: int
    updated: int
    unchanged: int
    error: int


class ImportFailure(Output):
    code: str
    message: str


class ImportJobRead(Output):
    id: int
    status: ImportStatus
    format: ImportFormat
    system: str | None = Field(description="The system of rows that name none")
    source_name: str | None = Field(description="The file imported (CLI)")
    rows_read: int = Field(description="Rows answered so far")
    counts: ImportCounts
    failure: ImportFailure | None = Field(description="Why a failed import stopped")
    created_by: Actor
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: ImportJob) -> "ImportJobRead":
        failure = (
            ImportFailure(code=job.error_code, message=job.error_message or "")
            if job.error_code
            else None
        )
        return cls(
            id=job.id,
            status=ImportStatus(job.status),
            format=ImportFormat(job.format),
            system=job.system,
            source_name=job.source_name,
            rows_read=job.rows_read,
            counts=ImportCounts(
                created=job.created_count,
                updated=job.updated_count,
                unchanged=job.unchanged_count,
                error=job.error_count,
            ),
            failure=failure,
            created_by=Actor(
                person_id=job.created_by_person_id, api_key_id=job.created_by_api_key_id
            ),
            created_at=job.created_at,
            updated_at=job.updated_at,
            finished_at=job.finished_at,
        )


class ImportRowRead(Output):
    row: int = Field(description="NDJSON: the line number; CSV: the record after the header")
    outcome: Outcome
    system: str | None
    external_id: str | None
    case_id: int | None
    code: str | None = Field(description="An error's stable code")
    message: str | None
    message_sv: str | None
    errors: list[dict[str, Any]] | None = Field(description="Offending fields, when known")

    @classmethod
    def of(cls, row: ImportRow) -> "ImportRowRead":
        return cls(
            row=row.row,
            outcome=Outcome(row.outcome),
            system=row.system,
            external_id=row.external_id,
            case_id=row.case_id,
            code=row.code,
            message=row.message,
            message_sv=row.message_sv,
            errors=row.errors,
        )
