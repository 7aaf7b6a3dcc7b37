"""The definition validator: each class of broken definition is refused with its code."""

from typing import Any

import pytest

from app.workflows.definition import builtin, parse
from app.workflows.engine import Engine
from app.workflows.errors import DefinitionInvalid
from app.workflows.validation import validate


def measure() -> dict[str, Any]:
    return builtin("measure", 1).body()


def codes_of(document: dict[str, Any]) -> list[str]:
    with pytest.raises(DefinitionInvalid) as invalid:
        validate(parse(document))
    return [problem.code for problem in invalid.value.problems]


def trigger(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in document["triggers"] if t["name"] == name)


def test_the_shipped_definition_is_valid():
    assert validate(builtin("measure", 1)).key == "measure"


def test_unknown_guard():
    document = measure()
    trigger(document, "approve")["guards"] = ["quorum_met_by_magic"]
    assert codes_of(document) == ["UNKNOWN_GUARD"]


def test_unknown_payload():
    document = measure()
    trigger(document, "approve")["payload"] = "free_text"
    assert codes_of(document) == ["UNKNOWN_PAYLOAD"]


def test_unreachable_state():
    document = measure()
    document["states"].append({"name": "limbo", "label_sv": "L", "label_en": "L", "final": True})
    assert codes_of(document) == ["UNREACHABLE_STATE"]


def test_state_with_no_way_out_that_is_not_final():
    document = measure()
    document["triggers"] = [t for t in document["triggers"] if t["name"] != "close"]
    assert codes_of(document) == ["UNREACHABLE_STATE", "DEAD_END_STATE"]


def test_dead_end():
    document = measure()
    document["states"].append({"name": "parked", "label_sv": "P", "label_en": "P"})
    document["triggers"].append(
        {"name": "park", "label_sv": "P", "label_en": "P", "from": ["planning"], "to": "parked",
         "payload": "empty", "guards": []}
    )  # fmt: skip
    assert codes_of(document) == ["DEAD_END_STATE"]


def test_duplicate_trigger_from_one_state():
    document = measure()
    document["triggers"].append({**trigger(document, "approve"), "to": "rejected"})
    assert codes_of(document) == ["DUPLICATE_TRIGGER"]


def test_unknown_state_in_a_trigger():
    document = measure()
    trigger(document, "approve")["to"] = "heaven"
    assert "UNKNOWN_STATE" in codes_of(document)


def test_trigger_out_of_a_final_state():
    document = measure()
    trigger(document, "withdraw")["from"].append("closed")
    assert codes_of(document) == ["TRIGGER_FROM_FINAL"]


def test_initial_state_must_exist():
    document = measure()
    document["initial"] = "nowhere"
    assert "UNKNOWN_STATE" in codes_of(document)


def test_assessment_levels_are_fixed():
    document = measure()
    del document["assessment"]["levels"]["none"]
    assert codes_of(document) == ["ASSESSMENT_LEVELS"]


def test_malformed_document():
    document = measure()
    del document["states"][0]["label_sv"]
    assert codes_of(document) == ["MALFORMED_DEFINITION"]


def test_guard_that_reads_another_payload():
    document = measure()
    trigger(document, "approve")["guards"] = ["route_fits_flags"]
    assert codes_of(document) == ["GUARD_PAYLOAD_MISMATCH"]


def test_exactly_one_assessment_state():
    document = measure()
    document["states"][1]["assessment"] = False
    assert codes_of(document) == ["ASSESSMENT_STATE"]


def test_engine_refuses_an_invalid_definition():
    document = measure()
    trigger(document, "approve")["guards"] = ["nope"]
    with pytest.raises(DefinitionInvalid):
        Engine(parse(document))


def test_checksum_is_stable_and_changes_with_content():
    first, second = builtin("measure", 1), builtin("measure", 1)
    assert first.checksum() == second.checksum()
    document = measure()
    trigger(document, "approve")["label_sv"] = "Bifall (ändrad)"
    assert parse(document).checksum() != first.checksum()
    assert parse(first.body()) == first
