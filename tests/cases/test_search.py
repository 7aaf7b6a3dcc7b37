"""The case list as registrars and integrations search it: every filter, free text in Swedish,
each order, keyset pages that hold still while cases are registered, and counts."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.cases.list_query import sort_key
from app.cases.models import Case
from app.kit.clock import today
from app.organisation.models import Person
from tests.builders import (
    bearer,
    make_membership,
    make_organ,
    make_person,
    make_position,
    make_unit,
)
from tests.cases.conftest import CASE, SECRET

LIST = "/api/v1/cases"


def register(client, headers, **fields) -> dict:
    response = client.post(LIST, json=CASE | fields, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def listed(client, headers, **params) -> list[str]:
    """The titles the list gives for the query, in order (one page of up to 200)."""
    response = client.get(LIST, params={"limit": 200} | params, headers=headers)
    assert response.status_code == 200, response.text
    return [case["title"] for case in response.json()["items"]]


@pytest.fixture
def officer_id(session) -> int:
    person = make_person(session)
    make_position(session, person_id=person.id, unit="UTB-GRU", role="case_officer")
    session.commit()
    return person.id


@pytest.fixture
def register_of(client, world, session):
    """Six cases across units, origins, flags and officers, all of BUN."""
    make_unit(session, code="UTB-FSK", name="Förskoleavdelningen", parent="UTB", serves=["BUN"])
    session.commit()

    def make(officer_id):
        register(
            client,
            world.registrar,
            title="Förskolans utemiljö",
            unit="UTB-FSK",
            problem="Gården är sliten",
            origin="citizen_proposal",
            flags=["citizen_proposal"],
            case_officer_id=officer_id,
        )
        register(
            client,
            world.registrar,
            title="Äldreboendets kök i Ödeshög",
            problem="Köket klarar inte kraven",
            matter_type="investering",
            origin="political_initiative",
            flags=["of_principle", "procurement"],
        )
        register(
            client,
            world.registrar,
            title="Skolskjutsar på landsbygden",
            problem="Långa restider för eleverna",
            description="Skolan ligger långt bort",
            origin="motion",
            flags=["of_principle"],
        )
        register(
            client,
            world.registrar,
            title="Nya läromedel",
            problem="Gamla böcker",
            case_officer_id=officer_id,
        )
        register(
            client, world.registrar, title="Hemlig utredning", problem="Skyddad identitet", **SECRET
        )
        register(
            client,
            world.registrar,
            title="Paviljong vid Norrskolan",
            problem="Trångboddhet i årskurs 4–6",
            unit=None,
        )

    return make  # fmt: skip


def test_each_filter_keeps_only_its_cases(client, world, register_of, officer_id):
    register_of(officer_id)
    headers = world.registrar
    assert listed(client, headers, unit="UTB-FSK") == ["Förskolans utemiljö"]
    assert listed(client, headers, unit="UTB") == [  # the units beneath it count
        "Förskolans utemiljö", "Äldreboendets kök i Ödeshög", "Skolskjutsar på landsbygden",
        "Nya läromedel", "Hemlig utredning",
    ]  # fmt: skip
    assert listed(client, headers, matter_type="investering") == ["Äldreboendets kök i Ödeshög"]
    assert listed(client, headers, case_officer=officer_id) == [
        "Förskolans utemiljö",
        "Nya läromedel",
    ]
    assert listed(client, headers, origin=["motion", "citizen_proposal"]) == [
        "Förskolans utemiljö",
        "Skolskjutsar på landsbygden",
    ]
    assert listed(client, headers, flag="of_principle") == [
        "Äldreboendets kök i Ödeshög",
        "Skolskjutsar på landsbygden",
    ]
    assert listed(client, headers, flag=["of_principle", "procurement"]) == [
        "Äldreboendets kök i Ödeshög"
    ]
    assert listed(client, headers, confidential=True) == ["Hemlig utredning"]
    assert len(listed(client, headers, confidential=False)) == 5


def test_state_route_and_organ_filters(client, world, session):
    first = register(client, world.registrar, title="Ett")
    register(client, world.registrar, title="Två")
    triage = {"route": "political", "motivation": "Principfråga"}
    triaged = world.step(client, first["id"], "triage", triage)
    assert triaged.status_code == 200, triaged.text
    session.execute(update(Case).where(Case.id == first["id"]).values(state="assessment"))
    session.commit()
    headers = world.registrar
    assert listed(client, headers, state="assessment") == ["Ett"]
    assert listed(client, headers, state=["assessment", "proposed"]) == ["Ett", "Två"]
    assert listed(client, headers, route="political") == ["Ett"]
    assert listed(client, headers, organ="BUN") == ["Ett", "Två"]


def test_the_organ_filter_tells_an_unknown_organ_from_one_without_cases(client, world, session):
    """Organs are matched by code in the list's statement; a code that names no organ is still
    404, whether or not other organs of the filter have cases on the page."""
    register(client, world.registrar, title="Ett")
    quiet = make_organ(session).code
    session.commit()
    headers = world.registrar
    assert listed(client, headers, organ=quiet) == []
    assert listed(client, headers, organ=["BUN", quiet]) == ["Ett"]
    for organs in (["BUN", "NOPE"], ["NOPE", "BUN"], [quiet, "NOPE"]):
        response = client.get(LIST, params={"organ": organs}, headers=headers)
        assert (response.status_code, response.json()["code"]) == (404, "ORGAN_NOT_FOUND")
        assert "NOPE" in response.json()["detail"]


def test_date_ranges_are_swedish_days(client, world, session):
    old = register(client, world.registrar, title="Gammalt")
    register(client, world.registrar, title="Nytt")
    long_ago = datetime(2026, 1, 10, 23, 30, tzinfo=UTC)  # 11 January in Sweden
    session.execute(
        update(Case).where(Case.id == old["id"]).values(created_at=long_ago, updated_at=long_ago)
    )
    session.commit()
    headers = world.registrar
    assert listed(client, headers, created_to="2026-01-10") == []
    assert listed(client, headers, created_from="2026-01-11", created_to="2026-01-11") == [
        "Gammalt"
    ]
    assert listed(client, headers, created_from=today().isoformat()) == ["Nytt"]
    assert listed(client, headers, updated_to="2026-01-11") == ["Gammalt"]
    assert listed(client, headers, updated_from="2026-01-12") == ["Nytt"]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("förskola", ["Förskolans utemiljö"]),  # a word beginning another, with ö
        ("ÄLDREBOENDE", ["Äldreboendets kök i Ödeshög"]),  # case folds, å ä ö too
        ("ödeshög kök", ["Äldreboendets kök i Ödeshög"]),  # every word must match
        ("skol", ["Skolskjutsar på landsbygden"]),  # in the title and the description
        ("långt", ["Skolskjutsar på landsbygden"]),  # the description
        ("restider", ["Skolskjutsar på landsbygden"]),  # the problem
        ("odeshog", []),  # ö is not o
        ("utemiljö landsbygden", []),
        ("!!!", []),  # no word: only a whole diary number would match
    ],
)
def test_free_text_in_swedish(client, world, register_of, officer_id, query, titles):
    register_of(officer_id)
    assert listed(client, world.registrar, q=query) == titles


def test_free_text_finds_a_diary_number_whole_or_by_its_parts(client, world):
    case = register(client, world.registrar, title="Sökt")
    register(client, world.registrar, title="Annat")
    number = case["diary_number"]
    assert listed(client, world.registrar, q=number) == ["Sökt"]
    assert "Sökt" in listed(client, world.registrar, q=number.split("/")[0])


@pytest.fixture
def postgres_only(backend):
    if backend != "postgresql":
        pytest.skip("stemming is PostgreSQL's Swedish configuration; FTS5 matches prefixes")


def test_postgresql_matches_swedish_inflections(
    client, world, register_of, officer_id, postgres_only
):
    register_of(officer_id)
    assert listed(client, world.registrar, q="skolor") == ["Skolskjutsar på landsbygden"]
    assert listed(client, world.registrar, q="köken") == ["Äldreboendets kök i Ödeshög"]


def test_search_and_counts_leave_out_what_the_caller_may_not_see(
    client, world, register_of, officer_id, session, settings
):
    register_of(officer_id)
    member = make_person(session, kind="elected")
    make_membership(session, person_id=member.id, organ="BUN", role="member")
    stranger = make_person(session)
    session.commit()
    headers = bearer(settings, stranger.username)
    assert listed(client, headers, q="hemlig") == []
    assert "Hemlig utredning" not in listed(client, headers)
    assert listed(client, headers, confidential=True) == []
    response = client.get(LIST, params={"total": "true"}, headers=headers)
    assert response.json()["total"] == 5
    response = client.get(LIST, params={"total": "true"}, headers=world.registrar)
    assert response.json()["total"] == 6
    assert listed(client, bearer(settings, member.username), q="hemlig") == ["Hemlig utredning"]


def test_an_employee_with_a_post_filters_by_unit(
    client, world, register_of, officer_id, session, settings
):
    """Their sight walks down from their own unit, the filter from the one asked for: two walks
    of the unit tree in one statement, each with its own name (one name made it a 500)."""
    register_of(officer_id)
    officer = bearer(settings, session.get(Person, officer_id).username)
    seen = listed(client, officer)
    in_utb = [title for title in listed(client, world.registrar, unit="UTB") if title in seen]
    assert listed(client, officer, unit="UTB") == in_utb
    response = client.get(LIST, params={"unit": "UTB", "total": "true"}, headers=officer)
    assert response.status_code == 200, response.text
    assert response.json()["total"] == len(in_utb) > 0


def test_total_counts_every_match_not_the_page(client, world):
    for n in range(5):
        register(client, world.registrar, title=f"Ärende {n}")
    response = client.get(
        LIST, params={"limit": 2, "total": "true", "q": "ärende"}, headers=world.registrar
    )
    body = response.json()
    assert (len(body["items"]), body["total"]) == (2, 5)
    assert client.get(LIST, params={"limit": 2}, headers=world.registrar).json()["total"] is None


def _bulk(session, template_id: int, count: int, start: int) -> None:
    """``count`` cases like the template, numbered from ``start`` (faster than registering)."""
    template = session.get(Case, template_id)
    rows = [
        Case(
            diary_number=f"BUN 2026/{start + n}",
            diary_sort_key=sort_key(f"BUN 2026/{start + n}"),
            title=f"Ärende {start + n}", problem="Ett problem", organ_id=template.organ_id,
            unit_id=template.unit_id, origin="operations", flags=[], appeal_route="judicial_review",
            confidential=False, workflow_id=template.workflow_id, state="proposed",
            priority_rank=(start + n) % 7 or None, last_event_seq=0,
        )
        for n in range(count)
    ]  # fmt: skip
    session.add_all(rows)
    session.commit()


@pytest.mark.parametrize("sort", ["created", "-created", "diary_number", "-diary_number",
                                  "priority", "-priority", "updated", "-updated"])  # fmt: skip
def test_pages_hold_still_while_cases_are_registered(client, world, session, sort):
    template = register(client, world.registrar, title="Mall", diary_number="BUN 2026/5000")
    _bulk(session, template["id"], 999, start=1)
    before = {case.id for case in session.scalars(select(Case))}
    seen: list[int] = []
    url, params, inserted = LIST, {"limit": 37, "sort": sort}, 0
    while url is not None:
        body = client.get(url, params=params, headers=world.registrar).json()
        seen += [case["id"] for case in body["items"]]
        url, params = body["next"], None
        _bulk(session, template["id"], 3, start=6000 + inserted)  # between every two pages
        inserted += 3
    assert len(seen) == len(set(seen))  # no row twice
    assert before <= set(seen)  # none lost
    assert len(before) == 1000


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("created", ["BUN 2026/10", "BUN 2026/9", "BUN 2026/100"]),
        ("-created", ["BUN 2026/100", "BUN 2026/9", "BUN 2026/10"]),
        ("diary_number", ["BUN 2026/9", "BUN 2026/10", "BUN 2026/100"]),
        ("-diary_number", ["BUN 2026/100", "BUN 2026/10", "BUN 2026/9"]),
    ],
)
def test_orders(client, world, sort, expected):
    for number in ("BUN 2026/10", "BUN 2026/9", "BUN 2026/100"):
        register(client, world.registrar, diary_number=number)
    response = client.get(LIST, params={"sort": sort}, headers=world.registrar)
    assert [case["diary_number"] for case in response.json()["items"]] == expected


def test_priority_order_puts_unranked_last(client, world, session):
    ids = [register(client, world.registrar, title=title)["id"] for title in "ABC"]
    session.execute(update(Case).where(Case.id == ids[0]).values(priority_rank=2))
    session.execute(update(Case).where(Case.id == ids[2]).values(priority_rank=1))
    session.commit()
    assert listed(client, world.registrar, sort="priority") == ["C", "A", "B"]
    assert listed(client, world.registrar, sort="-priority") == ["B", "A", "C"]


def test_updated_order_follows_the_last_change(client, world, session):
    ids = [register(client, world.registrar, title=title)["id"] for title in "ABC"]
    later = datetime.now(UTC) + timedelta(minutes=1)
    session.execute(update(Case).where(Case.id == ids[0]).values(updated_at=later))
    session.commit()
    assert listed(client, world.registrar, sort="-updated") == ["A", "C", "B"]


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"cursor": "not-a-cursor"}, 400, "INVALID_CURSOR"),
        ({"sort": "sideways"}, 422, "VALIDATION_FAILED"),
        ({"limit": 201}, 422, "VALIDATION_FAILED"),
        ({"stat": "triage"}, 422, "VALIDATION_FAILED"),  # a misspelt filter
        ({"created_from": "2026-13-01"}, 422, "VALIDATION_FAILED"),
        ({"case_officer": 0}, 422, "VALIDATION_FAILED"),
        ({"q": "x" * 501}, 422, "VALIDATION_FAILED"),
        ({"organ": "NOPE"}, 404, "ORGAN_NOT_FOUND"),
        ({"unit": "NOPE"}, 404, "UNIT_NOT_FOUND"),
    ],
)
def test_bad_queries_are_told_why(client, world, params, status, code):
    register(client, world.registrar)
    response = client.get(LIST, params=params, headers=world.registrar)
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_a_cursor_is_good_only_for_its_order(client, world):
    for title in "ABC":
        register(client, world.registrar, title=title)
    body = client.get(LIST, params={"limit": 1, "sort": "updated"}, headers=world.registrar).json()
    cursor = body["next"].split("cursor=")[1].split("&")[0]
    response = client.get(LIST, params={"cursor": cursor}, headers=world.registrar)
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_CURSOR")
    response = client.get(
        LIST, params={"cursor": cursor, "sort": "updated"}, headers=world.registrar
    )
    assert [case["title"] for case in response.json()["items"]] == ["B", "C"]
