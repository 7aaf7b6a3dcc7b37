"""Batch conditions on both databases: the same rows whatever the dialect's form (an array
parameter on PostgreSQL, an IN list on SQLite), for any count of values, none included."""

from sqlalchemy import select

from app.kit.batches import among, pairs_among
from app.organisation.models import Organ
from tests.builders import make_organ


def test_among_picks_the_rows_of_the_ids_given(session):
    organs = [make_organ(session, seats=seats) for seats in (3, 5, 7)]
    session.flush()
    ids = [organs[0].id, organs[2].id, 10**9]
    picked = select(Organ.seats).where(among(session, Organ.id, ids))
    nothing = select(Organ.id).where(among(session, Organ.id, []))
    assert sorted(session.scalars(picked)) == [3, 7]
    assert list(session.scalars(nothing)) == []


def test_pairs_among_matches_both_columns_together(session):
    organs = [make_organ(session, seats=seats) for seats in (3, 5, 7)]
    session.flush()
    pairs = [(organs[0].id, 3), (organs[1].id, 7), (organs[2].id, 7)]  # the middle one: no
    picked = select(Organ.id).where(pairs_among(session, Organ.id, Organ.seats, pairs))
    nothing = select(Organ.id).where(pairs_among(session, Organ.id, Organ.seats, []))
    assert sorted(session.scalars(picked)) == [organs[0].id, organs[2].id]
    assert list(session.scalars(nothing)) == []
