"""New cases of an import's batch, registered a run at a time: the rows are checked in Python as
a registration checks them (``records.register``, ``upsert``), and a run of them is written with
a handful of statements — the diary numbers taken from each organ's series in one update, ids
for the cases and their events, then one executemany each of cases, ``registered`` events
sealed into their chains, outbox rows and references — instead of a dozen round trips a row.

The run is written in a savepoint of its own. When the database refuses any of it (a diary
number another organ's format already gave, a reference another import claimed meanwhile, a
deadlock), the savepoint takes it all back, the numbers too, and the runner does the run again
row by row (``upsert.upsert``), where the failing row gets its error and the rest their cases:
correctness never rests on this path. What it does not do itself it leaves to that path: a
known reference, a given diary number, a case brought in past its initial state. A concurrent
import claiming one of the run's references waits for this transaction, or makes the run fail
and go row by row.

Each case is written as ``records.new_case`` and ``records.append_event`` write a registration:
the same columns, the same event payload and seal, one outbox row for the event. The ids are
taken before the rows are written (``repository.next_ids``), so each event is sealed, and its
case written with the head of its chain, in the one insert (``append_event`` sets a first
event's head without making it a change of the case either). The tests in
``tests/integrations/test_import_batches.py`` hold the two paths to the same rows.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit.chain import GENESIS, seal
from app.auth.principal import Principal
from app.cases.list_query import sort_key
from app.cases.permissions import require_write
from app.cases.schemas import CaseCreate
from app.cases.service import registry
from app.cases.service.deadlines import due_at
from app.cases.service.definitions import engine_of
from app.cases.service.lookups import Lookups
from app.cases.service.records import WORKFLOW
from app.cases.vocabulary import EventKind, Origin
from app.integrations.inbound import errors
from app.integrations.inbound import repository as repo
from app.integrations.inbound.permissions import require_confidential_sight
from app.integrations.inbound.schemas import ImportedRow
from app.integrations.inbound.service.upsert import PLACEMENT
from app.integrations.inbound.vocabulary import Outcome
from app.integrations.webhooks.vocabulary import KIND_TYPES
from app.kit.clock import today, utcnow
from app.organisation.diary_format import DiaryFormat
from app.organisation.models import Organ
from app.workflows.definition import Definition

REGISTERED = EventKind.registered.value
REGISTERED_FIELDS = set(CaseCreate.model_fields)
"""What a ``registered`` event records of the row: the registration's fields, dumped as
``records.new_case`` dumps them (``upsert.registration_of``; the row's model has the same
fields, and a dump of them is already plain JSON, so it is not copied again)."""
ANNOUNCED = KIND_TYPES[REGISTERED].value


@dataclass
class Fresh:
    """A row that registers a new case, checked, waiting for its run to be written. ``result``
    is its row result, completed when the run is written."""

    system: str
    data: ImportedRow
    result: dict[str, Any]
    organ: Organ
    definition: Definition
    case: dict[str, Any]
    payload: dict[str, Any]


def prepare(
    principal: Principal,
    system: str,
    data: ImportedRow,
    result: dict[str, Any],
    lookups: Lookups,
) -> Fresh | None:
    """The row's case as a run writes it, after the checks of a registration in their order
    (a refusal raises the error the row path would); None for a row the row path takes: an
    origin no registration takes, a given diary number, a state past the initial one."""
    if data.diary_number is not None or data.origin == Origin.follow_up:
        return None
    if data.confidential:
        require_confidential_sight(principal)
    require_write(principal)
    organ = lookups.organ(data.organ)
    unit = lookups.unit(data.unit) if data.unit else None
    workflow = lookups.workflow(WORKFLOW)
    carried = registry.marking(data.confidential, data.secrecy, None)
    officer = lookups.case_officer(data.case_officer_id) if data.case_officer_id else None
    definition = engine_of(workflow).definition
    if data.state is not None and data.state != definition.initial:
        return None
    given = [name for name in PLACEMENT if getattr(data, name) is not None]
    if given:
        raise errors.fields_without_state(given)
    case = {
        "title": data.title,
        "problem": data.problem,
        "description": data.description,
        "organ_id": organ.id,
        "unit_id": unit.id if unit else None,
        "matter_type": data.matter_type,
        "origin": data.origin.value,
        "origin_case_id": None,
        "estimated_cost_sek": data.estimated_cost_sek,
        "flags": sorted({flag.value for flag in data.flags}),
        "appeal_route": data.appeal_route.value,
        "confidential": data.confidential,
        "secrecy_provision": carried.provision if carried else None,
        "secrecy_marked_on": carried.marked_on if carried else None,
        "secrecy_marked_by": carried.marked_by if carried else None,
        "case_officer_person_id": officer,
        "workflow_id": workflow.id,
        "state": definition.initial,
        "last_event_seq": 1,
        "version": 1,
        "registered_by_person_id": principal.person_id,
        "registered_by_api_key_id": principal.api_key_id,
    }
    source = {"system": system, "external_id": data.external_id, "import_id": result["import_id"]}
    payload = data.model_dump(mode="json", include=REGISTERED_FIELDS) | {
        "origin_case_id": None,
        "diary_number": None,  # the run's
        "diary_number_imported": False,
        "source": source,
    }
    return Fresh(system, data, result, organ, definition, case, payload)


def write(session: Session, principal: Principal, run: list[Fresh]) -> None:
    """Write the run's cases (in the caller's savepoint) and complete their rows' results."""
    now = utcnow()
    numbers = _numbers(session, run)
    case_ids = repo.next_ids(session, repo.CASES, len(run))
    event_ids = repo.next_ids(session, repo.EVENTS, len(run))
    cases, events, outbox, references = [], [], [], []
    deadlines: dict[tuple[int, str], datetime | None] = {}
    for fresh, number, case_id, event_id in zip(run, numbers, case_ids, event_ids, strict=True):
        case = fresh.case
        event = {
            "id": event_id,
            "case_id": case_id,
            "seq": 1,
            "kind": REGISTERED,
            "trigger": None,
            "from_state": None,
            "to_state": case["state"],
            "payload": fresh.payload | {"diary_number": number},
            "authority": {},
            "actor_person_id": principal.person_id,
            "actor_api_key_id": principal.api_key_id,
            "created_at": now,
            "prev_hash": GENESIS,
        }
        event["hash"] = seal(GENESIS, event)
        events.append(event)
        due = (id(fresh.definition), case["origin"])
        if due not in deadlines:
            deadlines[due] = due_at(
                fresh.definition,
                state=case["state"],
                origin=case["origin"],
                entered_at=now,
                registered_at=now,
            )
        cases.append(
            case
            | {
                "id": case_id,
                "diary_number": number,
                "diary_sort_key": sort_key(number),
                "due_at": deadlines[due],
                "last_event_hash": event["hash"],
                "created_at": now,
                "updated_at": now,
            }
        )
        outbox.append(
            {
                "event_type": ANNOUNCED,
                "case_id": case_id,
                "event_id": event_id,
                "organ_id": case["organ_id"],
                "confidential": case["confidential"],
                "created_at": now,
            }
        )
        references.append(
            {
                "system": fresh.system,
                "external_id": fresh.data.external_id,
                "case_id": case_id,
                "import_id": fresh.result["import_id"],
                "created_at": now,
                "created_by_person_id": principal.person_id,
                "created_by_api_key_id": principal.api_key_id,
            }
        )
    repo.insert_all(session, repo.CASES, cases)
    repo.insert_all(session, repo.EVENTS, events)
    repo.insert_all(session, repo.OUTBOX, outbox)
    repo.insert_all(session, repo.REFERENCES, references)
    for fresh, case_id in zip(run, case_ids, strict=True):
        fresh.result |= {"outcome": Outcome.created.value, "case_id": case_id}


def _numbers(session: Session, run: list[Fresh]) -> list[str]:
    """The run's diary numbers, in row order within each organ's series: one update of each
    series a run, in organ id order."""
    year = today().year
    by_organ: dict[int, list[int]] = defaultdict(list)
    for index, fresh in enumerate(run):
        by_organ[fresh.organ.id].append(index)
    numbers = [""] * len(run)
    for organ_id in sorted(by_organ):
        indexes = by_organ[organ_id]
        last = repo.take_numbers(session, organ_id, year, len(indexes))
        organ = run[indexes[0]].organ
        form = DiaryFormat.of(organ.diary_format, organ.code)
        for seq, index in enumerate(indexes, start=last - len(indexes) + 1):
            numbers[index] = form.render(year, seq)
    return numbers
