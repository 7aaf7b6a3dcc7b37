"""The demo's delegation orders read like real ones, and adopting them (which checks every
point against the law) lets the whole demo load."""

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.delegation import service
from app.delegation.schemas import EntryRead, MatterTypeRead, OrderRead
from app.demo.loader import load_demo
from app.kit.clock import today

COMMITTEES = ["BUN", "SN"]
HEAD = {"kind": "position", "role": "head_of_administration"}


@pytest.fixture(scope="module")
def demo(engine: Engine) -> Iterator[dict[str, tuple[OrderRead, list[MatterTypeRead]]]]:
    """Each committee's order in force today and its matter types, from one load of the demo
    that is rolled back afterwards."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    load_demo(session)
    yield {
        organ: (
            OrderRead.of(service.in_force(session, organ, today())),
            [MatterTypeRead.of(m) for m in service.list_matter_types(session, organ)],
        )
        for organ in COMMITTEES
    }
    session.close()
    outer.rollback()
    connection.close()


def entries(demo, organ: str) -> list[EntryRead]:
    return demo[organ][0].entries


@pytest.mark.parametrize("organ", COMMITTEES)
def test_an_adopted_order_of_twenty_to_thirty_points_is_in_force(demo, organ):
    order = demo[organ][0]
    assert order.status == "adopted"
    assert order.valid_to is None
    assert 20 <= len(order.entries) <= 30


@pytest.mark.parametrize("organ", COMMITTEES)
def test_one_urgent_clause_names_the_chair(demo, organ):
    urgent = [e for e in entries(demo, organ) if e.urgent]
    assert [(e.delegate, e.matter_types, e.actions, e.legal_reference) for e in urgent] == [
        ({"kind": "membership", "role": "chair"}, [], ["approve", "reject"], "KL 6:39")
    ]


@pytest.mark.parametrize("organ", COMMITTEES)
def test_only_the_head_of_administration_may_pass_a_point_on(demo, organ):
    passed_on = [e.delegate for e in entries(demo, organ) if e.subdelegation_allowed]
    assert passed_on
    assert [{k: d[k] for k in HEAD} for d in passed_on] == [HEAD] * len(passed_on)


@pytest.mark.parametrize("organ", COMMITTEES)
def test_no_ordinary_point_covers_what_the_organ_or_the_council_must_decide(demo, organ):
    barred = {m.code for m in demo[organ][1] if m.non_delegable or m.council_reserved}
    covered = {code for e in entries(demo, organ) if not e.urgent for code in e.matter_types}
    assert {"mal", "yttrande-kf", "medborgarforslag", "budget"} <= barred
    assert barred.isdisjoint(covered)
