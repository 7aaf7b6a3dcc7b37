"""Every query of the organisation domain. Relationships are ``lazy="raise"``, so each query here
says exactly what it loads."""

from collections.abc import Collection, Sequence
from datetime import date
from functools import cache
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    bindparam,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy import cast as cast_
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from app.db import read_rows
from app.kit.pagination import Window
from app.organisation.models import (
    Absence,
    Membership,
    Organ,
    Periodic,
    Person,
    Position,
    Unit,
    unit_organs,
)
from app.organisation.vocabulary import MembershipRole, OrganKind, PersonKind, PositionRole


def active_on(model: type[Periodic], on: date | BindParameter[date]) -> ColumnElement[bool]:
    """Rows whose period (inclusive at both ends) contains ``on``."""
    return and_(
        model.valid_from <= on,
        or_(model.valid_to.is_(None), model.valid_to >= on),
    )


def overlaps(model: type[Periodic], start: date, end: date | None) -> ColumnElement[bool]:
    """Rows whose period shares at least one day with [start, end]."""
    conditions: list[ColumnElement[bool]] = [or_(model.valid_to.is_(None), model.valid_to >= start)]
    if end is not None:
        conditions.append(model.valid_from <= end)
    return and_(*conditions)


def _page(session: Session, query: Select[Any], id_column: Any, window: Window) -> list[Any]:
    if window.after is not None:
        query = query.where(id_column > window.after)
    return list(session.scalars(query.order_by(id_column).limit(window.limit + 1)).unique())


# Organs


_ORGAN_BY_CODE = (
    select(Organ).options(joinedload(Organ.parent)).where(Organ.code == bindparam("code"))
)
"""Built once, as every registration names its organ (``cases.repository._CASE``)."""


def organ_by_code(session: Session, code: str) -> Organ | None:
    return session.scalars(_ORGAN_BY_CODE, {"code": code}).one_or_none()


def organs_by_codes(session: Session, codes: Sequence[str]) -> list[Organ]:
    return list(session.scalars(select(Organ).where(Organ.code.in_(codes))))


def list_organs(
    session: Session,
    window: Window,
    *,
    kind: OrganKind | None = None,
    parent_id: int | None = None,
    on: date | None = None,
) -> list[Organ]:
    query = select(Organ).options(joinedload(Organ.parent))
    if kind is not None:
        query = query.where(Organ.kind == kind)
    if parent_id is not None:
        query = query.where(Organ.parent_id == parent_id)
    if on is not None:
        query = query.where(active_on(Organ, on))
    return _page(session, query, Organ.id, window)


def lock_place(session: Session, model: type[Organ] | type[Unit], place_id: int) -> None:
    """Serialise writes to one organ's or unit's roles (``FOR UPDATE``; SQLite serialises writers
    by itself)."""
    session.execute(select(model.id).where(model.id == place_id).with_for_update())


def children_open_after(
    session: Session, model: type[Organ] | type[Unit], parent_id: int, day: date
) -> list[Organ | Unit]:
    """Sub-organs or sub-units that still exist after ``day``."""
    query = select(model).where(
        model.parent_id == parent_id, or_(model.valid_to.is_(None), model.valid_to > day)
    )
    return cast(list[Organ | Unit], list(session.scalars(query)))


# Units


def _unit_options() -> tuple[Any, ...]:
    return (joinedload(Unit.parent), selectinload(Unit.organs))


_UNIT_BY_CODE = (
    select(Unit)
    .options(joinedload(Unit.parent), joinedload(Unit.organs))
    .where(Unit.code == bindparam("code"))
)
"""Built once, as a registration names its unit (``cases.repository._CASE``); one unit, so its
organs are joined in the same round trip (a list loads them by a second, ``_unit_options``)."""


_ORGAN_ID = select(Organ.id).where(Organ.code == bindparam("code"))
_UNIT_ID = select(Unit.id).where(Unit.code == bindparam("code"))


def organ_id_by_code(session: Session, code: str) -> int | None:
    """Only the id (whether a list's organ filter names an organ): no ORM object, no joined
    parent."""
    return read_rows(session, _ORGAN_ID, {"code": code}).scalar_one_or_none()


def unit_id_by_code(session: Session, code: str) -> int | None:
    return read_rows(session, _UNIT_ID, {"code": code}).scalar_one_or_none()


def unit_by_code(session: Session, code: str) -> Unit | None:
    return session.scalars(_UNIT_BY_CODE, {"code": code}).unique().one_or_none()


def list_units(
    session: Session,
    window: Window,
    *,
    parent_id: int | None = None,
    serves_organ_id: int | None = None,
    on: date | None = None,
) -> list[Unit]:
    query = select(Unit).options(*_unit_options())
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    if serves_organ_id is not None:
        served = select(unit_organs.c.unit_id).where(unit_organs.c.organ_id == serves_organ_id)
        query = query.where(Unit.id.in_(served))
    if on is not None:
        query = query.where(active_on(Unit, on))
    return _page(session, query, Unit.id, window)


def unit_codes(session: Session, unit_ids: Sequence[int]) -> list[str]:
    """Codes of the given units, in the order given."""
    codes = dict(session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(unit_ids))).all())
    return [codes[unit_id] for unit_id in unit_ids]


def unit_ancestor_ids(session: Session, unit_id: int) -> list[int]:
    chain: list[int] = []
    current: int | None = session.scalar(select(Unit.parent_id).where(Unit.id == unit_id))
    while current is not None and current not in chain:
        chain.append(current)
        current = session.scalar(select(Unit.parent_id).where(Unit.id == current))
    return chain


def organs_served_by(unit_ids: Collection[int]) -> Select[tuple[int]]:
    """The ids of the organs these units serve, as a subquery."""
    return select(unit_organs.c.organ_id).where(unit_organs.c.unit_id.in_(unit_ids))


def units_within(
    unit_ids: Collection[int] | BindParameter[Any], name: str = "units_within"
) -> Select[tuple[int]]:
    """The ids of these units and of every unit beneath them, as a subquery (the mirror of
    ``unit_ancestor_ids``). ``UNION`` rather than ``UNION ALL`` ends the walk on a cycle.
    ``name`` names the walk in SQL: two in one statement (a caller's sight and a list's unit
    filter) must have different names."""
    tree = select(Unit.id).where(Unit.id.in_(unit_ids)).cte(name, recursive=True)
    tree = tree.union(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return select(tree.c.id)


# People


def person_by_id(session: Session, person_id: int) -> Person | None:
    return session.get(Person, person_id)


def person_by_username(session: Session, username: str) -> Person | None:
    return session.scalars(select(Person).where(Person.username == username)).one_or_none()


class Identity(NamedTuple):
    """Who a person is, without the rest of their record: what authentication needs."""

    id: int
    username: str
    kind: PersonKind


def identity_by_username(session: Session, username: str) -> Identity | None:
    """``person_by_username`` for every authenticated request: three columns, no ORM object."""
    p = Person
    query = select(p.id, p.username, p.kind).where(p.username == username)
    row = session.execute(query).one_or_none()
    return None if row is None else Identity(*row)


def list_people(
    session: Session,
    window: Window,
    *,
    kind: PersonKind | None = None,
    username: str | None = None,
    name_contains: str | None = None,
) -> list[Person]:
    query = select(Person)
    if kind is not None:
        query = query.where(Person.kind == kind)
    if username is not None:
        query = query.where(Person.username == username)
    if name_contains:
        literal = name_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Person.name.ilike(f"%{literal}%", escape="\\"))
    return _page(session, query, Person.id, window)


# Memberships and positions ("holdings": a person holding a role in a place for a period)

Holding = Membership | Position
HoldingModel = type[Membership] | type[Position]


def _place_column(model: HoldingModel) -> Any:
    return Membership.organ_id if model is Membership else Position.unit_id


def _holding_options(model: HoldingModel) -> tuple[Any, ...]:
    place = Membership.organ if model is Membership else Position.unit
    return (joinedload(model.person), joinedload(place))


def holding_by_id(session: Session, model: HoldingModel, holding_id: int) -> Holding | None:
    query = select(model).options(*_holding_options(model)).where(model.id == holding_id)
    # select() over a union of two mapped classes is typed as their common base
    return cast(Holding | None, session.scalars(query).one_or_none())


def list_holdings(
    session: Session,
    model: HoldingModel,
    window: Window,
    *,
    person_id: int | None = None,
    place_id: int | None = None,
    role: MembershipRole | PositionRole | None = None,
    on: date | None = None,
) -> list[Holding]:
    query = select(model).options(*_holding_options(model))
    if person_id is not None:
        query = query.where(model.person_id == person_id)
    if place_id is not None:
        query = query.where(_place_column(model) == place_id)
    if role is not None:
        query = query.where(model.role == role)
    if on is not None:
        query = query.where(active_on(model, on))
    return _page(session, query, model.id, window)


def holders_on(
    session: Session,
    model: HoldingModel,
    *,
    place_id: int,
    role: MembershipRole | PositionRole | None,
    on: date,
) -> list[Holding]:
    query = (
        select(model)
        .options(*_holding_options(model))
        .where(_place_column(model) == place_id, active_on(model, on))
        .order_by(model.id)
    )
    if role is not None:
        query = query.where(model.role == role)
    rank = {role: index for index, role in enumerate([*MembershipRole, *PositionRole])}
    return sorted(session.scalars(query), key=lambda holding: rank[holding.role])


def overlapping_holdings(
    session: Session,
    model: HoldingModel,
    *,
    place_id: int,
    role: MembershipRole | PositionRole | None,
    start: date,
    end: date | None,
    person_id: int | None = None,
    excluding_id: int | None = None,
) -> list[Holding]:
    query = (
        select(model)
        .options(joinedload(model.person))
        .where(_place_column(model) == place_id, overlaps(model, start, end))
    )
    if role is not None:
        query = query.where(model.role == role)
    if person_id is not None:
        query = query.where(model.person_id == person_id)
    if excluding_id is not None:
        query = query.where(model.id != excluding_id)
    return list(session.scalars(query))


def holdings_open_after(
    session: Session, model: HoldingModel, place_id: int, day: date
) -> list[Holding]:
    """Roles in an organ or unit that go on after ``day``."""
    query = select(model).where(
        _place_column(model) == place_id, or_(model.valid_to.is_(None), model.valid_to > day)
    )
    return list(session.scalars(query))


class Grant(NamedTuple):
    """One role a person holds on a date, as a plain row: ``kind`` is "membership" or
    "position", ``place_code`` the organ's or unit's code."""

    kind: str
    place_id: int
    place_code: str
    role: str


def _grants_statement(*, by_username: bool = False) -> CompoundSelect[Any]:
    """Every role held on ``:on`` by the person ``:person_id``; or, ``by_username``, by the person
    ``:username``, each row led by that person's id and kind (so a sign-in is one round trip)."""
    on: BindParameter[date] = bindparam("on")

    def holder(model: type[Membership] | type[Position]) -> tuple[list[Any], Any]:
        if not by_username:
            return [], model.person_id == bindparam("person_id")
        return [Person.id, Person.kind], Person.username == bindparam("username")

    leading, whose = holder(Membership)
    memberships = (
        select(
            *leading,
            literal("membership").label("kind"),
            Membership.organ_id.label("place_id"),
            Organ.code.label("place_code"),
            cast_(Membership.role, String).label("role"),
        )
        .join(Organ, Organ.id == Membership.organ_id)
        .where(whose, active_on(Membership, on))
    )
    leading, whose = holder(Position)
    positions = (
        select(
            *leading, literal("position"), Position.unit_id, Unit.code, cast_(Position.role, String)
        )
        .join(Unit, Unit.id == Position.unit_id)
        .where(whose, active_on(Position, on))
    )
    if by_username:
        memberships = memberships.join(Person, Person.id == Membership.person_id)
        positions = positions.join(Person, Person.id == Position.person_id)
    return union_all(memberships, positions)


_GRANTS = _grants_statement()
_GRANTS_BY_USERNAME = _grants_statement(by_username=True)


def grants_on(session: Session, person_id: int, on: date) -> list[Grant]:
    """Every role a person holds on ``on``, in one round trip and without building ORM objects or
    a new statement."""
    rows = read_rows(session, _GRANTS, {"person_id": person_id, "on": on})
    return [Grant(*row) for row in rows]


def signed_in(session: Session, username: str, on: date) -> tuple[Identity, list[Grant]] | None:
    """Who ``username`` is and every role they hold on ``on``: what every authenticated request
    asks, in one round trip for anyone holding a role (and a second for whoever holds none).
    Rows straight from the connection (``db.read_rows``)."""
    params = {"username": username, "on": on}
    rows = read_rows(session, _GRANTS_BY_USERNAME, params).all()
    if rows:
        person_id, kind = rows[0][:2]
        return Identity(person_id, username, kind), [Grant(*row[2:]) for row in rows]
    identity = identity_by_username(session, username)
    return None if identity is None else (identity, [])


def absent_on(session: Session, person_ids: Sequence[int], on: date) -> set[int]:
    """Which of these people are recorded absent on ``on``."""
    query = select(Absence.person_id).where(
        Absence.person_id.in_(person_ids), Absence.starts_on <= on, Absence.ends_on >= on
    )
    return set(session.scalars(query))


def absences(session: Session, person_id: int) -> list[Absence]:
    query = select(Absence).where(Absence.person_id == person_id).order_by(Absence.starts_on)
    return list(session.scalars(query))


def council(session: Session) -> Organ | None:
    """The municipality's council (kommunfullmäktige), which decides council matters."""
    query = select(Organ).where(Organ.kind == OrganKind.council).order_by(Organ.id).limit(1)
    return session.scalars(query).one_or_none()


MAX_DEPTH = 50  # deeper than any administration; ends the walk on a cycle


def unit_chain(session: Session, unit_id: int) -> list[str]:
    """The unit's code, then the codes of the units above it, nearest first: one query (a
    recursive walk up, bounded so that a cycle cannot run away)."""
    return list(read_rows(session, _unit_chain_query(), {"unit_id": unit_id}).scalars())


@cache
def _unit_chain_query() -> Select[tuple[str]]:
    """Built once: constructing the recursive CTE (an aliased mapper, a union) costs about five
    times what running it does, and every transition asks for a case's chain
    (bench/transitions_http.py)."""
    chain = (
        select(Unit.parent_id, Unit.code, literal(0).label("depth"))
        .where(Unit.id == bindparam("unit_id"))
        .cte("chain", recursive=True)
    )
    above = aliased(Unit)
    chain = chain.union_all(
        select(above.parent_id, above.code, chain.c.depth + 1)
        .join(chain, above.id == chain.c.parent_id)
        .where(chain.c.depth < MAX_DEPTH)
    )
    return select(chain.c.code).order_by(chain.c.depth)


def administration_of(session: Session, organ_id: int) -> list[str]:
    """The units at the top of the organ's administration: those serving it whose parent does
    not (for a case not yet given a unit, their heads are the responsible posts)."""
    rows = session.execute(
        select(Unit.id, Unit.parent_id, Unit.code)
        .join(unit_organs, unit_organs.c.unit_id == Unit.id)
        .where(unit_organs.c.organ_id == organ_id)
        .order_by(Unit.code)
    ).all()
    serving = {row.id for row in rows}
    return [row.code for row in rows if row.parent_id not in serving]
