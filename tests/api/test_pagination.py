"""Cursor pagination: every row once, in order, following ``next`` links; stable under inserts."""

from tests.builders import bearer, make_organ, make_registrar


def walk(client, url: str, headers) -> list[str]:
    codes: list[str] = []
    while url:
        page = client.get(url, headers=headers).json()
        codes += [organ["code"] for organ in page["items"]]
        url = page["next"]
    return codes


def test_following_next_visits_every_row_once(client, session, settings):
    codes = [make_organ(session, code=f"P{i:02d}").code for i in range(7)]
    headers = bearer(settings, make_registrar(session).username)
    session.commit()
    assert walk(client, "/api/v1/organs?limit=3", headers) == codes


def test_rows_inserted_mid_walk_neither_repeat_nor_shift_the_walk(client, session, settings):
    codes = [make_organ(session, code=f"P{i:02d}").code for i in range(5)]
    headers = bearer(settings, make_registrar(session).username)
    session.commit()
    first = client.get("/api/v1/organs?limit=3", headers=headers).json()
    make_organ(session, code="P99")
    session.commit()
    rest = walk(client, first["next"], headers)
    assert [o["code"] for o in first["items"]] + rest == [*codes, "P99"]


def test_last_page_has_no_next(client, session, settings):
    make_organ(session)
    headers = bearer(settings, make_registrar(session).username)
    session.commit()
    page = client.get("/api/v1/organs?limit=200", headers=headers).json()
    assert page["next"] is None


def test_limit_over_200_is_422(client, session, settings):
    headers = bearer(settings, make_registrar(session).username)
    session.commit()
    response = client.get("/api/v1/organs?limit=201", headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["query", "limit"]
