"""Diary numbers (diarienummer): each organ's series per year, in its format, given at
registration in order and without gaps; imported numbers from a diarium, after which the series
continues above them; and finding a case by its number, as far as the caller may see it."""

import threading
from datetime import date

import pytest
from sqlalchemy import select

from app import migrations
from app.auth.principal import Principal
from app.cases.models import Case, DiarySeries
from app.cases.schemas import CaseCreate
from app.cases.service import diary, records
from app.db import make_engine, make_sessionmaker, session_scope
from tests.builders import bearer, make_organ, make_person, make_position, make_unit
from tests.cases.conftest import CASE, SECRET


@pytest.fixture
def on_day(monkeypatch):
    """Registrations happen on 28 November 2026 until a test moves the day."""

    def move(day: date) -> None:
        monkeypatch.setattr(diary, "today", lambda: day)

    move(date(2026, 11, 28))
    return move


def register(client, headers, **fields):
    return client.post("/api/v1/cases", json=CASE | fields, headers=headers)


def numbers(client, headers, count, **fields):
    responses = [register(client, headers, **fields) for _ in range(count)]
    assert [r.status_code for r in responses] == [201] * count, responses[-1].text
    return [r.json()["diary_number"] for r in responses]


def key(client, world, *scopes):
    created = client.post(
        "/api/v1/api-keys", json={"name": "P360", "scopes": list(scopes)}, headers=world.registrar
    )
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['key']}"}


# The series


def test_numbers_are_given_in_order_from_one_in_the_default_format(client, world, on_day):
    assert numbers(client, world.officer, 5) == [f"BUN 2026/{n}" for n in range(1, 6)]


def test_each_organ_has_its_own_series(client, world, session, on_day):
    make_organ(session, code="SN")
    numbers(client, world.officer, 3)
    assert numbers(client, world.officer, 2, organ="SN", unit=None) == ["SN 2026/1", "SN 2026/2"]


def test_the_series_restarts_each_year_in_swedish_time(client, world, on_day):
    on_day(date(2026, 12, 31))
    assert numbers(client, world.officer, 2) == ["BUN 2026/1", "BUN 2026/2"]
    on_day(date(2027, 1, 1))
    assert numbers(client, world.officer, 2) == ["BUN 2027/1", "BUN 2027/2"]


def test_the_number_is_shown_recorded_and_found(client, world, on_day):
    created = register(client, world.officer).json()
    shown = client.get(f"/api/v1/cases/{created['id']}", headers=world.officer).json()
    registered = client.get(f"/api/v1/cases/{created['id']}/events", headers=world.officer)
    assert shown["diary_number"] == created["diary_number"] == "BUN 2026/1"
    assert registered.json()[0]["payload"]["diary_number"] == "BUN 2026/1"
    assert registered.json()[0]["payload"]["diary_number_imported"] is False


# Formats


def test_an_organ_writes_numbers_in_its_own_format(client, world, on_day):
    organ = {"code": "KS", "name": "Kommunstyrelsen", "kind": "committee", "seats": 13}
    made = client.post(
        "/api/v1/organs",
        json=organ | {"diary_format": "{year}-{organ}-{seq}"},
        headers=world.registrar,
    )
    assert made.status_code == 201, made.text
    assert made.json()["diary_format"] == "{year}-{organ}-{seq}"
    assert numbers(client, world.officer, 2, organ="KS", unit=None) == ["2026-KS-1", "2026-KS-2"]


def test_a_changed_format_continues_the_series(client, world, on_day):
    numbers(client, world.officer, 2)
    changed = client.patch(
        "/api/v1/organs/BUN", json={"diary_format": "{organ}/{year}:{seq}"}, headers=world.registrar
    )
    assert changed.json()["diary_format"] == "{organ}/{year}:{seq}"
    assert numbers(client, world.officer, 1) == ["BUN/2026:3"]
    reset = client.patch("/api/v1/organs/BUN", json={"diary_format": None}, headers=world.registrar)
    assert reset.json()["diary_format"] is None
    assert numbers(client, world.officer, 1) == ["BUN 2026/4"]


INVALID_FORMATS = [
    "{organ} {seq}",  # no year
    "{organ} {year}",  # no sequence
    "{year}/{seq}/{unit}",  # an unknown placeholder
    "{year}/{seq:04d}",  # a format spec
    "{year}/{seq!r}",  # a conversion
    "{year}/{seq}-{seq}",  # a placeholder twice
    "{year}/{0}{seq}",  # a positional one
    "{year}/{seq",  # unbalanced
    "{organ.code} {year}/{seq}",  # an attribute
]


@pytest.mark.parametrize("template", INVALID_FORMATS)
def test_an_invalid_format_is_refused(client, world, template):
    organ = {"code": "KS", "name": "Kommunstyrelsen", "kind": "committee", "seats": 13}
    made = client.post(
        "/api/v1/organs", json=organ | {"diary_format": template}, headers=world.registrar
    )
    changed = client.patch(
        "/api/v1/organs/BUN", json={"diary_format": template}, headers=world.registrar
    )
    assert (made.status_code, made.json()["code"]) == (422, "INVALID_DIARY_FORMAT")
    assert (changed.status_code, changed.json()["code"]) == (422, "INVALID_DIARY_FORMAT")
    assert changed.json()["errors"][0]["loc"] == ["body", "diary_format"]


def test_formats_without_the_organ_that_collide_are_409_and_give_the_number_back(
    client, world, session, on_day
):
    make_organ(session, code="SN", diary_format="{year}/{seq}")
    make_organ(session, code="MN", diary_format="{year}/{seq}")
    assert numbers(client, world.officer, 1, organ="SN", unit=None) == ["2026/1"]
    clash = register(client, world.officer, organ="MN", unit=None)
    assert (clash.status_code, clash.json()["code"]) == (409, "DIARY_NUMBER_TAKEN")
    client.patch("/api/v1/organs/MN", json={"diary_format": None}, headers=world.registrar)
    assert numbers(client, world.officer, 1, organ="MN", unit=None) == ["MN 2026/1"]


# Imported numbers


def test_an_imported_number_is_kept_and_the_series_continues_above_it(client, world, on_day):
    numbers(client, world.officer, 2)
    imported = register(client, world.registrar, diary_number="BUN 2026/40")
    assert (imported.status_code, imported.json()["diary_number"]) == (201, "BUN 2026/40")
    assert numbers(client, world.officer, 1) == ["BUN 2026/41"]
    assert numbers(client, world.registrar, 1, diary_number="BUN 2026/7") == ["BUN 2026/7"]
    assert numbers(client, world.officer, 1) == ["BUN 2026/42"]
    events = client.get(f"/api/v1/cases/{imported.json()['id']}/events", headers=world.officer)
    assert events.json()[0]["payload"]["diary_number_imported"] is True


def test_an_imported_number_of_an_earlier_year_raises_that_years_series(client, world, on_day):
    assert numbers(client, world.registrar, 1, diary_number="BUN 2024/300") == ["BUN 2024/300"]
    on_day(date(2024, 12, 30))
    assert numbers(client, world.officer, 1) == ["BUN 2024/301"]
    on_day(date(2026, 11, 28))
    assert numbers(client, world.officer, 1) == ["BUN 2026/1"]


def test_an_integration_may_import(client, world, on_day):
    headers = key(client, world, "integration")
    assert numbers(client, headers, 1, diary_number="BUN 2026/12") == ["BUN 2026/12"]


def test_only_registrars_and_integrations_may_import(client, world, on_day):
    refused = [
        register(client, headers, diary_number="BUN 2026/5")
        for headers in (world.officer, world.head, world.chair, key(client, world, "cases:write"))
    ]
    assert {(r.status_code, r.json()["code"]) for r in refused} == {
        (403, "DIARY_NUMBER_NOT_ALLOWED")
    }
    assert numbers(client, world.officer, 1) == ["BUN 2026/1"]


@pytest.mark.parametrize(
    "number",
    [
        "BUN 2026-5",  # not the organ's format
        "BUN 2026/05",  # a leading zero
        "BUN 2026/0",
        "BUN 26/5",
        "SN 2026/5",  # another organ's
        "BUN 2026/5.",  # trailing text
        "BUN 2027/1",  # a year still to come
        "BUN 2026/１２",  # not ASCII digits
    ],
)
def test_an_imported_number_must_be_the_organs(client, world, number, on_day):
    refused = register(client, world.registrar, diary_number=number)
    assert (refused.status_code, refused.json()["code"]) == (422, "INVALID_DIARY_NUMBER")
    assert refused.json()["errors"][0]["loc"] == ["body", "diary_number"]


def test_a_number_taken_is_409(client, world, on_day):
    numbers(client, world.officer, 1)
    numbers(client, world.registrar, 1, diary_number="BUN 2026/9")
    taken = [
        register(client, world.registrar, diary_number=n) for n in ("BUN 2026/1", "BUN 2026/9")
    ]
    assert {(r.status_code, r.json()["code"]) for r in taken} == {(409, "DIARY_NUMBER_TAKEN")}
    assert numbers(client, world.officer, 1) == ["BUN 2026/10"]


# Finding a case by its number


def test_a_case_is_found_by_its_number_encoded_or_with_its_slash(client, world, on_day):
    created = register(client, world.officer).json()
    encoded = client.get("/api/v1/cases/by-diary-number/BUN%202026%2F1", headers=world.officer)
    slashed = client.get("/api/v1/cases/by-diary-number/BUN 2026/1", headers=world.officer)
    assert encoded.status_code == slashed.status_code == 200
    assert encoded.json() == slashed.json() == created
    assert encoded.headers["ETag"] == f'"{created["version"]}"'


@pytest.mark.parametrize("number", ["BUN 2026/2", "events", "BUN%202026%2F1%2Fevents"])
def test_an_unknown_number_is_404(client, world, number, on_day):
    register(client, world.officer)
    missing = client.get(f"/api/v1/cases/by-diary-number/{number}", headers=world.officer)
    assert (missing.status_code, missing.json()["code"]) == (404, "CASE_NOT_FOUND")


def test_a_confidential_case_is_found_only_by_those_who_may_see_it(
    client, world, session, settings, on_day
):
    outsider = make_position(session, unit=make_unit(session).code).person
    register(client, world.registrar, **SECRET)
    path = "/api/v1/cases/by-diary-number/BUN%202026%2F1"
    hidden = client.get(path, headers=bearer(settings, outsider.username))
    missing = client.get(path.replace("%2F1", "%2F2"), headers=bearer(settings, outsider.username))
    seen = client.get(path, headers=world.officer)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "CASE_NOT_FOUND")
    assert hidden.json()["detail"].replace("/1", "/2") == missing.json()["detail"]
    assert (seen.status_code, seen.json()["diary_number"]) == (200, "BUN 2026/1")


# Concurrency: 100 registrations at once in one series, on PostgreSQL

CONCURRENT = 100


@pytest.fixture
def postgres_engine(backend, databases):
    if backend != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite serialises writers itself")
    engine = make_engine(databases(backend), pool_size=40, max_overflow=0)
    migrations.upgrade(engine)
    yield engine
    engine.dispose()


def test_concurrent_registrations_get_one_to_n_without_gaps_or_duplicates(postgres_engine, on_day):
    factory = make_sessionmaker(postgres_engine)
    with session_scope(factory) as session:
        make_organ(session, code="BUN")
        person = make_person(session)
        actor = Principal(person_id=person.id, username=person.username, person_kind=person.kind)
    data = CaseCreate(title="t", problem="p", organ="BUN")
    start = threading.Barrier(CONCURRENT)
    failures: list[Exception] = []

    def register_one() -> None:
        try:
            start.wait(timeout=30)
            with session_scope(factory) as session:
                records.register(session, actor, data)
        except Exception as exc:  # reported below, with the rest
            failures.append(exc)

    threads = [threading.Thread(target=register_one) for _ in range(CONCURRENT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    with session_scope(factory) as session:
        given = list(session.scalars(select(Case.diary_number)))
        series = session.scalars(select(DiarySeries.last_seq)).all()
    assert failures == []
    assert sorted(int(n.removeprefix("BUN 2026/")) for n in given) == list(range(1, 101))
    assert series == [CONCURRENT]
