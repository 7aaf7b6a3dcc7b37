"""Tables of the organisation. Everything with a period has ``valid_from``/``valid_to``
(inclusive); ending sets ``valid_to`` and nothing is ever deleted, so "who held this role on date
D" stays answerable.
"""

from datetime import date

from sqlalchemy import Column, Enum, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, Timestamped
from app.organisation.vocabulary import MembershipRole, OrganKind, PersonKind, PositionRole


def _enum(enum: type[OrganKind | PersonKind | MembershipRole | PositionRole]) -> Enum:
    """Enums are stored as their string values, without a database enum type or CHECK."""
    return Enum(
        enum,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Periodic:
    valid_from: Mapped[date]
    valid_to: Mapped[date | None]


unit_organs = Table(
    "unit_organs",
    Base.metadata,
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
    Column("organ_id", ForeignKey("organs.id"), primary_key=True, index=True),
)


class Organ(Periodic, Timestamped, Base):
    __tablename__ = "organs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganKind] = mapped_column(_enum(OrganKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organs.id"), index=True)
    seats: Mapped[int]
    # The organ's diary number format (app.organisation.diary_format); None: the default.
    diary_format: Mapped[str | None] = mapped_column(String(64))

    parent: Mapped["Organ | None"] = relationship(remote_side=[id], lazy="raise")


class Unit(Periodic, Timestamped, Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], lazy="raise")
    organs: Mapped[list[Organ]] = relationship(
        secondary=unit_organs, lazy="raise", order_by=Organ.code
    )


class Person(Timestamped, Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[PersonKind] = mapped_column(_enum(PersonKind))
    email: Mapped[str | None] = mapped_column(String(320))


class Membership(Periodic, Timestamped, Base):
    """An elected person's seat (or the secretary's service) in an organ for a period."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_organ_id_role", "organ_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    organ_id: Mapped[int] = mapped_column(ForeignKey("organs.id"))
    role: Mapped[MembershipRole] = mapped_column(_enum(MembershipRole))

    person: Mapped[Person] = relationship(lazy="raise")
    organ: Mapped[Organ] = relationship(lazy="raise")


class Position(Periodic, Timestamped, Base):
    """An employee's position in a unit of the administration for a period."""

    __tablename__ = "positions"
    __table_args__ = (Index("ix_positions_unit_id_role", "unit_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    role: Mapped[PositionRole] = mapped_column(_enum(PositionRole))

    person: Mapped[Person] = relationship(lazy="raise")
    unit: Mapped[Unit] = relationship(lazy="raise")


class Absence(Timestamped, Base):
    """A recorded absence (förfall): while it lasts, a delegation entry's substitute may act in
    the absent delegate's place."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str | None] = mapped_column(String(500))
