"""Request and response shapes of the organisation admin API. Organs and units are referred to by
their code (immutable, as the registry writes it); people and roles by id."""

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from app.kit.schemas import Code, Id, Input, Name, Output, Patch
from app.organisation.models import Membership, Organ, Position, Unit
from app.organisation.vocabulary import (
    MembershipRole,
    OrganKind,
    PersonKind,
    PositionRole,
    label_sv,
)

Username = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\s\x00-\x1f]+$")
]
Email = Annotated[
    str,
    StringConstraints(
        max_length=320, pattern=r"^[^@\s\x00-\x1f]+@[^@\s\x00-\x1f]+\.[^@\s\x00-\x1f]+$"
    ),
]
Seats = Annotated[int, Field(ge=1, le=1000, description="Number of seats (ledamöter)")]
DiaryFormatText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]*$"),
    Field(
        description="How the organ writes its diary numbers: {organ}, {year} and {seq} "
        "(the last two required), e.g. '{organ} {year}/{seq}' (the default) gives 'BUN 2026/123'"
    ),
]


class EndRequest(Input):
    valid_to: date | None = Field(default=None, description="Last day (inclusive); default today")


# Organs


class OrganCreate(Input):
    code: Code
    name: Name
    kind: OrganKind
    parent: Code | None = Field(default=None, description="Code of the parent organ")
    seats: Seats
    valid_from: date | None = Field(default=None, description="First day; default today")
    diary_format: DiaryFormatText | None = None


class OrganUpdate(Patch):
    nullable = frozenset({"parent", "diary_format"})

    name: Name | None = None
    parent: Code | None = None
    seats: Seats | None = None
    diary_format: DiaryFormatText | None = Field(
        default=None, description="null: back to the default format"
    )


class OrganRead(Output):
    id: int
    code: str
    name: str
    kind: OrganKind
    parent: str | None
    seats: int
    diary_format: str | None = Field(description="null: the default, '{organ} {year}/{seq}'")
    valid_from: date
    valid_to: date | None = Field(description="Last day (inclusive); null while ongoing")
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind_label_sv(self) -> str:
        return label_sv(self.kind)

    @classmethod
    def of(cls, organ: Organ) -> "OrganRead":
        return cls(
            id=organ.id,
            code=organ.code,
            name=organ.name,
            kind=organ.kind,
            parent=organ.parent.code if organ.parent else None,
            seats=organ.seats,
            diary_format=organ.diary_format,
            valid_from=organ.valid_from,
            valid_to=organ.valid_to,
            created_at=organ.created_at,
            updated_at=organ.updated_at,
        )


# Units


class UnitCreate(Input):
    code: Code
    name: Name
    parent: Code | None = Field(default=None, description="Code of the parent unit")
    serves: list[Code] = Field(default_factory=list, description="Codes of the organs it serves")
    valid_from: date | None = Field(default=None, description="First day; default today")


class UnitUpdate(Patch):
    nullable = frozenset({"parent"})

    name: Name | None = None
    parent: Code | None = None
    serves: list[Code] | None = None


class UnitRead(Output):
    id: int
    code: str
    name: str
    parent: str | None
    serves: list[str]
    valid_from: date
    valid_to: date | None = Field(description="Last day (inclusive); null while ongoing")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, unit: Unit) -> "UnitRead":
        return cls(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            parent=unit.parent.code if unit.parent else None,
            serves=[organ.code for organ in unit.organs],
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
            created_at=unit.created_at,
            updated_at=unit.updated_at,
        )


# People


class PersonCreate(Input):
    username: Username = Field(description="The identity claim of the person's tokens")
    name: Name
    kind: PersonKind
    email: Email | None = None


class PersonUpdate(Patch):
    nullable = frozenset({"email"})

    username: Username | None = None
    name: Name | None = None
    email: Email | None = None


class PersonSummary(Output):
    id: int
    username: str
    name: str


class PersonRead(PersonSummary):
    kind: PersonKind
    email: str | None
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def kind_label_sv(self) -> str:
        return label_sv(self.kind)


# Memberships and positions


class PeriodUpdate(Patch):
    nullable = frozenset({"valid_to"})

    valid_from: date | None = None
    valid_to: date | None = None


class MembershipCreate(Input):
    person_id: Id
    organ: Code
    role: MembershipRole
    valid_from: date | None = Field(default=None, description="First day; default today")
    valid_to: date | None = None


class MembershipRead(Output):
    id: int
    person: PersonSummary
    organ: str
    role: MembershipRole
    valid_from: date
    valid_to: date | None = Field(description="Last day (inclusive); null while ongoing")
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def role_label_sv(self) -> str:
        return label_sv(self.role)

    @classmethod
    def of(cls, membership: Membership) -> "MembershipRead":
        return cls(
            id=membership.id,
            person=PersonSummary.model_validate(membership.person),
            organ=membership.organ.code,
            role=membership.role,
            valid_from=membership.valid_from,
            valid_to=membership.valid_to,
            created_at=membership.created_at,
            updated_at=membership.updated_at,
        )


class PositionCreate(Input):
    person_id: Id
    unit: Code
    role: PositionRole
    valid_from: date | None = Field(default=None, description="First day; default today")
    valid_to: date | None = None


class PositionRead(Output):
    id: int
    person: PersonSummary
    unit: str
    role: PositionRole
    valid_from: date
    valid_to: date | None = Field(description="Last day (inclusive); null while ongoing")
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def role_label_sv(self) -> str:
        return label_sv(self.role)

    @classmethod
    def of(cls, position: Position) -> "PositionRead":
        return cls(
            id=position.id,
            person=PersonSummary.model_validate(position.person),
            unit=position.unit.code,
            role=position.role,
            valid_from=position.valid_from,
            valid_to=position.valid_to,
            created_at=position.created_at,
            updated_at=position.updated_at,
        )


class AbsenceCreate(Input):
    """A recorded absence (förfall), first and last day inclusive."""

    starts_on: date
    ends_on: date
    note: Annotated[str, StringConstraints(max_length=500)] | None = None


class AbsenceRead(Output):
    id: int
    person_id: int
    starts_on: date
    ends_on: date
    note: str | None
    created_at: datetime
