"""Shapes of matter types, delegation orders and their entries."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from app.cases.vocabulary import AppealRoute
from app.delegation.models import (
    DelegationEntry,
    DelegationOrder,
    MatterType,
    ReportableDecision,
    Subdelegation,
)
from app.delegation.vocabulary import DelegateKind
from app.kit.schemas import Code, Id, Input, Name, Output, Patch
from app.organisation.vocabulary import MembershipRole, PositionRole

MatterCode = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
EntryCode = Annotated[
    str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
Route = Literal["political", "operational"]


class MatterTypeCreate(Input):
    code: MatterCode
    name: Name
    non_delegable: bool = Field(default=False, description="KL 6:38: the organ decides itself")
    council_reserved: bool = Field(default=False, description="KL 5:1–2: only the council")
    procurement: bool = False
    appeal_route: AppealRoute = AppealRoute.judicial_review
    default_route: Route | None = None


class MatterTypeUpdate(Patch):
    nullable = frozenset({"default_route"})

    name: Name | None = None
    non_delegable: bool | None = None
    council_reserved: bool | None = None
    procurement: bool | None = None
    appeal_route: AppealRoute | None = None
    default_route: Route | None = None


class MatterTypeRead(Output):
    id: int
    code: str
    name: str
    non_delegable: bool
    council_reserved: bool
    procurement: bool
    appeal_route: AppealRoute
    default_route: Route | None

    @classmethod
    def of(cls, matter: MatterType) -> "MatterTypeRead":
        return cls.model_validate(matter)


# Which fields each kind of delegate takes (and no others).
DELEGATE_FIELDS: dict[DelegateKind, frozenset[str]] = {
    DelegateKind.position: frozenset({"role", "unit"}),
    DelegateKind.membership: frozenset({"role"}),
    DelegateKind.person: frozenset({"person_id"}),
    DelegateKind.presidium: frozenset({"organ"}),
    DelegateKind.sub_committee: frozenset({"organ"}),
    DelegateKind.automated: frozenset({"function"}),
}


class Delegate(Input):
    """Exactly one delegate: a post in a unit, the chair or vice chair, one named person, the
    presidium, a sub-committee, or an automated decision function."""

    kind: DelegateKind
    role: PositionRole | MembershipRole | None = None
    unit: Code | None = None
    organ: Code | None = None
    person_id: Id | None = None
    function: Name | None = None

    @model_validator(mode="after")
    def _fields_fit_the_kind(self) -> "Delegate":
        wanted = DELEGATE_FIELDS[self.kind]
        given = {
            name
            for name in ("role", "unit", "organ", "person_id", "function")
            if getattr(self, name) is not None
        }
        if given != wanted:
            raise ValueError(f"a {self.kind.value} delegate takes exactly {sorted(wanted)}")
        if self.kind == DelegateKind.position and not isinstance(self.role, PositionRole):
            raise ValueError("a position delegate's role is a position role")
        if self.kind == DelegateKind.membership and not isinstance(self.role, MembershipRole):
            raise ValueError("a membership delegate's role is a membership role")
        return self

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class EntryWrite(Input):
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    matter_types: list[MatterCode] = Field(
        max_length=200, description="At least one; an urgent-matters clause may leave it empty: all"
    )
    actions: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        min_length=1, max_length=50, description="Workflow triggers, e.g. approve, reject"
    )
    delegate: Delegate
    substitute: Delegate | None = Field(
        default=None, description="Acts when the delegate is absent"
    )
    amount_limit_sek: int | None = Field(default=None, ge=0, le=10**13)
    conditions: str | None = Field(default=None, max_length=5000)
    legal_reference: str | None = Field(default=None, max_length=200, description="Lagrum")
    report_to_organ: bool = Field(default=True, description="Anmäls till nämnden")
    subdelegation_allowed: bool = Field(default=False, description="Vidaredelegation (KL 7:6)")
    urgent: bool = Field(
        default=False,
        description="The clause for urgent matters (KL 6:39): the chair, or a member the organ "
        "appointed, decides what cannot wait",
    )

    @model_validator(mode="after")
    def _matter_types_unless_urgent(self) -> "EntryWrite":
        if not self.matter_types and not self.urgent:
            raise ValueError("an entry names the matter types it covers")
        return self


class EntryRead(Output):
    code: str
    title: str
    matter_types: list[str]
    actions: list[str]
    delegate: dict[str, Any]
    substitute: dict[str, Any] | None
    amount_limit_sek: int | None
    conditions: str | None
    legal_reference: str | None
    report_to_organ: bool
    subdelegation_allowed: bool
    urgent: bool

    @classmethod
    def of(cls, entry: DelegationEntry) -> "EntryRead":
        return cls.model_validate(entry)


class OrderCreate(Input):
    title: Name


class Adoption(Input):
    """The organ's decision adopting the order, and the day it takes effect."""

    decided_on: date
    paragraph: Annotated[str, StringConstraints(min_length=1, max_length=32)] = Field(
        description="The minutes' paragraph, e.g. '§ 45'"
    )
    diary_number: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    valid_from: date


class OrderRead(Output):
    id: int
    organ: str
    version: int
    title: str
    status: str
    decided_on: date | None
    paragraph: str | None
    diary_number: str | None
    valid_from: date | None
    valid_to: date | None
    entries: list[EntryRead]

    @classmethod
    def of(cls, order: DelegationOrder) -> "OrderRead":
        return cls(
            id=order.id,
            organ=order.organ.code,
            version=order.version,
            title=order.title,
            status=order.status,
            decided_on=order.decided_on,
            paragraph=order.paragraph,
            diary_number=order.diary_number,
            valid_from=order.valid_from,
            valid_to=order.valid_to,
            entries=[EntryRead.of(entry) for entry in order.entries],
        )


class ReportRequest(Input):
    """The meeting where the organ took note of delegated and urgent decisions."""

    decision_ids: list[Id] = Field(min_length=1, max_length=1000)
    held_on: date
    paragraph: Annotated[str, StringConstraints(min_length=1, max_length=32)]


class ReportableRead(Output):
    id: int
    case_id: int
    case_title: str
    kind: str
    trigger: str | None
    authority: dict[str, Any]
    decided_at: datetime
    reported_on: date | None
    report_paragraph: str | None

    @classmethod
    def of(cls, row: ReportableDecision) -> "ReportableRead":
        return cls(
            id=row.id,
            case_id=row.case_id,
            case_title="(sekretess)" if row.case.confidential else row.case.title,
            kind=row.kind,
            trigger=row.event.trigger,
            authority=row.event.authority,
            decided_at=row.event.created_at,
            reported_on=row.reported_on,
            report_paragraph=row.report_paragraph,
        )


class SubdelegationCreate(Input):
    """The head of administration passes the entry on to one employee: a single-holder post in
    the administration, or one named employee (KL 7:6)."""

    delegate: Delegate
    valid_from: date | None = Field(default=None, description="Left out: today")
    note: str | None = Field(default=None, max_length=5000)


class SubdelegationEnd(Input):
    valid_to: date | None = Field(
        default=None, description="The last day it applies, today or later; left out: at once"
    )


class SubdelegationRead(Output):
    id: int
    order_id: int
    entry_code: str
    delegate: dict[str, Any]
    granted_by_person_id: int
    valid_from: date
    valid_to: date | None
    note: str | None
    created_at: datetime

    @classmethod
    def of(cls, row: Subdelegation) -> "SubdelegationRead":
        return cls.model_validate(row)
