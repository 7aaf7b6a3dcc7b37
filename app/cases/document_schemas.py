"""Request and response shapes of the documents a case refers to (held in the diarium)."""

from datetime import date, datetime
from typing import Annotated

from pydantic import AnyUrl, Field, UrlConstraints, computed_field, field_validator

from app.cases.models import CaseDocument
from app.cases.schemas import Actor
from app.cases.vocabulary import LABELS_SV, DocumentDirection
from app.kit.schemas import Input, Output

ONE_LINE = r"^[^\x00-\x1f]*$"
URL_MAX = 2048
DocumentUrl = Annotated[
    AnyUrl, UrlConstraints(max_length=URL_MAX, allowed_schemes=["http", "https"])
]


class DocumentCreate(Input):
    """A reference to a document the diarium holds for the case: what it is and the checksum of
    its file, never the file."""

    external_id: str = Field(
        min_length=1,
        max_length=128,
        pattern=ONE_LINE,
        description="The diarium's id of the document; one reference per id and case",
    )
    title: str = Field(min_length=1, max_length=500, pattern=ONE_LINE)
    document_type: str = Field(
        min_length=1,
        max_length=64,
        pattern=ONE_LINE,
        description="As the diarium names it, e.g. 'tjänsteskrivelse', 'protokollsutdrag'",
    )
    direction: DocumentDirection = Field(
        description="incoming (inkommande), outgoing (utgående) or internal (upprättad)"
    )
    registered_on: date = Field(
        description="The day the diarium registered it; not later than today"
    )
    checksum: str = Field(
        pattern=r"^sha256:[0-9a-fA-F]{64}$",
        description="The SHA-256 of the file as the diarium holds it: 'sha256:' and 64 hex "
        "digits (stored in lower case)",
    )
    url: DocumentUrl | None = Field(
        default=None, description="Where the diarium serves the document (http or https)"
    )

    @field_validator("checksum")
    @classmethod
    def _lower_case(cls, value: str) -> str:
        return value.lower()

    @field_validator("url")
    @classmethod
    def _shareable(cls, value: AnyUrl | None) -> AnyUrl | None:
        """Everyone who may see the case reads the URL: it may not carry credentials, and must
        fit its column as normalised (percent-encoding lengthens it)."""
        if value is None:
            return None
        if value.username is not None or value.password is not None:
            raise ValueError("a document URL may not carry a user name or password")
        if len(str(value)) > URL_MAX:
            raise ValueError(f"the URL is longer than {URL_MAX} characters once encoded")
        return value


class DocumentRead(Output):
    id: int
    case_id: int
    external_id: str
    title: str
    document_type: str
    direction: DocumentDirection
    registered_on: date
    checksum: str
    url: str | None
    created_at: datetime
    created_by: Actor

    @computed_field  # type: ignore[prop-decorator]
    @property
    def direction_label_sv(self) -> str:
        return LABELS_SV[self.direction]

    @classmethod
    def of(cls, document: CaseDocument) -> "DocumentRead":
        return cls(
            id=document.id,
            case_id=document.case_id,
            external_id=document.external_id,
            title=document.title,
            document_type=document.document_type,
            direction=DocumentDirection(document.direction),
            registered_on=document.registered_on,
            checksum=document.checksum,
            url=document.url,
            created_at=document.created_at,
            created_by=Actor(
                person_id=document.created_by_person_id,
                api_key_id=document.created_by_api_key_id,
            ),
        )
