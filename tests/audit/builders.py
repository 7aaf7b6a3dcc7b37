"""Builders of the audit tests: histories in memory, as verification reads rows; stored ones,
written through the services; and tampering with them as someone with rights on the database
could."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.audit.chain import GENESIS, Head, content_of, seal
from app.auth.principal import Principal
from app.cases.schemas import CaseCreate
from app.cases.service import records, transitions
from tests.builders import make_organ, make_person

START = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Event:
    case_id: int
    seq: int
    kind: str
    trigger: str | None
    from_state: str | None
    to_state: str | None
    payload: dict[str, Any]
    authority: dict[str, Any]
    actor_person_id: int | None
    actor_api_key_id: int | None
    created_at: datetime
    prev_hash: str
    hash: str


def history(length: int, case_id: int = 1) -> tuple[list[Event], Head]:
    """A sealed history of ``length`` events and the head its case records."""
    events: list[Event] = []
    prev = GENESIS
    for seq in range(1, length + 1):
        unsealed = Event(
            case_id=case_id,
            seq=seq,
            kind="transitioned",
            trigger=f"step_{seq}",
            from_state=f"s{seq - 1}",
            to_state=f"s{seq}",
            payload={"n": seq},
            authority={"kind": "operational"},
            actor_person_id=seq,
            actor_api_key_id=None,
            created_at=START + timedelta(minutes=seq),
            prev_hash=prev,
            hash="",
        )
        prev = seal(prev, content_of(unsealed))
        events.append(replace(unsealed, hash=prev))
    return events, Head(seq=length, hash=prev)


def unguard(connection: Connection) -> None:
    """Switch PostgreSQL's append-only trigger off for the connection's transaction, as the
    table's owner could; SQLite has no guard but verification."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE case_events DISABLE TRIGGER case_events_append_only"))


def stored_histories(session: Session) -> list[int]:
    """Three cases of a new committee, registered by one person, who withdraws two of them:
    five events in all. The ids, in order."""
    organ = make_organ(session).code
    person = make_person(session)
    actor = Principal(person_id=person.id, username=person.username, person_kind=person.kind)
    case_ids = []
    for title in ("Paviljong vid Norrskolan", "Skolskjuts i Östra", "Läxhjälp på biblioteket"):
        data = CaseCreate(title=title, problem="Trångboddhet i årskurs 4–6", organ=organ)
        case_ids.append(records.register(session, actor, data).id)
    for case_id in case_ids[1:]:
        transitions.fire(session, actor, case_id, "withdraw", {"reason": "Ändrade förutsättningar"})
    return case_ids
