"""Confidential cases: to a caller without a role on the case's organ or unit, the case does not
exist. Every path to it answers as for a missing id, and lists leave it out before they are cut
into pages. Who sees it: anyone holding a role in its organ today (any role), a position in its
unit or a unit above, a registrar, whoever registered it, and an API key with the scope
``cases:confidential``; nobody else, administrators included."""

import json
from datetime import timedelta

import pytest

from app.auth.principal import MembershipGrant, PositionGrant, Principal
from app.auth.scopes import Scope
from app.cases.permissions import sight
from app.kit.clock import today
from app.organisation.vocabulary import MembershipRole, PersonKind, PositionRole
from tests.builders import (
    bearer,
    make_membership,
    make_organ,
    make_person,
    make_position,
    make_unit,
)
from tests.cases.conftest import CASE, SECRET
from tests.cases.test_authority_api import adopt_premises_order, to_decision

MISSING = 2_000_000_000
"""An id no case has; distinctive enough to swap for the real one in a response body."""

OUTSIDERS = [
    "employee_in_a_sibling_unit",
    "employee_in_a_unit_beneath",
    "politician_of_another_organ",
    "former_member_of_the_organ",
    "admin_key",
    "key_without_the_scope",
]
INSIDERS = [
    "chair",
    "secretary",
    "substitute",
    "case_officer_in_the_unit",
    "head_of_the_administration_above",
    "registrar",
    "proposer",
    "key_with_the_scope",
]
READS = ["", "/events", "/transitions", "/assessment", "/diagram", "/recusals"]
RECUSAL = {"ground": 1, "reason": "Närstående berörs"}
WRITES = [
    ("PUT", "/assessment", {"content": {}}),
    ("POST", "/recusals", RECUSAL),
    (
        "POST",
        "/recusals/{recusal}/decide",
        {"upheld": True, "held_on": "2026-11-20", "paragraph": "§ 100"},
    ),
]


def _key(client, world, scopes, person_id=None):
    body = {"name": "P360", "scopes": scopes, "person_id": person_id}
    created = client.post("/api/v1/api-keys", json=body, headers=world.registrar)
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['key']}"}


@pytest.fixture
def callers(client, world, session, settings) -> dict[str, dict[str, str]]:
    make_unit(session, code="UTB-GYM", name="Gymnasieavdelningen", parent="UTB", serves=["BUN"])
    make_unit(session, code="UTB-GRU-N", name="Norrskolan", parent="UTB-GRU", serves=["BUN"])
    sibling = make_position(session, unit="UTB-GYM").person
    beneath = make_position(session, unit="UTB-GRU-N", role="unit_manager").person
    politician = make_membership(session, organ=make_organ(session).code).person
    former = make_membership(
        session, organ="BUN", role="member", valid_to=today() - timedelta(days=1)
    ).person
    substitute = make_membership(session, organ="BUN", role="substitute").person
    proposer = make_person(session, kind="elected")
    session.commit()
    token = lambda person: bearer(settings, person.username)  # noqa: E731
    return {
        "employee_in_a_sibling_unit": token(sibling),
        "employee_in_a_unit_beneath": token(beneath),
        "politician_of_another_organ": token(politician),
        "former_member_of_the_organ": token(former),
        "admin_key": _key(client, world, ["admin", "cases:read", "cases:write"]),
        "key_without_the_scope": _key(
            client, world, ["cases:read", "cases:write", "integration"], proposer.id
        ),
        "chair": world.chair,
        "secretary": world.secretary,
        "substitute": token(substitute),
        "case_officer_in_the_unit": world.officer,
        "head_of_the_administration_above": world.head,
        "registrar": world.registrar,
        "proposer": token(proposer),
        "key_with_the_scope": _key(client, world, ["cases:read", "cases:confidential"]),
    }


def register(client, headers, **fields):
    response = client.post("/api/v1/cases", json=CASE | fields, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.fixture
def secret(client, callers) -> int:
    """A confidential case of BUN and the unit UTB-GRU, registered by a person with no role."""
    return register(client, callers["proposer"], **SECRET)


def as_if_missing(client, headers, method, path, body, case_id):
    """What the caller is told for ``path`` of a case that does not exist, ``case_id`` standing
    in for the missing id."""
    missing = client.request(method, path.format(case=MISSING), json=body, headers=headers)
    return missing.status_code, json.loads(missing.text.replace(str(MISSING), str(case_id)))


@pytest.mark.parametrize("probe", READS)
@pytest.mark.parametrize("caller", OUTSIDERS)
def test_to_outsiders_the_case_does_not_exist(client, callers, secret, caller, probe):
    headers, path = callers[caller], f"/api/v1/cases/{{case}}{probe}"
    response = client.get(path.format(case=secret), headers=headers)
    assert response.status_code == 404
    assert response.json()["code"] == "CASE_NOT_FOUND"
    assert (404, response.json()) == as_if_missing(client, headers, "GET", path, None, secret)


@pytest.mark.parametrize("probe", READS)
@pytest.mark.parametrize("caller", INSIDERS)
def test_those_with_a_role_on_it_see_it(client, callers, secret, caller, probe):
    response = client.get(f"/api/v1/cases/{secret}{probe}", headers=callers[caller])
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("method", "probe", "body"), WRITES)
@pytest.mark.parametrize("caller", OUTSIDERS)
def test_outsiders_cannot_write_to_it_nor_learn_it_exists(
    client, world, callers, secret, caller, method, probe, body
):
    declared = client.post(f"/api/v1/cases/{secret}/recusals", json=RECUSAL, headers=world.officer)
    headers, path = callers[caller], f"/api/v1/cases/{{case}}{probe}"
    path = path.replace("{recusal}", str(declared.json()["id"]))
    response = client.request(method, path.format(case=secret), json=body, headers=headers)
    expected = as_if_missing(client, headers, method, path, body, secret)
    assert (response.status_code, response.json()) == expected
    events = client.get(f"/api/v1/cases/{secret}/events", headers=world.registrar).json()
    assert [event["kind"] for event in events] == ["registered", "recusal"]


@pytest.mark.parametrize("caller", ["employee_in_a_sibling_unit", "key_without_the_scope"])
def test_outsiders_cannot_fire_a_trigger_on_it(client, world, callers, secret, caller):
    headers, path = callers[caller], "/api/v1/cases/{case}/transitions/withdraw"
    body = {"payload": {"reason": "x"}}
    response = client.post(path.format(case=secret), json=body, headers=headers)
    expected = as_if_missing(client, headers, "POST", path, body, secret)
    assert (response.status_code, response.json()) == expected


def pages(client, headers):
    """The ids on each page of the case list, two to a page, following ``next`` to the end."""
    found, url = [], "/api/v1/cases?limit=2"
    while url:
        page = client.get(url, headers=headers).json()
        found.append([case["id"] for case in page["items"]])
        url = page["next"]
    return found


@pytest.mark.parametrize("caller", OUTSIDERS)
def test_lists_leave_it_out_before_cutting_pages(client, callers, secret, caller):
    public = [register(client, callers["registrar"]) for _ in range(3)]
    register(client, callers["proposer"], **SECRET)
    assert pages(client, callers[caller]) == [public[:2], public[2:]]


@pytest.mark.parametrize("caller", INSIDERS)
def test_lists_show_it_to_those_with_a_role_on_it(client, callers, secret, caller):
    public = [register(client, callers["registrar"]) for _ in range(3)]
    later = register(client, callers["proposer"], **SECRET)
    assert pages(client, callers[caller]) == [[secret, public[0]], public[1:], [later]]


def test_a_filter_by_organ_leaves_it_out_too(client, callers, secret):
    listed = client.get("/api/v1/cases?organ=BUN", headers=callers["admin_key"]).json()
    assert secret not in [case["id"] for case in listed["items"]]


def prioritise(client, world, case_id, rank):
    world.step(client, case_id, "triage", {"route": "political", "motivation": "x"})
    world.step(client, case_id, "scope_assessment", {"level": "none", "motivation": "m"})
    world.step(client, case_id, "submit_assessment")
    response = world.step(
        client, case_id, "prioritise", {"period": "2027", "rank": rank, "motivation": "m"}
    )
    assert response.status_code == 200, response.text


@pytest.fixture
def priorities(client, world, callers, secret) -> int:
    """BUN's order for 2027: the confidential case first, then a public one costing 100."""
    public = register(client, callers["registrar"], estimated_cost_sek=100)
    prioritise(client, world, secret, 1)
    prioritise(client, world, public, 2)
    return public


@pytest.mark.parametrize("caller", OUTSIDERS)
def test_the_organs_priorities_leave_it_out(client, callers, priorities, caller):
    view = client.get("/api/v1/organs/BUN/priorities?period=2027", headers=callers[caller])
    assert [row["case_id"] for row in view.json()["rows"]] == [priorities]
    assert view.json()["total_sek"] == 100


@pytest.mark.parametrize("caller", INSIDERS)
def test_the_organs_priorities_show_it_to_those_with_a_role_on_it(
    client, callers, secret, priorities, caller
):
    view = client.get("/api/v1/organs/BUN/priorities?period=2027", headers=callers[caller])
    assert [row["case_id"] for row in view.json()["rows"]] == [secret, priorities]
    assert view.json()["total_sek"] == CASE["estimated_cost_sek"] + 100


def test_a_key_without_the_scope_that_registers_one_sees_it_only_in_the_answer(client, callers):
    headers = callers["key_without_the_scope"]
    case_id = register(client, headers, **SECRET)
    assert client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code == 404


# Sight without a database: one case of organ 1, in unit 7 under unit 3, registered by person 9.

CASE_FACTS = {"organ_id": 1, "units": [7, 3], "registered_by": 9}


def person(person_id=5, *, memberships=(), positions=()):
    return Principal(
        person_id=person_id,
        username=f"p{person_id}",
        person_kind=PersonKind.employee,
        memberships=tuple(MembershipGrant(o, f"O{o}", role) for o, role in memberships),
        positions=tuple(PositionGrant(u, f"U{u}", role) for u, role in positions),
    )


def key(*scopes, owner=9):
    return Principal(
        person_id=owner, username=None, person_kind=None, api_key_id=1, scopes=frozenset(scopes)
    )


@pytest.mark.parametrize(
    ("principal", "sees"),
    [
        (person(), False),
        (person(memberships=[(1, MembershipRole.substitute)]), True),
        (person(memberships=[(1, MembershipRole.secretary)]), True),
        (person(memberships=[(2, MembershipRole.chair)]), False),
        (person(positions=[(7, PositionRole.case_officer)]), True),
        (person(positions=[(3, PositionRole.head_of_administration)]), True),
        (person(positions=[(8, PositionRole.unit_manager)]), False),
        (person(positions=[(8, PositionRole.registrar)]), True),
        (person(9), True),
        (key(Scope.cases_read), False),
        (key(Scope.admin, Scope.cases_read, Scope.integration), False),
        (key(Scope.cases_read, Scope.cases_confidential), True),
    ],
)
def test_sight(principal, sees):
    assert sight(principal).sees(**CASE_FACTS) is sees


@pytest.mark.parametrize("caller", [*OUTSIDERS, "chair", "registrar"])
def test_the_report_list_leaves_it_out_to_outsiders(client, world, callers, caller):
    """An urgent decision on the case is reported to BUN; only those who see the case see it
    listed (the title masked even then: the list goes to a public meeting)."""
    adopt_premises_order(client, world)
    case_id = register(client, world.registrar, **SECRET)
    to_decision(client, world, case_id)
    decided = world.step(
        client,
        case_id,
        "approve",
        {"decision_text": "Brådskande", "decided_on": "2026-11-21"},
        headers=world.chair,
        authority={"kind": "urgent_decision"},
    )
    assert decided.status_code == 200, decided.text
    listed = client.get("/api/v1/organs/BUN/delegated-decisions", headers=callers[caller])
    assert listed.status_code == 200
    rows = [(row["case_id"], row["case_title"]) for row in listed.json()]
    assert rows == ([] if caller in OUTSIDERS else [(case_id, "(sekretess)")])


def test_sight_of_a_head_of_administration_follows_the_organs_it_serves():
    head = person(positions=[(40, PositionRole.head_of_administration)])
    manager = person(positions=[(40, PositionRole.unit_manager)])
    unitless = {"organ_id": 1, "units": [], "registered_by": 9}
    assert sight(head).sees(**unitless, served_organs=[1]) is True
    assert sight(head).sees(**unitless, served_organs=[2]) is False
    assert sight(manager).sees(**unitless, served_organs=[1]) is False


def test_the_head_sees_a_confidential_case_without_a_unit_to_triage_it(
    client, world, session, settings
):
    """The head triages every case of the organs the administration serves; a case registered
    without a unit is no less theirs. A head of another administration does not see it."""
    make_organ(session, code="SN", name="Socialnämnden")
    make_unit(session, code="SOC", name="Socialförvaltningen", serves=["SN"])
    other_head = make_position(session, unit="SOC", role="head_of_administration").person
    session.commit()
    case_id = register(client, world.registrar, **SECRET | {"unit": None})
    listed = client.get("/api/v1/cases", params={"confidential": True}, headers=world.head)
    assert [case["id"] for case in listed.json()["items"]] == [case_id]
    assert client.get(f"/api/v1/cases/{case_id}", headers=world.head).status_code == 200
    triage = {"route": "political", "motivation": "Principfråga"}
    assert world.step(client, case_id, "triage", triage).status_code == 200
    stranger = bearer(settings, other_head.username)
    assert client.get(f"/api/v1/cases/{case_id}", headers=stranger).status_code == 404
    listed = client.get("/api/v1/cases", params={"confidential": True}, headers=stranger)
    assert listed.json()["items"] == []
