"""A case a diarium brings in mid-flow: placed in a state its workflow marks importable, with
what triage and the scope decision chose, as an ``imported`` event naming the source; from
there it follows the workflow, every step under its usual authority."""

import pytest

from app.cases.models import Case
from tests.cases.conftest import COMPLETE_SIMPLIFIED
from tests.integrations.conftest import put

PLACED = {"state": "valuation", "route": "political", "assessment_level": "simplified"}


def history(client, headers, case_id):
    return client.get(f"/api/v1/cases/{case_id}/events", headers=headers).json()


def test_a_case_brought_in_in_valuation(client, world, p360):
    response = put(client, p360, "P-9", origin="motion", **PLACED)
    assert response.status_code == 201, response.text
    case = response.json()["case"]
    assert (case["state"], case["route"], case["assessment_level"]) == (
        "valuation",
        "political",
        "simplified",
    )
    assert case["due_at"] is not None  # a motion's year runs in valuation too (KL 5:35)
    registered, imported = history(client, p360, case["id"])
    assert (registered["kind"], registered["to_state"]) == ("registered", "proposed")
    assert (imported["kind"], imported["from_state"], imported["to_state"]) == (
        "imported",
        "proposed",
        "valuation",
    )
    assert imported["payload"] == {
        "system": "p360",
        "external_id": "P-9",
        "import_id": None,
        "route": "political",
        "assessment_level": "simplified",
    }
    assert imported["trigger"] is None


def test_from_there_the_flow_goes_on_under_the_usual_authority(client, world, p360):
    case_id = put(client, p360, **PLACED).json()["case"]["id"]
    payload = {"period": "2027", "score": 5, "motivation": "m"}
    by_officer = world.step(client, case_id, "prioritise", payload, headers=world.officer)
    assert by_officer.status_code == 403, by_officer.text
    by_organ = world.step(client, case_id, "prioritise", payload)
    assert by_organ.status_code == 200, by_organ.text
    assert by_organ.json()["state"] == "decision"


def test_a_case_brought_in_in_assessment_is_assessed_by_its_officer(client, world, p360):
    placed = PLACED | {"state": "assessment"}
    case_id = put(client, p360, **placed).json()["case"]["id"]
    written = client.put(
        f"/api/v1/cases/{case_id}/assessment",
        json={"content": COMPLETE_SIMPLIFIED},
        headers=world.officer,
    )
    assert written.status_code == 200, written.text
    submitted = world.step(client, case_id, "submit_assessment")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["state"] == "valuation"


def test_the_initial_state_may_be_named(client, world, p360):
    response = put(client, p360, state="proposed")
    assert response.status_code == 201
    assert [e["kind"] for e in history(client, p360, response.json()["case"]["id"])] == [
        "registered"
    ]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"state": "decision", "route": "political", "assessment_level": "none"},
         "STATE_NOT_IMPORTABLE"),
        ({"state": "closed", "route": "political", "assessment_level": "none"},
         "STATE_NOT_IMPORTABLE"),
        ({"state": "limbo", "route": "political", "assessment_level": "none"},
         "STATE_NOT_IMPORTABLE"),
        ({"state": "valuation"}, "IMPORTED_STATE_INCOMPLETE"),
        ({"state": "valuation", "route": "political"}, "IMPORTED_STATE_INCOMPLETE"),
        ({"route": "political"}, "IMPORT_FIELDS_WITHOUT_STATE"),
        ({"state": "proposed", "assessment_level": "none"}, "IMPORT_FIELDS_WITHOUT_STATE"),
        (PLACED | {"route": "operational", "flags": ["of_principle"]}, "ROUTE_MUST_BE_POLITICAL"),
    ],
)  # fmt: skip
def test_a_placement_that_does_not_hold_is_refused_and_spends_no_number(
    client, world, p360, session, fields, code
):
    refused = put(client, p360, **fields)
    assert (refused.status_code, refused.json()["code"]) == (422, code)
    assert session.query(Case).count() == 0
    assert put(client, p360).json()["case"]["diary_number"].endswith("/1")


def test_an_operational_route_fits_a_case_without_political_flags(client, world, p360):
    response = put(client, p360, **PLACED | {"route": "operational"})
    assert response.status_code == 201, response.text
    assert response.json()["case"]["route"] == "operational"
