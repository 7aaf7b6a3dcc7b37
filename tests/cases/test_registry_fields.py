"""The registry fields beside the workflow: a confidential case's secrecy marking (OSL 5:5) and
the case officer, at registration and in edits, each edit an event."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.cases.models import Case
from app.kit.clock import today
from tests.builders import bearer, make_person
from tests.cases.conftest import CASE, SECRET

CASES = "/api/v1/cases"
MARKING = SECRET["secrecy"]


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Case))


def register(client, headers, **fields):
    return client.post(CASES, json=CASE | fields, headers=headers)


def patch(client, headers, case_id, body):
    return client.patch(f"{CASES}/{case_id}", json=body, headers=headers)


def last_event(client, headers, case_id) -> dict:
    return client.get(f"{CASES}/{case_id}/events", headers=headers).json()[-1]


@pytest.mark.parametrize(
    ("fields", "status", "code", "missing"),
    [
        ({"confidential": True}, 422, "SECRECY_MARKING_INCOMPLETE",
         ["provision", "marked_on", "marked_by"]),
        ({"confidential": True, "secrecy": {"provision": "OSL 26 kap. 1 §"}}, 422,
         "SECRECY_MARKING_INCOMPLETE", ["marked_on", "marked_by"]),
        ({"confidential": False, "secrecy": MARKING}, 422, "SECRECY_MARKING_INVALID", None),
        ({"confidential": True, "secrecy": MARKING | {"marked_on": "2999-01-01"}}, 422,
         "SECRECY_MARKING_INVALID", None),
        ({"confidential": True, "secrecy": MARKING | {"provision": "hemligt"}}, 422,
         "VALIDATION_FAILED", None),
        ({"confidential": True, "secrecy": MARKING | {"marked_by": ""}}, 422,
         "VALIDATION_FAILED", None),
    ],
)  # fmt: skip
def test_a_confidential_case_needs_its_whole_marking(
    client, world, session, fields, status, code, missing
):
    before = count(session)
    response = register(client, world.registrar, **fields)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json().get("missing") == missing
    assert count(session) == before


def test_the_marking_is_read_back_and_recorded(client, world):
    response = register(client, world.registrar, **SECRET)
    assert response.status_code == 201, response.text
    assert response.json()["secrecy"] == MARKING
    event = last_event(client, world.registrar, response.json()["id"])
    assert event["payload"]["secrecy"] == MARKING


@pytest.mark.parametrize("provision", ["OSL 26 kap. 1 §", "OSL 21 kap. 7 §", "OSL 18 kap. 2 a §",
                                       "OSL 26 kap. 1 § första stycket"])  # fmt: skip
def test_provisions_as_they_are_written(client, world, provision):
    response = register(
        client, world.registrar, **SECRET | {"secrecy": MARKING | {"provision": provision}}
    )
    assert response.status_code == 201, response.text


def test_lifting_confidentiality_removes_the_marking(client, world):
    case_id = register(client, world.registrar, **SECRET).json()["id"]
    response = patch(client, world.registrar, case_id, {"confidential": False})
    assert response.status_code == 200, response.text
    assert (response.json()["confidential"], response.json()["secrecy"]) == (False, None)
    changes = last_event(client, world.registrar, case_id)["payload"]["changes"]
    assert changes == {
        "confidential": {"before": True, "after": False},
        "secrecy": {"before": MARKING, "after": None},
    }


def test_marking_a_case_confidential_needs_the_marking(client, world, session):
    case_id = register(client, world.registrar).json()["id"]
    refused = patch(client, world.registrar, case_id, {"confidential": True})
    assert (refused.status_code, refused.json()["code"]) == (422, "SECRECY_MARKING_INCOMPLETE")
    assert session.get(Case, case_id).confidential is False
    response = patch(client, world.registrar, case_id, SECRET)
    assert response.status_code == 200, response.text
    assert response.json()["secrecy"] == MARKING


def test_a_part_of_the_marking_changes_alone(client, world):
    case_id = register(client, world.registrar, **SECRET).json()["id"]
    response = patch(
        client, world.registrar, case_id, {"secrecy": {"provision": "OSL 21 kap. 1 §"}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["secrecy"] == MARKING | {"provision": "OSL 21 kap. 1 §"}


def test_a_marking_on_a_case_that_is_not_confidential_is_refused(client, world):
    case_id = register(client, world.registrar).json()["id"]
    response = patch(client, world.registrar, case_id, {"secrecy": MARKING})
    assert (response.status_code, response.json()["code"]) == (422, "SECRECY_MARKING_INVALID")


@pytest.fixture
def officer(session, settings) -> tuple[int, dict[str, str]]:
    """An employee with no role on BUN or its units: only the case makes them its officer."""
    person = make_person(session)
    session.commit()
    return person.id, bearer(settings, person.username)


def test_the_case_officer_is_an_employee(client, world, session, officer):
    elected = make_person(session, kind="elected")
    session.commit()
    before = count(session)
    response = register(client, world.registrar, case_officer_id=elected.id)
    assert (response.status_code, response.json()["code"]) == (422, "CASE_OFFICER_NOT_EMPLOYEE")
    response = register(client, world.registrar, case_officer_id=999_999)
    assert (response.status_code, response.json()["code"]) == (422, "UNKNOWN_REFERENCE")
    assert count(session) == before
    response = register(client, world.registrar, case_officer_id=officer[0])
    assert response.json()["case_officer_id"] == officer[0]


def test_the_case_officer_changes_by_an_edit_and_sees_the_confidential_case(client, world, officer):
    officer_id, officer_headers = officer
    case_id = register(client, world.registrar, **SECRET).json()["id"]
    assert client.get(f"{CASES}/{case_id}", headers=officer_headers).status_code == 404

    response = patch(client, world.registrar, case_id, {"case_officer_id": officer_id})
    assert response.json()["case_officer_id"] == officer_id
    assert client.get(f"{CASES}/{case_id}", headers=officer_headers).status_code == 200
    listed = client.get(CASES, params={"case_officer": officer_id}, headers=officer_headers)
    assert [case["id"] for case in listed.json()["items"]] == [case_id]

    response = patch(client, world.registrar, case_id, {"case_officer_id": None})
    assert response.json()["case_officer_id"] is None
    changes = last_event(client, world.registrar, case_id)["payload"]["changes"]
    assert changes == {"case_officer_id": {"before": officer_id, "after": None}}
    assert client.get(f"{CASES}/{case_id}", headers=officer_headers).status_code == 404


def test_a_marking_cannot_be_dated_after_today(client, world):
    marked_on = (today() + timedelta(days=1)).isoformat()
    response = register(
        client, world.registrar, **SECRET | {"secrecy": MARKING | {"marked_on": marked_on}}
    )
    assert (response.status_code, response.json()["code"]) == (422, "SECRECY_MARKING_INVALID")


def test_a_unit_post_may_make_an_employee_the_case_officer(client, world, officer):
    case_id = register(client, world.registrar).json()["id"]
    response = patch(client, world.manager, case_id, {"case_officer_id": officer[0]})
    assert response.status_code == 200, response.text
