"""Tables of matter types and delegation orders. An adopted order is never changed: a newer one
is adopted, and the older one's ``valid_to`` set, so "which order applied on date D" stays
answerable."""

from datetime import date
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.cases.models import Case, CaseEvent
from app.db import Base, Timestamped
from app.delegation.rules import MatterFacts
from app.organisation.models import Organ


class MatterType(Timestamped, Base):
    """A kind of matter an organ decides, with what the law makes of it."""

    __tablename__ = "matter_types"
    __table_args__ = (UniqueConstraint("organ_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[int] = mapped_column(ForeignKey("organs.id"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    non_delegable: Mapped[bool] = mapped_column(default=False)  # KL 6:38
    council_reserved: Mapped[bool] = mapped_column(default=False)  # KL 5:1–2
    procurement: Mapped[bool] = mapped_column(default=False)  # no automated decisions
    appeal_route: Mapped[str] = mapped_column(String(32), default="judicial_review")
    default_route: Mapped[str | None] = mapped_column(String(16))

    organ: Mapped[Organ] = relationship(lazy="raise")

    def facts(self) -> MatterFacts:
        """What the rules and the resolver need to know of the matter type."""
        return MatterFacts(
            self.code,
            self.non_delegable,
            self.council_reserved,
            self.procurement,
            self.appeal_route,
        )


class DelegationOrder(Timestamped, Base):
    __tablename__ = "delegation_orders"
    __table_args__ = (UniqueConstraint("organ_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organ_id: Mapped[int] = mapped_column(ForeignKey("organs.id"))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    # The adopting decision: the organ's meeting, its paragraph (§) and the diary number.
    decided_on: Mapped[date | None]
    paragraph: Mapped[str | None] = mapped_column(String(32))
    diary_number: Mapped[str | None] = mapped_column(String(64))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]

    organ: Mapped[Organ] = relationship(lazy="raise")
    entries: Mapped[list["DelegationEntry"]] = relationship(
        lazy="raise", order_by="DelegationEntry.id", cascade="all, delete-orphan"
    )


class DelegationEntry(Base):
    """One point of an order: which matter types and actions, to whom, within what limit."""

    __tablename__ = "delegation_entries"
    __table_args__ = (UniqueConstraint("order_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("delegation_orders.id"))
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    matter_types: Mapped[list[str]] = mapped_column(JSON)
    actions: Mapped[list[str]] = mapped_column(JSON)
    delegate: Mapped[dict[str, Any]] = mapped_column(JSON)
    substitute: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    amount_limit_sek: Mapped[int | None] = mapped_column(BigInteger)
    conditions: Mapped[str | None] = mapped_column(Text)
    legal_reference: Mapped[str | None] = mapped_column(String(200))
    report_to_organ: Mapped[bool] = mapped_column(default=True)
    subdelegation_allowed: Mapped[bool] = mapped_column(default=False)
    # The organ's clause for urgent matters (KL 6:39): its delegate, the chair or a member the
    # organ appointed, decides what cannot wait, even a matter the organ may not delegate.
    urgent: Mapped[bool] = mapped_column(default=False, server_default=false())


class Subdelegation(Timestamped, Base):
    """A head of administration passing an entry's power on to one employee (vidaredelegation,
    KL 7:6): one hop, under the order version it was made in; a newer order ends it, and so
    does ``valid_to``."""

    __tablename__ = "subdelegations"
    __table_args__ = (Index("ix_subdelegations_order_id_entry_code", "order_id", "entry_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("delegation_orders.id"))
    entry_code: Mapped[str] = mapped_column(String(32))
    delegate: Mapped[dict[str, Any]] = mapped_column(JSON)
    granted_by_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(Text)

    order: Mapped[DelegationOrder] = relationship(lazy="raise")


class ReportableDecision(Timestamped, Base):
    """A delegated or urgent decision the organ must be told of (anmälan, KL 6:40, 7:8), until
    a meeting takes note of it. Kept beside the event, which never changes."""

    __tablename__ = "reportable_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("case_events.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    organ_id: Mapped[int] = mapped_column(ForeignKey("organs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    reported_on: Mapped[date | None]
    report_paragraph: Mapped[str | None] = mapped_column(String(32))

    event: Mapped[CaseEvent] = relationship(lazy="raise")
    case: Mapped[Case] = relationship(lazy="raise")
