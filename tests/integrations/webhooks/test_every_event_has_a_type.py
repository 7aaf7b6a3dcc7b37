"""Every kind of case event is announced under a webhook type: a kind without one would fail
the transaction that writes it (the outbox row names its type)."""

from app.cases.vocabulary import EventKind
from app.integrations.webhooks.vocabulary import KIND_TYPES, LABELS_SV


def test_every_event_kind_has_a_webhook_type_with_a_swedish_label():
    assert set(KIND_TYPES) == {kind.value for kind in EventKind}
    assert all(event_type in LABELS_SV for event_type in KIND_TYPES.values())
