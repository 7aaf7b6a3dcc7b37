"""Request-scoped dependencies: the unit of work, the caller, the admin gate, the list window."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar

from anyio import CapacityLimiter, to_thread
from fastapi import Depends, Path, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from app.auth.principal import Principal
from app.auth.service import authenticate
from app.errors import BadRequest, Forbidden, Unauthenticated
from app.kit.pagination import MAX_ID, MAX_LIMIT, InvalidCursor, Slice, Window, decode_cursor

T = TypeVar("T")
R = TypeVar("R")

IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class OpenTransaction:
    """The request's session while its transaction is open, for whoever ends it first: the
    endpoint's thread (``routing.OneHopRoute``) or ``get_session`` (otherwise)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ended = False

    def end(self, commit: bool) -> None:
        """Commit (or roll back) and close; a failed commit is rolled back and raised."""
        self.ended = True
        end_session(self.session, commit)


class OwnedTransaction(OpenTransaction):
    """A transaction the idempotency middleware owns: it commits once the answer is known and
    stored, in one of the ``ENDING_THREADS``. The endpoint's thread flushes what the endpoint
    left pending, since a flush may wait for row locks, and the ending threads never must."""

    def end(self, commit: bool) -> None:
        if commit:
            self.session.flush()


_OPEN: ContextVar[OpenTransaction | None] = ContextVar("styrkedja_open_transaction", default=None)


def open_transaction() -> OpenTransaction | None:
    """The transaction ``get_session`` opened for this request, if it did and it is open."""
    transaction = _OPEN.get()
    return transaction if transaction is not None and not transaction.ended else None


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One request, one transaction: commit when the route returns, roll back when it raises.

    Used with ``scope="function"`` so the commit happens before the response is sent: a client
    never sees a success for a write that did not commit. A route's thread commits as soon as
    its endpoint returns, or rolls back as soon as it raises (``routing.OneHopRoute``); what is
    left to end here (an endpoint of another kind, a failure before it ran) is ended in one of
    the ``ENDING_THREADS``. A request that only reads (a GET;
    ``routing.OneHopRoute.reads_only``) gets a session that can only read, outside a
    transaction (``db.make_reading_sessionmaker``; see ``_sessions_for``).

    Async, because making a session does no I/O (a connection is taken at its first statement,
    in the route's thread): ending it is the only hop it may cost (bench/transitions_http.py).
    """
    owned = getattr(request.state, "session", None)  # the idempotency middleware's
    if owned is not None:
        _OPEN.set(OwnedTransaction(owned))
        yield owned  # it commits or rolls back once the answer is known
        return
    transaction = OpenTransaction(_sessions_for(request)())
    _OPEN.set(transaction)
    returned = False
    try:
        yield transaction.session
        returned = True
    finally:
        if not transaction.ended:
            await in_ending_thread(request.app, transaction.end, returned)


ENDING_THREADS = 8
"""Threads of their own for ending transactions outside an endpoint's thread (the idempotency
middleware's, and ``get_session``'s leftovers), apart from the threads requests run in.

A transaction that took a row lock keeps it until it ends. If it needed one of the request
threads to end in, and every one of them held a request waiting for that lock, nothing would
move until the lock wait timed out (tests/cases/test_concurrency.py). What runs here never
waits for another request (the endpoint's thread has flushed: ``OwnedTransaction``; the
idempotency record is the request's own row), so a few threads are always free soon enough."""


CLAIMING_THREADS = 8
"""Threads of their own for the idempotency middleware's claims, the first statement of a keyed
request. A claim may wait for a connection; if it waited in a request thread, the requests
holding the connections could find no thread to go on in, and the pool would give up (503;
tests/cases/test_concurrency.py)."""


def ending_limiter() -> CapacityLimiter:
    """For the app's lifespan (a limiter belongs to its event loop)."""
    return CapacityLimiter(ENDING_THREADS)


def claiming_limiter() -> CapacityLimiter:
    return CapacityLimiter(CLAIMING_THREADS)


async def in_ending_thread(app: Any, function: Callable[..., R], *args: Any) -> R:
    """``function(*args)`` in one of the ``ENDING_THREADS``."""
    return await to_thread.run_sync(function, *args, limiter=app.state.ending_limiter)


async def in_claiming_thread(app: Any, function: Callable[..., R], *args: Any) -> R:
    """``function(*args)`` in one of the ``CLAIMING_THREADS``."""
    return await to_thread.run_sync(function, *args, limiter=app.state.claiming_limiter)


def _sessions_for(request: Request) -> sessionmaker[Session]:
    """A GET's session only reads: outside a transaction (PostgreSQL), or, for a GET that
    needs one (``routing.in_transaction``), in a transaction that takes no SQLite write lock, so
    that a long read (the audit's walk, a diagram's rendering) never stops writers. Any other
    request's session may write."""
    state = request.app.state
    if reads_only(request):
        return state.reading_sessionmaker  # type: ignore[no-any-return]
    if request.method in ("GET", "HEAD"):
        return state.snapshot_sessionmaker  # type: ignore[no-any-return]
    return state.sessionmaker  # type: ignore[no-any-return]


def reads_only(request: Request) -> bool:
    """Whether the request's route only reads (``routing.OneHopRoute.reads_only``)."""
    return bool(getattr(request.scope.get("route"), "reads_only", False))


def end_session(session: Session, commit: bool) -> None:
    """Commit (or roll back) and close: one thread hop ends a request's session."""
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]

bearer = HTTPBearer(
    auto_error=False,
    description="A JWT from the identity provider, or an API key (stk_…)",
)


SigninSessions = Callable[[], AbstractContextManager[Session]]


async def get_signin_sessions(request: Request) -> SigninSessions:
    """Where sign-in reads: a session of its own that only reads (outside a transaction on
    PostgreSQL), closed as soon as the caller is known.

    So a request holds no connection between sign-in and its endpoint, which run in two thread
    hops. When it did, a burst of requests waiting for a thread held every connection, while
    the requests in the threads waited in sign-in for one, until the pool gave up (503
    ``DATABASE_BUSY``; tests/cases/test_concurrency.py). It costs a checkout more per request
    and no round trip: the request's own transaction begins at its first statement after.
    A request under an Idempotency-Key signs in on the session the middleware holds for it
    already (a second connection at once could run the pool dry just the same)."""
    owned = getattr(request.state, "session", None)
    if owned is not None:
        return lambda: nullcontext(owned)
    factory: SigninSessions = request.app.state.reading_sessionmaker
    return factory


def get_principal(
    request: Request,
    sessions: Annotated[SigninSessions, Depends(get_signin_sessions)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthenticated(
            "Send a bearer token: 'Authorization: Bearer <token>'.",
            "Skicka en bearer-token: 'Authorization: Bearer <token>'.",
            code="MISSING_CREDENTIALS",
        )
    with sessions() as session:
        return authenticate(session, request.app.state.verifier, credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def require_admin(principal: PrincipalDep) -> Principal:
    """Pure (no I/O), so async: it runs on the event loop instead of costing a thread hop."""
    if not principal.is_admin:
        raise Forbidden(
            "Administration needs a registrar position or an API key with the 'admin' scope.",
            "Administration kräver en anställning som registrator eller en API-nyckel med "
            "behörigheten 'admin'.",
            code="ADMIN_REQUIRED",
        )
    return principal


AdminDep = Annotated[Principal, Depends(require_admin)]


async def get_window(
    request: Request,
    cursor: Annotated[str | None, Query(description="Opaque cursor from a page's 'next'")] = None,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description="Page size")] = None,
) -> Window:
    try:
        after = decode_cursor(cursor) if cursor is not None else None
    except InvalidCursor as exc:
        raise BadRequest(
            "The cursor is not one this service gave out.",
            "Markören (cursor) kommer inte från denna tjänst.",
            code="INVALID_CURSOR",
        ) from exc
    return Window(after=after, limit=limit or request.app.state.settings.default_page_size)


WindowDep = Annotated[Window, Depends(get_window)]


def page(request: Request, rows: Slice[T], convert: Callable[[T], R]) -> dict[str, Any]:
    """A list response: the converted items and the URL of the next page."""
    next_url = (
        str(request.url.include_query_params(cursor=rows.next_cursor))
        if rows.next_cursor is not None
        else None
    )
    return {"items": [convert(row) for row in rows.items], "next": next_url}


def located(request: Request, response: Response, route: str, **path: Any) -> None:
    """Point a 201's ``Location`` at the new resource."""
    response.headers["Location"] = str(request.url_for(route, **path))
