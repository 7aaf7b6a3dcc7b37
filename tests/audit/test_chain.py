"""The hash chain, pure: what is sealed and how, and where a history breaks."""

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.audit.chain import (
    GENESIS,
    SEALED,
    Break,
    Fault,
    Head,
    canonical,
    content_of,
    first_break,
    json_copy,
    seal,
)
from tests.audit.builders import Event, history

MOMENT = datetime(2026, 11, 28, 9, 15, 2, 450, tzinfo=UTC)
CONTENT = {
    "case_id": 7,
    "seq": 1,
    "kind": "registered",
    "trigger": None,
    "from_state": None,
    "to_state": "proposed",
    "payload": {"title": "Paviljong vid Norrskolan", "cost": 2_400_000, "flags": []},
    "authority": {},
    "actor_person_id": 3,
    "actor_api_key_id": None,
    "created_at": MOMENT,
}
CHANGED = {
    "case_id": 8,
    "seq": 2,
    "kind": "transitioned",
    "trigger": "triage",
    "from_state": "assessment",
    "to_state": "withdrawn",
    "payload": {"title": "Paviljong vid Södra skolan", "cost": 2_400_000, "flags": []},
    "authority": {"kind": "operational"},
    "actor_person_id": 4,
    "actor_api_key_id": 1,
    "created_at": MOMENT + timedelta(microseconds=1),
}


def test_genesis_is_64_zeros():
    assert GENESIS == "0" * 64


def test_canonical_form():
    assert canonical(CONTENT) == (
        '{"actor_api_key_id":null,"actor_person_id":3,"authority":{},'
        '"case_id":7,"created_at":"2026-11-28T09:15:02.000450+00:00","from_state":null,'
        '"kind":"registered","payload":{"cost":2400000,"flags":[],'
        '"title":"Paviljong vid Norrskolan"},"seq":1,"to_state":"proposed","trigger":null}'
    )


def test_a_first_event_chains_from_genesis():
    expected = hashlib.sha256((GENESIS + canonical(CONTENT)).encode("utf-8")).hexdigest()
    assert seal(GENESIS, CONTENT) == expected
    assert len(expected) == 64


def test_characters_are_sealed_as_they_are():
    content = CONTENT | {"payload": {"problem": "Trångboddhet i årskurs 4–6"}}
    assert '"Trångboddhet i årskurs 4–6"' in canonical(content)


def test_the_same_event_gives_the_same_hash():
    reordered_keys = dict(reversed(CONTENT.items())) | {
        "payload": dict(reversed(CONTENT["payload"].items()))
    }
    assert seal(GENESIS, CONTENT) == seal(GENESIS, dict(CONTENT))
    assert seal(GENESIS, CONTENT) == seal(GENESIS, reordered_keys)


def test_the_same_moment_in_another_zone_gives_the_same_hash():
    stockholm = MOMENT.astimezone(timezone(timedelta(hours=1)))
    assert seal(GENESIS, CONTENT | {"created_at": stockholm}) == seal(GENESIS, CONTENT)


def test_a_naive_timestamp_is_refused():
    with pytest.raises(ValueError, match="naive"):
        canonical(CONTENT | {"created_at": datetime(2026, 11, 28, 9, 15)})


@pytest.mark.parametrize("field", SEALED)
def test_any_field_changed_changes_the_hash(field):
    assert seal(GENESIS, CONTENT | {field: CHANGED[field]}) != seal(GENESIS, CONTENT)


def test_another_predecessor_changes_the_hash():
    assert seal("1" * 64, CONTENT) != seal(GENESIS, CONTENT)


def test_only_the_sealed_fields_count():
    assert seal(GENESIS, CONTENT | {"id": 99, "hash": "x"}) == seal(GENESIS, CONTENT)
    assert set(CONTENT) == set(SEALED)


def test_content_of_reads_attributes():
    assert content_of(Event(prev_hash=GENESIS, hash="", **CONTENT)) == CONTENT


def test_json_copy_is_what_a_json_column_gives_back():
    original = {"levels": ("simplified",), "nested": {"a": [1]}}
    copied = json_copy(original)
    original["nested"]["a"].append(2)
    assert copied == {"levels": ["simplified"], "nested": {"a": [1]}}


# Histories: (events as stored, the case's head) -> the first break


def test_an_intact_history_holds():
    events, head = history(4)
    assert first_break(events, head) == (None, 4)


def test_a_case_without_events_holds():
    assert first_break([], Head(seq=0, hash=GENESIS)) == (None, 0)


def test_a_modified_event_is_named():
    events, head = history(4)
    events[1] = replace(events[1], payload={"tampered": True})
    assert first_break(events, head) == (Break(2, Fault.modified), 2)


def test_a_deleted_event_is_the_gap():
    events, head = history(4)
    del events[1]
    assert first_break(events, head) == (Break(2, Fault.deleted), 2)


def test_a_deleted_first_event_is_the_gap():
    events, head = history(3)
    assert first_break(events[1:], head) == (Break(1, Fault.deleted), 1)


def test_deleted_newest_events_are_counted_by_the_head():
    events, head = history(4)
    assert first_break(events[:2], head) == (Break(3, Fault.deleted), 2)


def test_swapped_rows_are_reordered_at_the_first():
    events, head = history(4)
    second, third = events[1], events[2]
    events[1] = replace(third, seq=2)
    events[2] = replace(second, seq=3)
    assert first_break(events, head) == (Break(2, Fault.reordered), 2)


def test_swapped_contents_under_their_hashes_are_modified():
    events, head = history(4)
    second, third = events[1], events[2]
    events[1] = replace(third, seq=2, prev_hash=second.prev_hash, hash=second.hash)
    events[2] = replace(second, seq=3, prev_hash=third.prev_hash, hash=third.hash)
    assert first_break(events, head) == (Break(2, Fault.modified), 2)


def test_a_resealed_event_breaks_the_next_link():
    events, head = history(4)
    forged = replace(events[1], payload={"tampered": True})
    events[1] = replace(forged, hash=seal(forged.prev_hash, content_of(forged)))
    assert first_break(events, head) == (Break(3, Fault.reordered), 3)


def test_a_resealed_newest_event_disagrees_with_the_head():
    events, head = history(3)
    forged = replace(events[2], payload={"tampered": True})
    events[2] = replace(forged, hash=seal(forged.prev_hash, content_of(forged)))
    assert first_break(events, head) == (Break(3, Fault.modified), 3)


def test_events_beyond_the_head_are_modified():
    events, _ = history(3)
    assert first_break(events, Head(seq=2, hash=events[1].hash)) == (
        Break(3, Fault.modified),
        3,
    )
