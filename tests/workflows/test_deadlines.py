"""Deadlines in a workflow definition, without a database: what the validator refuses, with which
code, and the last day a case has in each state of measure v2."""

from datetime import date
from typing import Any

import pytest

from app.cases.vocabulary import Origin
from app.workflows.deadlines import ORIGINS, due_on
from app.workflows.definition import builtin, parse
from app.workflows.errors import DefinitionInvalid
from app.workflows.validation import validate

V1, V2 = builtin("measure", 1), builtin("measure", 2)
D = date.fromisoformat


def measure() -> dict[str, Any]:
    return V2.body()


def codes_of(document: dict[str, Any]) -> list[str]:
    with pytest.raises(DefinitionInvalid) as invalid:
        validate(parse(document))
    return [problem.code for problem in invalid.value.problems]


def test_v2_is_v1_with_deadlines_and_importable_states():
    assert validate(V2).version == 2
    v2 = V2.body()
    for state in v2["states"]:
        state.pop("importable", None)
    assert v2 | {"version": 1, "deadlines": None} == V1.body() | {"deadlines": None}
    assert "deadlines" not in V1.body()  # v1's stored body and checksum are as they were


def test_deadlines_survive_the_stored_body():
    assert parse(V2.body()) == V2
    assert parse(V2.body()).checksum() == V2.checksum()


def test_the_origins_are_the_case_vocabulary():
    assert {origin.value for origin in Origin} == ORIGINS


@pytest.mark.parametrize(
    ("change", "codes"),
    [
        (lambda d: d["states"].update(limbo={"days": 5}), ["DEADLINE_UNKNOWN_STATE"]),
        (lambda d: d["states"].update(closed={"days": 5}), ["DEADLINE_FINAL_STATE"]),
        (lambda d: d["states"].update(valuation={"days": 0}), ["DEADLINE_NOT_POSITIVE"]),
        (lambda d: d["states"].update(valuation={"months": -1}), ["DEADLINE_NOT_POSITIVE"]),
        (lambda d: d["states"].update(valuation={"days": 5000}), ["DEADLINE_TOO_LONG"]),
        (
            lambda d: d["states"].update(valuation={"days": 5, "unit": "fortnights"}),
            ["DEADLINE_UNKNOWN_UNIT"],
        ),
        (
            lambda d: d["states"].update(valuation={"years": 1, "unit": "working_days"}),
            ["DEADLINE_UNIT_WITHOUT_DAYS"],
        ),
        (lambda d: d["states"].update(valuation={}), ["DEADLINE_LENGTH"]),
        (lambda d: d["states"].update(valuation={"days": 5, "months": 1}), ["DEADLINE_LENGTH"]),
        (
            lambda d: d["origins"].update(petition={"years": 1, "during": ["proposed"]}),
            ["DEADLINE_UNKNOWN_ORIGIN"],
        ),
        (lambda d: d["origins"]["motion"].update(during=[]), ["DEADLINE_NO_STATES"]),
        (
            lambda d: d["origins"]["motion"].update(during=["proposed", "nowhere"]),
            ["DEADLINE_UNKNOWN_STATE"],
        ),
        (
            lambda d: d["origins"]["motion"].update(during=["withdrawn"]),
            ["DEADLINE_FINAL_STATE"],
        ),
        (lambda d: d["origins"]["motion"].update(years=0), ["DEADLINE_NOT_POSITIVE"]),
    ],
)
def test_refused_deadlines(change, codes):
    document = measure()
    change(document["deadlines"])
    assert codes_of(document) == codes


def test_a_misshapen_limit_is_malformed():
    document = measure()
    document["deadlines"]["states"]["valuation"] = {"days": "sixty"}
    assert codes_of(document) == ["MALFORMED_DEFINITION"]


def test_every_problem_is_named_at_once():
    document = measure()
    document["deadlines"] = {
        "states": {"limbo": {"days": 0, "unit": "moons"}},
        "origins": {"petition": {"years": 1, "during": []}},
    }
    assert sorted(codes_of(document)) == [
        "DEADLINE_NOT_POSITIVE",
        "DEADLINE_NO_STATES",
        "DEADLINE_UNKNOWN_ORIGIN",
        "DEADLINE_UNKNOWN_STATE",
        "DEADLINE_UNKNOWN_UNIT",
    ]


REGISTERED = D("2026-03-10")  # a Tuesday


@pytest.mark.parametrize(
    ("state", "origin", "entered", "due"),
    [
        ("proposed", "operations", "2026-03-10", None),  # no limit for the state or the origin
        ("assessment", "operations", "2026-04-01", "2026-06-01"),  # 60 days: a Sunday → Monday
        ("valuation", "operations", "2026-06-01", None),
        ("decision", "operations", "2026-11-20", "2027-02-18"),  # 90 days
        ("proposed", "motion", "2026-03-10", "2027-03-10"),  # KL 5:35: one year
        ("proposed", "citizen_proposal", "2026-03-10", "2027-03-10"),
        ("valuation", "motion", "2026-12-01", "2027-03-10"),  # still preparing
        ("assessment", "motion", "2026-04-01", "2026-06-01"),  # 60 days come first
        ("assessment", "motion", "2027-02-01", "2027-03-10"),  # the year comes first
        ("decision", "motion", "2027-01-04", "2027-04-05"),  # prepared: only the 90 days
        ("planning", "motion", "2027-01-04", None),
        ("closed", "motion", "2026-06-01", None),  # a final state has none
        ("withdrawn", "operations", "2026-06-01", None),
    ],
)
def test_due_in_measure_v2(state, origin, entered, due):
    day = due_on(V2, state=state, origin=origin, entered_on=D(entered), registered_on=REGISTERED)
    assert day == (D(due) if due else None)


def test_measure_v1_has_no_deadlines():
    assert due_on(V1, state="assessment", origin="motion", entered_on=REGISTERED,
                  registered_on=REGISTERED) is None  # fmt: skip


def test_working_days_limit():
    document = measure()
    document["deadlines"]["states"]["valuation"] = {"days": 15, "unit": "working_days"}
    definition = validate(parse(document))
    # From Monday 14 December 2026: julafton, juldagen, nyårsafton, nyårsdagen and trettondedag
    # jul are not counted, nor are weekends.
    day = due_on(definition, state="valuation", origin="operations",
                 entered_on=D("2026-12-14"), registered_on=D("2026-12-01"))  # fmt: skip
    assert day == D("2027-01-11")
