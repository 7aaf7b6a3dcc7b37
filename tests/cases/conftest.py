"""A committee, its administration, and people to act, for the case tests."""

from dataclasses import dataclass

import pytest

from app.demo.cases import SIMPLIFIED
from tests.builders import bearer, make_organ, make_person, make_registrar, make_unit


@dataclass
class World:
    registrar: dict[str, str]
    officer: dict[str, str]


@pytest.fixture
def world(session, settings) -> World:
    make_organ(session, code="BUN", name="Barn- och utbildningsnämnden", seats=11)
    make_unit(session, code="UTB", name="Utbildningsförvaltningen", serves=["BUN"])
    make_unit(session, code="UTB-GRU", name="Grundskoleavdelningen", parent="UTB",
              serves=["BUN"])  # fmt: skip
    registrar = make_registrar(session)
    officer = make_person(session, username="handlaggare")
    session.commit()
    return World(registrar=bearer(settings, registrar.username),
                 officer=bearer(settings, officer.username))  # fmt: skip


CASE = {
    "title": "Paviljong vid Norrskolan",
    "problem": "Trångboddhet i årskurs 4–6",
    "organ": "BUN",
    "unit": "UTB",
    "origin": "operations",
    "estimated_cost_sek": 2_400_000,
}

COMPLETE_SIMPLIFIED = SIMPLIFIED
"""A simplified assessment with everything its level requires (the demo's)."""
