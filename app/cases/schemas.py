"""Request and response shapes of cases, their assessment, transitions and history."""

from datetime import date, datetime
from typing import Any

from pydantic import Field, computed_field

from app.cases.list_query import Sort
from app.cases.models import CaseEvent
from app.cases.vocabulary import LABELS_SV, AppealRoute, Flag, Origin
from app.delegation.claims import AuthorityClaim
from app.delegation.reasons import Reason
from app.delegation.views import AuthorityKind
from app.kit.pagination import MAX_LIMIT
from app.kit.schemas import Code, Id, Input, Name, Output, Page, Patch
from app.workflows.engine import Option
from app.workflows.errors import Problem
from app.workflows.payloads import Route, payload_schema

OSL_PROVISION = r"^OSL [1-9][0-9]* kap\. [1-9][0-9]*( ?[a-z])? §( .*)?$"


class SecrecyMarking(Input):
    """The marking a confidential case carries (sekretessmarkering, OSL 5 kap. 5 §): which
    provision, when and by which authority. All three are required on a confidential case;
    they are optional here so that a missing one gets its own answer,
    422 ``SECRECY_MARKING_INCOMPLETE``, naming what is missing."""

    provision: str | None = Field(
        default=None, max_length=200, pattern=OSL_PROVISION, examples=["OSL 26 kap. 1 §"]
    )
    marked_on: date | None = Field(default=None, description="The day it was marked")
    marked_by: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The authority that marked it",
        examples=["Socialnämnden"],
    )


class SecrecyRead(Output):
    provision: str
    marked_on: date
    marked_by: str


class CaseCreate(Input):
    title: Name = Field(description="Ärendemening")
    problem: str = Field(min_length=1, max_length=20_000, description="Which problem or challenge")
    description: str | None = Field(default=None, max_length=20_000)
    organ: Code = Field(description="Code of the owning organ")
    unit: Code | None = Field(default=None, description="Code of the responsible unit")
    matter_type: str | None = Field(default=None, max_length=64)
    origin: Origin = Origin.operations
    estimated_cost_sek: int | None = Field(default=None, ge=0, le=10**13, description="Prislapp")
    flags: list[Flag] = Field(default_factory=list)
    appeal_route: AppealRoute = AppealRoute.judicial_review
    confidential: bool = Field(
        default=False,
        description="Sekretessmarkerat: only those with a role on the case's organ or unit, "
        "registrars, whoever registered it and API keys with the scope cases:confidential "
        "know it exists; to anyone else it is 404",
    )
    secrecy: SecrecyMarking | None = Field(
        default=None, description="Required when confidential, refused otherwise"
    )
    case_officer_id: Id | None = Field(
        default=None, description="Handläggare: the person id of the employee preparing it"
    )
    diary_number: str | None = Field(
        default=None,
        min_length=1,
        max_length=128,
        pattern=r"^[^\x00-\x1f]*$",
        description="Import: the number a diarium already gave the case, in the organ's format "
        "(registrars and integrations only); the organ's series for its year continues above "
        "it. Left out: the next number of the organ's series for this year",
    )


class WorkflowRef(Output):
    key: str
    version: int


class Priority(Output):
    period: str
    score: float | None
    rank: int | None


class CaseRead(Output):
    id: int
    diary_number: str = Field(description="Diarienummer, e.g. 'BUN 2026/123'")
    title: str
    problem: str
    description: str | None
    organ: str
    unit: str | None
    matter_type: str | None
    origin: Origin
    origin_case_id: int | None
    estimated_cost_sek: int | None
    flags: list[Flag]
    appeal_route: AppealRoute
    confidential: bool
    secrecy: SecrecyRead | None = Field(description="The secrecy marking of a confidential case")
    case_officer_id: int | None = Field(description="Handläggare (a person id)")
    workflow: WorkflowRef
    state: str
    state_label_sv: str
    state_label_en: str
    route: str | None
    assessment_level: str | None
    pending_referral: str | None = Field(description="A referral back's reason, until answered")
    priority: Priority | None
    due_at: datetime | None = Field(
        description="When the time limit of the case's state runs out: the end of its last day "
        "in Sweden (a day off moves it to the next working day, lag 1930:173). Null where the "
        "case's workflow sets no limit for its state and origin, and in a final state"
    )
    overdue: bool = Field(description="due_at has passed")
    version: int
    created_at: datetime
    updated_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def origin_label_sv(self) -> str:
        return LABELS_SV[self.origin]


class Actor(Output):
    person_id: int | None
    api_key_id: int | None


class EventRead(Output):
    seq: int
    kind: str
    trigger: str | None
    from_state: str | None
    to_state: str | None
    payload: dict[str, Any]
    authority: dict[str, Any]
    actor: Actor
    created_at: datetime

    @classmethod
    def of(cls, event: CaseEvent) -> "EventRead":
        return cls(
            seq=event.seq,
            kind=event.kind,
            trigger=event.trigger,
            from_state=event.from_state,
            to_state=event.to_state,
            payload=event.payload,
            authority=event.authority,
            actor=Actor(person_id=event.actor_person_id, api_key_id=event.actor_api_key_id),
            created_at=event.created_at,
        )


class ReasonRead(Output):
    code: str
    message_en: str
    message_sv: str
    details: dict[str, Any]

    @classmethod
    def of(cls, problem: Problem) -> "ReasonRead":
        return cls(
            code=problem.code,
            message_en=problem.message_en,
            message_sv=problem.message_sv,
            details=problem.details,
        )

    @classmethod
    def of_authority(cls, reason: Reason) -> "ReasonRead":
        return cls(
            code=reason.code,
            message_en=reason.message_en,
            message_sv=reason.message_sv,
            details={"legal_reference": reason.legal_reference},
        )


class TransitionOption(Output):
    trigger: str
    label_sv: str
    label_en: str
    to_state: str | None = Field(description="null: the case stays in its state")
    allowed: bool = Field(description="The case is ready and the caller has authority")
    ready: bool = Field(description="The case is ready for the step (whoever takes it)")
    authority_kinds: list[AuthorityKind] = Field(
        description="Under which authority the caller could take the step"
    )
    reasons: list[ReasonRead] = Field(description="What stands in the way, when not allowed")
    payload_schema: dict[str, Any] = Field(
        description="JSON Schema of the payload to POST to …/transitions/{trigger}"
    )

    @classmethod
    def of(
        cls, option: Option, kinds: list[AuthorityKind], refusals: list[Reason]
    ) -> "TransitionOption":
        return cls(
            trigger=option.trigger.name,
            label_sv=option.trigger.label_sv,
            label_en=option.trigger.label_en,
            to_state=option.trigger.dest,
            allowed=option.ready and bool(kinds),
            ready=option.ready,
            authority_kinds=kinds,
            reasons=[ReasonRead.of(problem) for problem in option.problems]
            + [ReasonRead.of_authority(reason) for reason in refusals],
            payload_schema=payload_schema(option.trigger.payload),
        )


class TransitionRequest(Input):
    payload: dict[str, Any] = Field(
        default_factory=dict, description="The trigger's payload (see payload_schema)"
    )
    authority: AuthorityClaim | None = Field(
        default=None,
        description="The authority the step is taken under; left out, the caller's post or "
        "delegation is used",
    )


class AssessmentWrite(Input):
    content: dict[str, Any] = Field(
        description="The assessment as written: the fields its level requires (problem, "
        "proposed_measure, alternatives, zero_alternative, cost_sek, time_horizon, …) and "
        "'perspectives' keyed by perspective (economy, children, …)"
    )
    referral_response: str | None = Field(
        default=None, max_length=20_000, description="How this revision answers a referral back"
    )


class RevisionRead(Output):
    revision: int
    level: str
    content: dict[str, Any]
    referral_response: str | None
    created_at: datetime
    created_by_person_id: int | None


class AssessmentRead(Output):
    level: str | None
    missing: list[str] = Field(description="What the level still requires, for the current one")
    current: RevisionRead | None
    history: list[RevisionRead]


class PriorityRow(Output):
    case_id: int
    title: str
    state: str
    rank: int | None
    score: float | None
    estimated_cost_sek: int | None
    running_total_sek: int = Field(description="Sum of the price tags down to this row")


class Priorities(Output):
    organ: str
    period: str
    rows: list[PriorityRow]
    total_sek: int


class DefinitionRead(Output):
    key: str
    version: int
    checksum: str
    created_at: datetime
    created_by_person_id: int | None
    body: dict[str, Any]


class DefinitionSummary(Output):
    key: str
    version: int
    checksum: str
    created_at: datetime


class RecusalCreate(Input):
    person_id: Id | None = Field(
        default=None, description="Who is disqualified; left out: the caller declares their own"
    )
    ground: int = Field(ge=1, le=4, description="The ground of KL 6:28 (1–4)")
    reason: str = Field(min_length=1, max_length=5000)


class RecusalDecision(Input):
    upheld: bool
    held_on: date
    paragraph: str = Field(min_length=1, max_length=32)


class RecusalRead(Output):
    id: int
    person_id: int
    ground: int
    reason: str
    status: str
    raised_by_person_id: int | None
    decided_on: date | None
    decision_paragraph: str | None
    created_at: datetime


class CaseUpdate(Patch):
    """An edit of the case's registry metadata and flags; the workflow state moves only by
    transitions. Flags that decide who may decide are set by the head of administration (as at
    triage) or the organ's chair, and lifted only by the chair (BRIEF §5-6)."""

    nullable = frozenset({"description", "unit", "estimated_cost_sek", "case_officer_id"})

    title: Name | None = None
    description: str | None = Field(default=None, max_length=20_000)
    unit: Code | None = Field(default=None, description="Code of the responsible unit")
    estimated_cost_sek: int | None = Field(default=None, ge=0, le=10**13, description="Prislapp")
    flags: list[Flag] | None = Field(default=None, description="The whole set of flags")
    case_officer_id: Id | None = Field(default=None, description="Handläggare (a person id)")
    confidential: bool | None = Field(
        default=None, description="Lifting it removes the secrecy marking; setting it needs one"
    )
    secrecy: SecrecyMarking | None = Field(
        default=None, description="The whole marking, or the parts that change"
    )


class CaseQuery(Input):
    """The filters, order and page of ``GET /cases``. Values of one filter are alternatives
    (``state=decision&state=planning``); the filters all apply. An unknown parameter is a 422,
    so a misspelt filter never silently lists everything."""

    state: list[str] = Field(default_factory=list, description="States (any of)")
    route: list[Route] = Field(default_factory=list)
    organ: list[Code] = Field(default_factory=list, description="Codes of owning organs")
    unit: list[Code] = Field(
        default_factory=list, description="Codes of responsible units; units beneath them count"
    )
    matter_type: list[str] = Field(default_factory=list)
    case_officer: list[Id] = Field(default_factory=list, description="Person ids")
    origin: list[Origin] = Field(default_factory=list)
    flag: list[Flag] = Field(default_factory=list, description="Flags the case has (all of)")
    confidential: bool | None = None
    overdue: bool | None = Field(default=None, description="Past its deadline (due_at) now")
    created_from: date | None = Field(
        default=None, description="Registered on or after (Swedish date)"
    )
    created_to: date | None = Field(default=None, description="Registered on or before")
    updated_from: date | None = Field(default=None, description="Last changed on or after")
    updated_to: date | None = Field(default=None, description="Last changed on or before")
    q: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Free text: each word begins a word of the diary number, title, "
        "description or problem (PostgreSQL also matches Swedish inflections); or the whole "
        "diary number",
    )
    sort: Sort = Field(default=Sort.created, description="Order; '-' reverses it")
    total: bool = Field(default=False, description="Also count every matching case (costs a query)")
    cursor: str | None = Field(default=None, description="Opaque cursor from a page's 'next'")
    limit: int | None = Field(default=None, ge=1, le=MAX_LIMIT, description="Page size")


class CasePage(Page[CaseRead]):
    total: int | None = Field(
        default=None, description="How many cases match, when asked for with total=true"
    )
