"""Twenty upserts of one reference at once, with real threads on PostgreSQL: exactly one
creates the case (its reference row is the claim), the others wait for it and find the case as
their bodies say (unchanged); one case, one registered event, and the diary series spent one
number, so the next registration follows without a gap."""

import threading

from sqlalchemy import func, select

from app.auth.service import person_principal
from app.cases.models import Case, CaseEvent, DiarySeries
from app.db import make_sessionmaker, session_scope
from app.integrations.inbound.models import ExternalReference
from app.integrations.inbound.schemas import CaseUpsert
from app.integrations.inbound.service.upsert import upsert
from app.kit.clock import today
from tests.builders import make_organ, make_registrar

RACERS = 20


def test_concurrent_upserts_of_one_reference_make_one_case(postgres_engine):
    factory = make_sessionmaker(postgres_engine)
    with session_scope(factory) as session:
        make_organ(session, code="BUN")
        registrar = person_principal(session, make_registrar(session), today())
    data = CaseUpsert(title="Paviljong", problem="Trångbott", organ="BUN")
    barrier = threading.Barrier(RACERS)
    outcomes: list[str] = []
    failures: list[BaseException] = []

    def race() -> None:
        try:
            with session_scope(factory) as session:
                barrier.wait(timeout=30)
                done = upsert(session, registrar, "p360", "P-1", data)
                outcomes.append(done.outcome.value)
        except BaseException as exc:  # every racer's fate is asserted below
            failures.append(exc)

    threads = [threading.Thread(target=race) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    assert sorted(outcomes) == ["created"] + ["unchanged"] * (RACERS - 1)
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 1
        assert session.scalar(select(func.count()).select_from(ExternalReference)) == 1
        kinds = session.scalars(select(CaseEvent.kind)).all()
        assert kinds == ["registered"]
        assert session.scalar(select(DiarySeries.last_seq)) == 1
        again = upsert(session, registrar, "p360", "P-2", data)
        assert again.case.diary_number.endswith("/2")
