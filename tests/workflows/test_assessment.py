"""Completeness of a consequence assessment for its level (BRIEF §7)."""

import pytest

from app.workflows.assessment import missing_fields
from app.workflows.definition import builtin

CONFIG = builtin("measure", 1).assessment
PERSPECTIVES = [
    "economy",
    "children",
    "gender_equality",
    "environment",
    "staff",
    "citizens",
    "legal",
]
SIMPLE = {
    "problem": "Trånga lokaler",
    "proposed_measure": "Paviljong",
    "alternatives": ["Hyra", "Bygga ut"],
    "zero_alternative": "Fortsatt trångboddhet",
    "cost_sek": 0,
    "time_horizon": "2027–2029",
}


def perspectives(*fields: str, **extra) -> dict:
    return {key: dict.fromkeys(fields, "x") | extra for key in PERSPECTIVES}


def test_none_needs_only_a_motivation():
    assert missing_fields(CONFIG, "none", {}) == ["motivation"]
    assert missing_fields(CONFIG, "none", {"motivation": "Ren verkställighet"}) == []


def test_simplified_complete():
    content = SIMPLE | {
        "perspectives": perspectives("note", children_affected=False, union_consulted=True)
    }
    assert missing_fields(CONFIG, "simplified", content) == []


def test_zero_and_false_are_answers_blank_is_not():
    content = SIMPLE | {
        "zero_alternative": "   ",
        "perspectives": perspectives("note", children_affected=False, union_consulted=False),
    }
    assert missing_fields(CONFIG, "simplified", content) == ["zero_alternative"]


def test_children_affected_must_be_answered_explicitly():
    content = SIMPLE | {"perspectives": perspectives("note", union_consulted=True)}
    assert missing_fields(CONFIG, "simplified", content) == [
        "perspectives.children.children_affected"
    ]


def test_comprehensive_needs_analysis_risks_consultation_and_indicators():
    content = SIMPLE | {
        "perspectives": perspectives("note", children_affected=True, union_consulted=True)
    }
    missing = missing_fields(CONFIG, "comprehensive", content)
    assert missing[:3] == ["risks", "consulted", "follow_up_indicators"]
    assert missing[3:] == [f"perspectives.{key}.analysis" for key in PERSPECTIVES]


@pytest.mark.parametrize("junk", [None, "text", ["list"], {"economy": "text"}])
def test_malformed_perspectives_count_as_missing(junk):
    missing = missing_fields(CONFIG, "simplified", SIMPLE | {"perspectives": junk})
    assert "perspectives.economy.note" in missing
