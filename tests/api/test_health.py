"""Health endpoints answer without credentials; readiness checks the schema revision."""

from app import migrations


def test_live(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_migrated(client):
    response = client.get("/health/ready")
    assert response.status_code == 200
    head = migrations.head_revision()
    assert response.json() == {
        "status": "ok",
        "database_revision": head,
        "expected_revision": head,
    }


def test_not_ready_on_an_unmigrated_database(app, client, backend, databases):
    from app.db import make_engine

    empty = make_engine(databases(backend))
    app.state.engine = empty
    try:
        response = client.get("/health/ready")
    finally:
        empty.dispose()
    assert response.status_code == 503
    assert response.json()["status"] == "not_migrated"
    assert response.json()["database_revision"] is None
