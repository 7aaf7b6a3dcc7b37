"""Every route of the API is a ``OneHopRoute``: a plain-function endpoint runs in a worker thread
together with the end of its request's transaction, in one hop from the event loop.

FastAPI runs a plain endpoint in the threadpool, then checks its answer against the response
model in the threadpool again, and the session dependency ends the transaction in a third hop.
Each hop costs a request a little CPU and a wait for the interpreter (py-spy on ``GET
/api/v1/me``: about a fifth of its server time; bench/README.md). Here the endpoint is wrapped in a
coroutine that makes one hop: the endpoint, then the commit of the session ``get_session``
opened for the request (``deps.open_transaction``), or its rollback if the endpoint raised; the
answer, already a model, is checked on the loop. Sessions the idempotency middleware owns are
ended by it, as before. What the endpoint raises is raised as before.

The commit comes before the answer is checked against its model: the endpoints build their
answers as those models, so the check does not fail in practice; one that did would be a 500
after the write committed. A generator endpoint, or an answer streamed from the session, would
find the session already ended: none is one, and a generator endpoint is left unwrapped.
"""

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from app.api.deps import OpenTransaction, open_transaction

F = TypeVar("F", bound=Callable[..., Any])


READING_METHODS = frozenset({"GET", "HEAD"})
_IN_TRANSACTION = "_styrkedja_in_transaction"


class OneHopRoute(APIRoute):
    """``reads_only``: a GET whose endpoint is not marked ``in_transaction``; its request
    gets a session that can only read, outside a transaction (``deps.get_session``)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        writes = getattr(endpoint, _IN_TRANSACTION, False)
        if not (inspect.iscoroutinefunction(endpoint) or inspect.isgeneratorfunction(endpoint)):
            endpoint = _in_one_hop(endpoint)
        super().__init__(path, endpoint, **kwargs)
        methods = self.methods or set()
        self.reads_only = not writes and bool(methods) and methods <= READING_METHODS


def in_transaction(endpoint: F) -> F:
    """Mark a GET endpoint that needs a transaction, so its request gets a session with one:
    one that may write (the shipped workflow definitions are stored on first use), or that
    streams rows through a server-side cursor, which PostgreSQL opens only inside a
    transaction (the audit's walk over every event). On SQLite the transaction takes no write
    lock (``deps._sessions_for``): a first use that stores the definitions while another
    request writes may be refused with 503 DATABASE_BUSY, and its retry succeeds. Written below
    the route's decorator."""
    setattr(endpoint, _IN_TRANSACTION, True)
    return endpoint


def api_router(**kwargs: Any) -> APIRouter:
    """An ``APIRouter`` whose routes are ``OneHopRoute``s."""
    return APIRouter(route_class=OneHopRoute, **kwargs)


def _in_one_hop(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` as a coroutine with the same signature (FastAPI reads its parameters and
    answer through ``__wrapped__``)."""

    @functools.wraps(function)
    async def endpoint(*args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(_then_commit, function, open_transaction(), args, kwargs)

    return endpoint


def _then_commit(
    function: Callable[..., Any],
    transaction: OpenTransaction | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Run the endpoint, then commit; if it raises, roll back. Either way in this thread: a
    request holding a row lock releases it without waiting for another thread, which may all be
    taken by requests waiting for that lock (tests/cases/test_concurrency.py)."""
    try:
        result = function(*args, **kwargs)
    except BaseException:
        if transaction is not None:
            transaction.end(False)
        raise
    if transaction is not None:
        transaction.end(True)
    return result
