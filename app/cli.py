"""The ``styrkedja`` command: serve, migrate, load the demo, mint development tokens, make API
keys, verify the trail of case events, import a diarium's cases, send webhooks, write the
OpenAPI document."""

import json
import re
import secrets
import signal
import threading
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import SecretStr
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from app import migrations
from app.audit import service as audit
from app.auth.schemas import ApiKeyCreate
from app.auth.scopes import Scope
from app.auth.service import create_api_key
from app.auth.tokens import mint
from app.cli_imports import import_file
from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.demo.loader import DemoCast, demo_cast, is_empty, load_demo
from app.errors import NotFound
from app.idempotency import store as idempotency_store
from app.integrations.webhooks import runner as webhook_runner
from app.kit.clock import utcnow
from app.main import create_app
from app.organisation import repository as org_repo

cli = typer.Typer(
    help="Styrkedja: the chain of governance for a municipality.", no_args_is_help=True
)
db_cli = typer.Typer(help="Database migrations.", no_args_is_help=True)
demo_cli = typer.Typer(help="The demo municipality Exempelkommun.", no_args_is_help=True)
token_cli = typer.Typer(help="Development tokens.", no_args_is_help=True)
apikey_cli = typer.Typer(help="API keys for integrations.", no_args_is_help=True)
audit_cli = typer.Typer(help="The tamper-evident trail of case events.", no_args_is_help=True)
idempotency_cli = typer.Typer(help="Idempotency keys of POST requests.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")
cli.add_typer(demo_cli, name="demo")
cli.add_typer(token_cli, name="token")
cli.add_typer(apikey_cli, name="apikey")
cli.add_typer(audit_cli, name="audit")
cli.add_typer(idempotency_cli, name="idempotency")

console = Console()
DEV_SECRET_FILE = Path("var/dev-jwt-secret")
DEMO_TOKEN_TTL = timedelta(hours=12)
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _engine(settings: Settings) -> Engine:
    return make_engine(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )


def parse_ttl(text: str) -> timedelta:
    """``90s``, ``30m``, ``8h`` or ``7d``."""
    match = re.fullmatch(r"(\d+)([smhd])", text.strip())
    if match is None:
        raise typer.BadParameter("use a number and a unit: 90s, 30m, 8h or 7d")
    amount, unit = int(match[1]), match[2]
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[unit]: amount})


def _with_dev_secret(settings: Settings, *, create: bool = True) -> Settings:
    """In development, with no secret or JWKS configured, use (and keep) a generated secret so
    printed demo tokens survive restarts. Only ``serve --dev`` creates it; ``token create``
    reuses it, so it mints tokens the ``make run`` server accepts."""
    if settings.jwt_secret is not None or settings.jwks_path is not None:
        return settings
    if not DEV_SECRET_FILE.exists():
        if not create:
            return settings
        DEV_SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        DEV_SECRET_FILE.write_text(secrets.token_urlsafe(48))
        DEV_SECRET_FILE.chmod(0o600)
    return settings.model_copy(
        update={"jwt_secret": SecretStr(DEV_SECRET_FILE.read_text().strip())}
    )


def _print_demo_tokens(settings: Settings, cast: DemoCast, base_url: str) -> None:
    """One token per line, unwrapped, so each can be copied whole into the docs' Authorize
    dialog or a curl command."""
    hours = int(DEMO_TOKEN_TTL.total_seconds() // 3600)
    console.print(f"\n[bold]Demo bearer tokens[/bold] (valid {hours} h):")
    first = None
    for label_en, label_sv, username in cast.featured():
        token = mint(settings, username, DEMO_TOKEN_TTL)
        first = first or token
        console.print(f"\n  {label_en} / {label_sv} — [cyan]{username}[/cyan]")
        console.print(token, soft_wrap=True, highlight=False)
    console.print(
        f"\nTry: curl -H 'Authorization: Bearer {first}' {base_url}/api/v1/me",
        soft_wrap=True,
        highlight=False,
    )
    console.print(f"Interactive API docs: [bold]{base_url}/docs[/bold] (Authorize with a token)\n")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes (not with --dev)")] = 1,
    access_log: Annotated[bool, typer.Option(help="Log every request")] = True,
    dev: Annotated[
        bool,
        typer.Option(help="Migrate, load the demo if the database is empty, print demo tokens"),
    ] = False,
    dispatch: Annotated[
        bool, typer.Option(help="Also send webhooks, from a thread of this process")
    ] = False,
    worker_healthcheck_timeout: Annotated[
        int,
        typer.Option(
            min=1,
            help="Seconds a worker may take to answer the supervisor's health check before it "
            "is restarted (with --workers)",
        ),
    ] = 30,
) -> None:
    """Serve the API (interactive docs at /docs).

    With ``--workers`` the supervisor pings each worker; the answer comes from a thread that
    competes with up to ``STYRKEDJA_REQUEST_THREADS`` request threads for the interpreter, and
    under full load it was seen to miss uvicorn's 5 s default, which restarted a busy worker
    and dropped its requests. Hence a longer default."""
    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    if dispatch and workers > 1:
        console.print(
            "[red]--dispatch runs in one process; with --workers, run "
            "`styrkedja dispatch` beside the server instead.[/red]"
        )
        raise typer.Exit(2)
    if dispatch:
        settings = settings.model_copy(update={"webhook_dispatch": True})
    if dev:
        settings = _with_dev_secret(settings)
        engine = _engine(settings)
        migrations.upgrade(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            if is_empty(session):
                load_demo(session)
                console.print("[green]Loaded the demo municipality Exempelkommun.[/green]")
            else:
                console.print(f"Using the existing database {engine.url.render_as_string()}.")
        engine.dispose()
        _print_demo_tokens(settings, demo_cast(), f"http://{host}:{port}")
        uvicorn.run(create_app(settings), host=host, port=port, access_log=access_log)
    elif workers > 1:
        uvicorn.run(
            "app.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=access_log,
            timeout_worker_healthcheck=worker_healthcheck_timeout,
        )
    else:
        uvicorn.run(create_app(settings), host=host, port=port, access_log=access_log)


@cli.command()
def dispatch(
    once: Annotated[
        bool, typer.Option("--once", help="One round (fan out, send what is due), then exit")
    ] = False,
    batch: Annotated[
        int | None,
        typer.Option(
            min=1, max=1000, help="Messages and deliveries per round (default: the settings)"
        ),
    ] = None,
    poll_interval: Annotated[
        float | None,
        typer.Option(
            min=0.01, max=60, help="Seconds to rest after an idle round (default: the settings)"
        ),
    ] = None,
) -> None:
    """Send webhooks from the outbox until stopped (Ctrl-C, SIGTERM). Several may run at once
    on PostgreSQL; on SQLite run one."""
    settings = get_settings()
    engine = _engine(settings)
    try:
        with webhook_runner.new_client(settings) as client:
            dispatcher = webhook_runner.build(
                make_sessionmaker(engine), settings, client, batch=batch
            )
            if once:
                done = dispatcher.run_once()
                console.print(
                    f"Fanned out {done.fanned_out} messages; delivered {done.tally.delivered}, "
                    f"failed {done.tally.failed} (to be retried), dead {done.tally.dead}."
                )
                return
            stop = threading.Event()
            previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in STOP_SIGNALS}
            console.print("Dispatching webhooks; Ctrl-C stops after the round in progress.")
            try:
                dispatcher.run(stop, poll_interval or settings.webhook_poll_interval_seconds)
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
    finally:
        engine.dispose()


@db_cli.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Migrate the database up to REVISION (default: the newest)."""
    engine = _engine(get_settings())
    migrations.upgrade(engine, revision)
    console.print(f"Database at revision {migrations.current_revision(engine)}.")


@db_cli.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument(help="e.g. -1 or base")]) -> None:
    """Migrate the database down to REVISION."""
    engine = _engine(get_settings())
    migrations.downgrade(engine, revision)
    console.print(f"Database at revision {migrations.current_revision(engine)}.")


@db_cli.command("current")
def db_current() -> None:
    """Show the database's revision and the code's."""
    engine = _engine(get_settings())
    console.print(f"database: {migrations.current_revision(engine)}")
    console.print(f"code:     {migrations.head_revision()}")


@idempotency_cli.command("purge")
def idempotency_purge() -> None:
    """Delete the idempotency keys past their expiry (run it daily, e.g. from cron)."""
    engine = _engine(get_settings())
    with session_scope(make_sessionmaker(engine)) as session:
        deleted = idempotency_store.purge(session, utcnow())
    console.print(f"Deleted {deleted} expired idempotency keys.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load Exempelkommun into an empty, migrated database."""
    engine = _engine(get_settings())
    with session_scope(make_sessionmaker(engine)) as session:
        if not is_empty(session):
            console.print("[red]The database already holds an organisation; nothing loaded.[/red]")
            raise typer.Exit(1)
        load_demo(session)
    console.print("[green]Loaded the demo municipality Exempelkommun.[/green]")


@token_cli.command("create")
def token_create(
    username: Annotated[str, typer.Option(help="The person's username (the identity claim)")],
    ttl: Annotated[str, typer.Option(help="Lifetime: 90s, 30m, 8h, 7d")] = "8h",
) -> None:
    """Mint an HS256 token signed with STYRKEDJA_JWT_SECRET, or with the development secret of
    ``make run`` (var/dev-jwt-secret) when none is set."""
    settings = _with_dev_secret(get_settings(), create=False)
    if settings.jwt_secret is None:
        console.print("[red]Set STYRKEDJA_JWT_SECRET, or start `make run` once.[/red]")
        raise typer.Exit(1)
    typer.echo(mint(settings, username, parse_ttl(ttl)))


@apikey_cli.command("create")
def apikey_create(
    name: Annotated[str, typer.Option(help="What the key is for")],
    scope: Annotated[list[Scope], typer.Option(help="Repeat for several scopes")],
    person: Annotated[str | None, typer.Option(help="Username of the owning person")] = None,
    expires_in: Annotated[
        str | None, typer.Option(help="Lifetime: 90s, 30m, 8h, 7d; default no expiry")
    ] = None,
    automated_function: Annotated[
        str | None,
        typer.Option(help="The automated decision function the key is (KL 6:37), if any"),
    ] = None,
) -> None:
    """Create an API key and print it once; only its hash is stored."""
    engine = _engine(get_settings())
    with session_scope(make_sessionmaker(engine)) as session:
        person_id = None
        if person is not None:
            owner = org_repo.person_by_username(session, person)
            if owner is None:
                console.print(f"[red]No person with username {person!r}.[/red]")
                raise typer.Exit(1)
            person_id = owner.id
        expires_at = utcnow() + parse_ttl(expires_in) if expires_in else None
        key, plain = create_api_key(
            session,
            ApiKeyCreate(
                name=name,
                scopes=scope,
                person_id=person_id,
                expires_at=expires_at,
                automated_function=automated_function,
            ),
        )
        key_id = key.id
    console.print(f"API key {key_id} created. It is shown this once; store it now:")
    typer.echo(plain)


@audit_cli.command("verify")
def audit_verify(
    case: Annotated[int | None, typer.Option(help="One case's id; default every case")] = None,
) -> None:
    """Check the hash chains of case histories; exit 1 if a link is broken (2: no such case)."""
    engine = _engine(get_settings())
    try:
        # no write lock on SQLite: a server beside it goes on writing while it reads
        with session_scope(make_sessionmaker(engine, writes=False)) as session:
            report = audit.verify(session, case)
    except NotFound as exc:
        console.print(f"[red]{exc.message_en}[/red]")
        raise typer.Exit(2) from exc
    finally:
        engine.dispose()
    summary = f"cases checked: {report.cases_checked}, events checked: {report.events_checked}"
    if report.ok:
        console.print(f"[green]Every chain holds[/green] ({summary}).")
        return
    table = Table("case", "seq", "problem")
    for link in report.broken:
        table.add_row(str(link.case_id), str(link.seq), link.problem.value)
    console.print("The first broken link of each broken case:", table)
    console.print(f"[red]Broken chains: {len(report.broken)}[/red] ({summary}).")
    raise typer.Exit(1)


cli.command("import")(import_file)


@cli.command("openapi")
def openapi(
    output: Annotated[Path | None, typer.Option(help="File to write; default stdout")] = None,
) -> None:
    """Write the OpenAPI document of this version of the API."""
    document = json.dumps(create_app(Settings()).openapi(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document)
        console.print(f"Wrote {output}.")


def main() -> None:
    cli()
