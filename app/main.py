"""The application factory: settings in, a FastAPI app out.

The factory builds the token verifier, the lifespan the database engine and session factory, once
per process; nothing is built at import time. Interactive docs are served from packaged assets
(``fastapi-offline``), so they work on a network with no internet access.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from anyio import to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline

from app import __doc__ as product_summary
from app.api import openapi, problems
from app.api.deps import claiming_limiter, ending_limiter
from app.api.idempotency import Idempotency
from app.api.middleware import BodySizeLimit, RefuseNulBytes
from app.api.openapi import API_PREFIX
from app.api.routes import (
    api_keys,
    audit,
    cases,
    delegation,
    documents,
    health,
    holdings,
    imports,
    inbound,
    me,
    organs,
    people,
    units,
    webhooks,
    workflows,
)
from app.auth.tokens import TokenVerifier
from app.config import Settings, get_settings
from app.db import make_engine, make_reading_sessionmaker, make_sessionmaker
from app.integrations.webhooks.runner import BackgroundDispatcher
from app.migrations import head_revision


def _operation_id(route: APIRoute) -> str:
    """Operation ids are the route names: stable, readable, and what generated clients call."""
    return route.name


API_ROUTERS = (
    organs.router,
    units.router,
    people.router,
    holdings.memberships,
    holdings.positions,
    api_keys.router,
    me.router,
    cases.router,
    documents.router,
    workflows.router,
    delegation.router,
    audit.router,
    inbound.router,
    imports.router,
    webhooks.router,
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(
            settings.database_url,
            echo=settings.database_echo,
            sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
            pool_timeout_s=settings.database_pool_timeout_s,
            ping_after_idle_s=settings.database_ping_after_idle_s,
        )
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.reading_sessionmaker = make_reading_sessionmaker(engine)
        app.state.snapshot_sessionmaker = make_sessionmaker(engine, writes=False)
        app.state.ending_limiter = ending_limiter()
        app.state.claiming_limiter = claiming_limiter()
        # Requests' blocking work runs in anyio's threads (app.api.routing: sign-in in one, the
        # endpoint and its commit in another). A request waiting for a row lock or for a
        # connection keeps its thread, so there must be more threads than such requests ever
        # are at once; anyio's default of 40 was too few (tests/cases/test_concurrency.py).
        to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        dispatcher = None
        if settings.webhook_dispatch:  # serve --dispatch: webhooks sent from this process too
            dispatcher = BackgroundDispatcher(app.state.sessionmaker, settings)
            dispatcher.start()
        yield
        if dispatcher is not None:
            dispatcher.stop()
        engine.dispose()

    app: FastAPI = FastAPIOffline(
        title="Styrkedja",
        version="1.0.0",
        summary=product_summary,
        description=(
            "Proposed measures through consequence assessment, decision, implementation and "
            "follow-up, with who may act at each step per the delegation order and the Local "
            "Government Act. Errors are RFC 9457 problem+json with a stable `code`."
        ),
        lifespan=lifespan,
        generate_unique_id_function=_operation_id,
        static_url="/docs-assets",
    )
    app.state.settings = settings
    app.state.verifier = TokenVerifier(settings)
    app.state.expected_revision = head_revision()
    problems.install(app)
    openapi.install(app)
    streamed = {imports.PATH: settings.import_max_bytes}  # bodies read a chunk at a time
    app.add_middleware(
        Idempotency,
        ttl=timedelta(hours=settings.idempotency_ttl_hours),
        streamed=frozenset(streamed),
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes, streamed=streamed)
    app.add_middleware(RefuseNulBytes)
    app.include_router(health.router)
    for router in API_ROUTERS:  # included flat: nested routers cost a match per level
        app.include_router(router, prefix=API_PREFIX)
    return app
