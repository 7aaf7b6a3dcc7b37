"""The resolver's view of the order in force: entries read once per adopted order, everything
that can change read every time."""

from datetime import date

import pytest
from sqlalchemy import event

from app.cases.service.authority import order_view
from app.organisation.models import Organ
from tests.delegation.test_orders_api import admin, adopt, draft, entry, matter  # noqa: F401

IN_FORCE = date(2027, 3, 1)


@pytest.fixture
def statements(engine):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _organ_id(session) -> int:
    return session.query(Organ.id).filter(Organ.code == "BUN").scalar()


def test_an_adopted_orders_entries_are_read_once(client, admin, session, statements):  # noqa: F811
    matter(client, admin, "skolskjuts")
    order_id = draft(client, admin, ("3.2", entry()), ("3.3", entry(actions=("withdraw",))))
    assert adopt(client, admin, order_id).status_code == 200
    organ_id = _organ_id(session)

    statements.clear()
    first = order_view(session, organ_id, IN_FORCE)
    second = order_view(session, organ_id, IN_FORCE)

    assert first is not None
    assert second is not None
    assert [e.code for e in first.entries] == ["3.2", "3.3"]
    assert second.entries is first.entries
    assert sum("FROM delegation_entries" in s for s in statements) == 1
    # The row (status, dates) and its subdelegations are read every time, together.
    assert sum("FROM delegation_orders" in s and "subdelegations" in s for s in statements) == 2
    with pytest.raises(TypeError):
        first.entries[0].delegate["unit"] = "KS"  # type: ignore[index]


def test_a_newer_order_is_seen_at_once(client, admin, session):  # noqa: F811
    matter(client, admin, "skolskjuts")
    first = draft(client, admin, ("3.2", entry()))
    adopt(client, admin, first)
    organ_id = _organ_id(session)
    before = order_view(session, organ_id, date(2027, 8, 1))
    assert before is not None
    assert before.entries[0].actions == ("approve", "reject")

    second = draft(client, admin, ("3.2", entry(actions=("approve",))))
    assert adopt(client, admin, second, valid_from="2027-07-01").status_code == 200

    after = order_view(session, organ_id, date(2027, 8, 1))
    assert after is not None
    assert after.version == before.version + 1
    assert after.entries[0].actions == ("approve",)
    still = order_view(session, organ_id, date(2027, 3, 1))
    assert still is not None
    assert still.entries[0].actions == ("approve", "reject")
