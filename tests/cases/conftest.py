"""A committee, its administration and the people who act on its cases, for the case tests.

Each step is taken by whom the law and the brief say (BRIEF §5): the head of administration
triages and scopes, the case officer assesses, the organ decides in a quorate meeting recorded
by its secretary, the unit manager implements, the proposer may withdraw.
"""

from dataclasses import dataclass, field
from typing import Any

import pytest

from app.demo.cases import SIMPLIFIED
from tests.builders import (
    bearer,
    make_membership,
    make_organ,
    make_person,
    make_position,
    make_registrar,
    make_unit,
)

ORGAN_DECISIONS = frozenset({"prioritise", "approve", "reject", "refer_back", "close"})


@dataclass
class World:
    registrar: dict[str, str]
    head: dict[str, str]
    officer: dict[str, str]
    manager: dict[str, str]
    secretary: dict[str, str]
    chair: dict[str, str]
    members: list[int] = field(default_factory=list)

    def actor_for(self, trigger: str) -> dict[str, str]:
        return {
            "triage": self.head,
            "scope_assessment": self.head,
            "submit_assessment": self.officer,
            "start_implementation": self.manager,
            "complete_implementation": self.manager,
            "withdraw": self.registrar,  # who registered the case: its proposer
        }.get(trigger, self.secretary)

    def meeting(self) -> dict[str, Any]:
        return {
            "kind": "organ_decision",
            "meeting": {"held_on": "2026-11-20", "paragraph": "§ 101", "present": self.members},
        }

    def step(
        self, client, case_id, trigger, payload=None, *, headers=None, authority=None, **request
    ):
        """POST a transition as whoever takes that step, under the authority they hold."""
        if authority is None and trigger in ORGAN_DECISIONS:
            authority = self.meeting()
        body = {"payload": payload if payload is not None else {}}
        if authority:
            body["authority"] = authority
        return client.post(
            f"/api/v1/cases/{case_id}/transitions/{trigger}",
            json=request.pop("json", body),
            headers=headers or self.actor_for(trigger),
            **request,
        )


def _post(session, unit, role):
    person = make_person(session)
    make_position(session, person_id=person.id, unit=unit, role=role)
    return person


@pytest.fixture
def world(session, settings) -> World:
    make_organ(session, code="BUN", name="Barn- och utbildningsnämnden", seats=11)
    make_unit(session, code="UTB", name="Utbildningsförvaltningen", serves=["BUN"])
    make_unit(session, code="UTB-GRU", name="Grundskoleavdelningen", parent="UTB", serves=["BUN"])
    registrar = make_registrar(session)
    head = _post(session, "UTB", "head_of_administration")
    manager = _post(session, "UTB-GRU", "unit_manager")
    officer = _post(session, "UTB-GRU", "case_officer")
    secretary = make_person(session)
    make_membership(session, person_id=secretary.id, organ="BUN", role="secretary")
    chair = make_membership(session, organ="BUN", role="chair")
    members = [chair.person_id] + [
        make_membership(session, organ="BUN", role="member").person_id for _ in range(5)
    ]
    session.commit()
    token = lambda person: bearer(settings, person.username)  # noqa: E731
    return World(
        registrar=token(registrar),
        head=token(head),
        officer=token(officer),
        manager=token(manager),
        secretary=token(secretary),
        chair=token(chair.person),
        members=members,
    )


CASE = {
    "title": "Paviljong vid Norrskolan",
    "problem": "Trångboddhet i årskurs 4–6",
    "organ": "BUN",
    "unit": "UTB-GRU",
    "origin": "operations",
    "estimated_cost_sek": 2_400_000,
}

SECRET = {
    "confidential": True,
    "secrecy": {
        "provision": "OSL 26 kap. 1 §",
        "marked_on": "2026-01-15",
        "marked_by": "Barn- och utbildningsnämnden",
    },
}
"""The fields of a confidential case, with its secrecy marking."""

COMPLETE_SIMPLIFIED = SIMPLIFIED
"""A simplified assessment with everything its level requires (the demo's)."""


ADOPTION = {
    "decided_on": "2026-01-10",
    "paragraph": "§ 3",
    "diary_number": "BUN 2026/1",
    "valid_from": "2026-01-15",
}


def adopt_order(client, world, entries, *, matter_types=()):
    """Draft BUN's delegation order with ``entries`` (code → entry), after adding its
    ``matter_types`` (dicts as POSTed), and adopt it: the adoption's response."""
    for matter_type in matter_types:
        client.post("/api/v1/organs/BUN/matter-types", json=matter_type, headers=world.registrar)
    order = client.post(
        "/api/v1/organs/BUN/delegation-orders", json={"title": "DO"}, headers=world.registrar
    ).json()
    for code, entry in entries.items():
        put = client.put(
            f"/api/v1/delegation-orders/{order['id']}/entries/{code}",
            json={"title": code} | entry,
            headers=world.registrar,
        )
        assert put.status_code == 200, put.text
    return client.post(
        f"/api/v1/delegation-orders/{order['id']}/adopt", json=ADOPTION, headers=world.registrar
    )
