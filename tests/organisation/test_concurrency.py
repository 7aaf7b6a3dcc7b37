"""Two registrars seating a chair at the same moment, with real threads on PostgreSQL: the organ's
row lock lets exactly one through."""

import threading
from datetime import date

from app.db import make_sessionmaker, session_scope
from app.errors import Conflict
from app.organisation import service
from app.organisation.models import Membership
from app.organisation.schemas import MembershipCreate
from tests.builders import make_organ, make_person

ROUNDS = 10  # a race lost once in a while is still lost: repeat it


def race_for_the_chair(factory, organ: str, candidates: list[int]) -> list[str]:
    barrier = threading.Barrier(len(candidates))
    outcomes: list[str] = []

    def seat(person_id: int) -> None:
        try:
            with session_scope(factory) as session:
                barrier.wait(timeout=10)
                data = MembershipCreate(
                    person_id=person_id, organ=organ, role="chair", valid_from="2026-01-01"
                )
                service.create_membership(session, data)
            outcomes.append("seated")
        except Conflict as refusal:
            outcomes.append(refusal.code)

    threads = [threading.Thread(target=seat, args=(pid,)) for pid in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_only_one_of_two_simultaneous_chairs_is_seated(postgres_engine):
    factory = make_sessionmaker(postgres_engine)
    with session_scope(factory) as session:
        organs = [make_organ(session).code for _ in range(ROUNDS)]
        candidates = [make_person(session, kind="elected").id for _ in range(2)]

    results = [race_for_the_chair(factory, organ, candidates) for organ in organs]

    assert results == [["ROLE_ALREADY_HELD", "seated"]] * ROUNDS
    with session_scope(factory) as session:
        chairs = [
            service.holders(session, Membership, o, "chair", date(2026, 6, 1)) for o in organs
        ]
    assert [len(c) for c in chairs] == [1] * ROUNDS
