"""Importable states in a workflow definition, without a database: which states of measure v2 a
diarium may bring a case into, what the validator refuses, and that marking states left the
stored body of measure v1 as it was."""

import pytest

from app.workflows.definition import builtin, parse
from app.workflows.errors import DefinitionInvalid
from app.workflows.validation import validate

V1, V2 = builtin("measure", 1), builtin("measure", 2)
V1_CHECKSUM = "0b691d70edb59eecac6dd134f2227d064fe62c6abd8cde544a20caec79363d2f"


def test_measure_v2_imports_only_before_any_decision():
    assert validate(V2).importable_states == {"proposed", "assessment", "valuation"}


def test_measure_v1_imports_only_into_its_initial_state():
    assert V1.importable_states == {"proposed"}


def test_v1_keeps_the_body_and_checksum_it_was_stored_with():
    assert all("importable" not in state for state in V1.body()["states"])
    assert V1.checksum() == V1_CHECKSUM


def test_the_flag_survives_the_stored_body():
    assert parse(V2.body()) == V2
    assert parse(V2.body()).checksum() == V2.checksum()


@pytest.mark.parametrize("final", ["closed", "rejected", "withdrawn"])
def test_a_final_state_cannot_be_importable(final):
    document = V2.body()
    next(s for s in document["states"] if s["name"] == final)["importable"] = True
    with pytest.raises(DefinitionInvalid) as invalid:
        validate(parse(document))
    assert [problem.code for problem in invalid.value.problems] == ["IMPORTABLE_FINAL_STATE"]


def test_the_flag_is_a_boolean():
    document = V2.body()
    document["states"][0]["importable"] = "sometimes"
    with pytest.raises(DefinitionInvalid) as invalid:
        parse(document)
    assert [problem.code for problem in invalid.value.problems] == ["MALFORMED_DEFINITION"]
