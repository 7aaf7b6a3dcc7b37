"""Published workflow definitions: the shipped ones appear on first use, new versions are
validated before they are stored, and a published version never changes."""

from contextlib import suppress
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.auth.principal import Principal
from app.cases import repository as repo
from app.cases.models import WorkflowDefinition
from app.errors import Conflict, InvalidInput, NotFound
from app.workflows.definition import Definition, builtin, parse
from app.workflows.engine import Engine
from app.workflows.errors import DefinitionInvalid
from app.workflows.registry import engine_by_checksum
from app.workflows.validation import validate

SHIPPED = {"measure": 2}
"""The newest version of each definition that comes with the code. Versions 1 up to it are
stored when first needed, each exactly as shipped, so a version number means the same document
in every database: measure v1 (no time limits) stays what it was when it was first stored, and
v2 (v1 with deadlines) joins it. Cases stay pinned to the version they were registered under."""


def engine_of(row: WorkflowDefinition) -> Engine:
    """The row's engine; its document (deferred where cases are read) is loaded only when this
    process has not built the version yet."""
    return engine_by_checksum(row.checksum, lambda: row.body)


def _store(session: Session, definition: Definition, person_id: int | None) -> WorkflowDefinition:
    row = WorkflowDefinition(
        key=definition.key,
        version=definition.version,
        body=definition.body(),
        checksum=definition.checksum(),
        created_by_person_id=person_id,
    )
    with session.begin_nested():
        session.add(row)
    return row


def _seed(session: Session, key: str) -> None:
    """Store the shipped versions not yet stored. A version someone published under the same
    number first stands (it was published when the shipped one was not there yet); the newer
    shipped document is then not forced on that database."""
    if key not in SHIPPED or repo.definition(session, key, SHIPPED[key]) is not None:
        return
    for version in range(1, SHIPPED[key] + 1):
        if repo.definition(session, key, version) is None:
            with suppress(IntegrityError):  # another request stored it first: the same document
                _store(session, builtin(key, version), None)


def _not_found(key: str, version: int | None = None) -> NotFound:
    what = f"{key} version {version}" if version is not None else key
    return NotFound(
        f"No published workflow {what}.",
        f"Inget publicerat arbetsflöde {what}.",
        code="WORKFLOW_NOT_FOUND",
    )


def current(session: Session, key: str) -> WorkflowDefinition:
    """The newest version: what new cases are pinned to. Read without its document, which
    ``engine_of`` loads only when this process has not built the version yet; and in one
    statement once the shipped versions are stored (versions are numbered 1, 2, … without a
    gap, so a newest version at or above the shipped one means they all are)."""
    row = repo.latest_definition(session, key, document=False)
    if row is None or row.version < SHIPPED.get(key, 0):
        _seed(session, key)
        row = repo.latest_definition(session, key, document=False)
    if row is None:
        raise _not_found(key)
    return row


def get(session: Session, key: str, version: int) -> WorkflowDefinition:
    _seed(session, key)
    row = repo.definition(session, key, version)
    if row is None:
        raise _not_found(key, version)
    return row


def all_versions(session: Session) -> list[WorkflowDefinition]:
    for key in SHIPPED:
        _seed(session, key)
    return repo.definitions(session)


def publish(
    session: Session, principal: Principal, key: str, document: dict[str, Any]
) -> WorkflowDefinition:
    """Store the next version of ``key``. Open cases stay on the version they started with."""
    try:
        definition = validate(parse(document))
    except DefinitionInvalid as exc:
        raise InvalidInput(
            "The definition cannot be published; see 'problems'.",
            "Definitionen kan inte publiceras; se 'problems'.",
            code="DEFINITION_INVALID",
            problems=[{"code": p.code, "message": p.message_en} for p in exc.problems],
        ) from exc
    if definition.key != key:
        raise InvalidInput(
            f"The document is for '{definition.key}', not '{key}'.",
            f"Dokumentet gäller '{definition.key}', inte '{key}'.",
            code="DEFINITION_KEY_MISMATCH",
            field="key",
        )
    _seed(session, key)
    latest = repo.latest_definition(session, key)
    expected = latest.version + 1 if latest else 1
    if definition.version != expected:
        raise Conflict(
            f"The next version of {key} is {expected}, not {definition.version}.",
            f"Nästa version av {key} är {expected}, inte {definition.version}.",
            code="VERSION_CONFLICT",
            expected_version=expected,
        )
    try:
        return _store(session, definition, principal.person_id)
    except IntegrityError as exc:
        raise Conflict(
            f"Version {definition.version} of {key} was just published by someone else.",
            f"Version {definition.version} av {key} publicerades nyss av någon annan.",
            code="VERSION_CONFLICT",
            expected_version=definition.version + 1,
        ) from exc
