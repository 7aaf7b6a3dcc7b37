"""Every route of the API's routers is a ``OneHopRoute``: its endpoint and the commit of its
transaction run in one worker thread (``app.api.routing``)."""

from fastapi.routing import APIRoute

from app.api.routing import OneHopRoute


def routers_routes(app) -> list[APIRoute]:
    """The routes of the routers the app includes (FastAPI keeps each as an included router)."""
    return [
        route
        for included in app.routes
        for route in getattr(getattr(included, "original_router", None), "routes", [])
        if isinstance(route, APIRoute)
    ]


def test_every_route_of_the_api_is_one_hop(app):
    routes = routers_routes(app)
    assert len(routes) > 50
    assert [route.path for route in routes if not isinstance(route, OneHopRoute)] == []


def test_gets_read_outside_a_transaction_unless_marked(app):
    """A GET runs in a session that can only read (``db.make_reading_sessionmaker``), unless its
    endpoint is marked ``in_transaction``; no other method does."""
    routes = routers_routes(app)
    in_transaction = sorted(
        route.path for route in routes if "GET" in route.methods and not route.reads_only
    )
    assert in_transaction == [
        "/audit/verify",
        "/workflows",
        "/workflows/{key}/versions/{version}",
        "/workflows/{key}/versions/{version}/diagram",
    ]
    other_methods = [r.path for r in routes if r.reads_only and r.methods - {"GET", "HEAD"}]
    assert other_methods == []
