"""The webhook event types a subscription chooses from, and what a delivery's status can be.

Types are ``<subject>.<what happened>``: stable names that receivers switch on, one per kind
of case event (``app.cases.vocabulary.EventKind``), and one for the report of a delegated
decision to its organ, which is recorded beside the case's history rather than in it.
"""

from enum import StrEnum


class EventType(StrEnum):
    case_registered = "case.registered"
    case_transitioned = "case.transitioned"
    case_updated = "case.updated"
    case_recusal = "case.recusal"
    case_imported = "case.imported"
    assessment_revised = "assessment.revised"
    document_registered = "document.registered"
    decision_reported = "decision.reported"


KIND_TYPES: dict[str, EventType] = {
    "registered": EventType.case_registered,
    "transitioned": EventType.case_transitioned,
    "updated": EventType.case_updated,
    "recusal": EventType.case_recusal,
    "imported": EventType.case_imported,  # the diarium import's event (#6 inbound)
    "assessment_revised": EventType.assessment_revised,
    "document_registered": EventType.document_registered,
}
"""The type announced for each kind of case event, by the kind's stored name."""


class DeliveryStatus(StrEnum):
    """A case's messages to one subscription form a queue: only its head is ``pending`` (sent
    when due); the messages behind it are ``queued`` until it is delivered or dead."""

    queued = "queued"  # behind an earlier message of the same case
    pending = "pending"  # waiting for its (next) attempt
    delivered = "delivered"  # the receiver answered 2xx
    dead = "dead"  # every attempt failed; redelivered only on request


LABELS_SV: dict[StrEnum, str] = {
    EventType.case_registered: "ärende registrerat",
    EventType.case_transitioned: "ärende har gått vidare i flödet",
    EventType.case_updated: "ärendets uppgifter ändrade",
    EventType.case_recusal: "jäv anmält eller prövat",
    EventType.case_imported: "ärende importerat från diariet",
    EventType.assessment_revised: "konsekvensbeskrivning reviderad",
    EventType.document_registered: "handling registrerad",
    EventType.decision_reported: "delegationsbeslut anmält till nämnden",
    DeliveryStatus.queued: "väntar på ett tidigare meddelande i ärendet",
    DeliveryStatus.pending: "väntar på leverans",
    DeliveryStatus.delivered: "levererat",
    DeliveryStatus.dead: "misslyckat (alla försök gjorda)",
}


def webhook_id(message_id: int) -> str:
    """The ``webhook-id`` of an outbox message: the same on every attempt and redelivery, so a
    receiver can tell a message it already has."""
    return f"msg_{message_id}"
