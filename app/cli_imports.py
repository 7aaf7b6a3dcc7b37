"""``styrkedja import FILE``: a diarium's NDJSON or CSV export into the configured database,
through the same import as ``POST /api/v1/imports`` (a savepoint a row, a commit a batch),
with a progress bar over the file and a summary of the results.

It runs as a registrar named by ``--as``: someone who may bring cases in anyway (the API lets
a registrar import too), and a person whom the trail names on every case it registers or
changes. Whoever can run the command can reach the database directly, so it is no barrier;
what it keeps is that the import follows the same rules, and says who did it."""

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import Engine, select

from app.auth.principal import Principal
from app.auth.service import person_principal
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.errors import StyrkedjaError
from app.integrations.inbound.models import ImportJob, ImportRow
from app.integrations.inbound.schemas import SYSTEM_PATTERN
from app.integrations.inbound.service.runner import run_import
from app.integrations.inbound.vocabulary import ImportFormat, Outcome
from app.kit.clock import today
from app.organisation import repository as org_repo

console = Console()
EXTENSIONS = {
    ".ndjson": ImportFormat.ndjson,
    ".jsonl": ImportFormat.ndjson,
    ".csv": ImportFormat.csv,
}
ERRORS_SHOWN = 20


def import_file(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="NDJSON or CSV")
    ],
    as_user: Annotated[
        str, typer.Option("--as", help="Username of the registrar the import runs as")
    ],
    form: Annotated[
        ImportFormat | None,
        typer.Option("--format", help="Default: from the extension (.ndjson, .jsonl, .csv)"),
    ] = None,
    system: Annotated[
        str | None, typer.Option(help="The system of rows that name none, e.g. p360")
    ] = None,
) -> None:
    """Import cases from a diarium's file, each row an upsert by (system, external_id). Exit
    status: 0 every row imported, 1 some rows refused (listed), 2 nothing imported."""
    form = form or EXTENSIONS.get(file.suffix.lower())
    if form is None:
        raise typer.BadParameter("give --format ndjson or csv", param_hint="--format")
    if system is not None and not re.fullmatch(SYSTEM_PATTERN, system):
        raise typer.BadParameter("a lower-case slug such as p360", param_hint="--system")
    settings = get_settings()
    engine = make_engine(
        settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
    try:
        job = _run(engine, file, form, system, as_user, settings.import_batch_rows)
        _summary(engine, job)
    finally:
        engine.dispose()
    if job.error_count:
        raise typer.Exit(1)


def _principal(engine: Engine, username: str) -> Principal:
    with session_scope(make_sessionmaker(engine)) as session:
        person = org_repo.person_by_username(session, username)
        if person is None:
            console.print(f"[red]No person with username {username!r}.[/red]")
            raise typer.Exit(2)
        return person_principal(session, person, today())


def _run(
    engine: Engine,
    file: Path,
    form: ImportFormat,
    system: str | None,
    username: str,
    batch_rows: int,
) -> ImportJob:
    principal = _principal(engine, username)
    size = file.stat().st_size
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with file.open("rb") as source, Progress(*columns, console=console) as bar:
        task = bar.add_task("reading", total=size)

        def advance(job: ImportJob) -> None:
            bar.update(
                task,
                completed=min(source.tell(), size),
                description=f"{job.rows_read} rows, {job.error_count} refused",
            )

        try:
            job = run_import(
                make_sessionmaker(engine),
                principal,
                form,
                source,
                system=system,
                source_name=file.name,
                batch_rows=batch_rows,
                progress=advance,
            )
        except StyrkedjaError as exc:
            console.print(f"[red]{exc.code}: {exc.message_en}[/red]")
            raise typer.Exit(2) from exc
        bar.update(task, completed=size)
    return job


def _summary(engine: Engine, job: ImportJob) -> None:
    counts = Table("outcome", "rows", title=f"Import {job.id} ({job.status})", title_justify="left")
    for outcome, count in (
        (Outcome.created, job.created_count),
        (Outcome.updated, job.updated_count),
        (Outcome.unchanged, job.unchanged_count),
        (Outcome.error, job.error_count),
    ):
        counts.add_row(outcome.value, str(count))
    counts.add_row("[bold]total[/bold]", f"[bold]{job.rows_read}[/bold]")
    console.print(counts)
    if not job.error_count:
        return
    with session_scope(make_sessionmaker(engine)) as session:
        refused = session.scalars(
            select(ImportRow)
            .where(ImportRow.import_id == job.id, ImportRow.outcome == Outcome.error.value)
            .order_by(ImportRow.row)
            .limit(ERRORS_SHOWN)
        ).all()
    errors = Table(
        "row", "reference", "code", "message", title="Refused rows", title_justify="left"
    )
    for row in refused:
        reference = f"{row.system or '?'}:{row.external_id}" if row.external_id else ""
        errors.add_row(str(row.row), reference, row.code or "", row.message or "")
    console.print(errors)
    if job.error_count > ERRORS_SHOWN:
        console.print(
            f"… and {job.error_count - ERRORS_SHOWN} more: GET /api/v1/imports/{job.id}/rows"
            "?outcome=error"
        )
