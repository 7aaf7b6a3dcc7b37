"""The case's fixed vocabulary, each word with the Swedish label people read (BRIEF §3)."""

from enum import StrEnum


class Origin(StrEnum):
    political_initiative = "political_initiative"
    motion = "motion"
    citizen_proposal = "citizen_proposal"
    operations = "operations"
    follow_up = "follow_up"


class Flag(StrEnum):
    """What the Local Government Act makes of a matter (KL 5:1–2, 6:38, 7:5–6)."""

    goals_direction_scope_quality = "goals_direction_scope_quality"
    proposal_to_council = "proposal_to_council"
    council_reserved = "council_reserved"
    authority_over_individuals = "authority_over_individuals"
    of_principle = "of_principle"
    citizen_proposal = "citizen_proposal"
    special_law_forbids_delegation = "special_law_forbids_delegation"
    procurement = "procurement"


class AppealRoute(StrEnum):
    judicial_review = "judicial_review"
    administrative_appeal = "administrative_appeal"
    not_appealable = "not_appealable"


class EventKind(StrEnum):
    registered = "registered"
    transitioned = "transitioned"
    assessment_revised = "assessment_revised"
    recusal = "recusal"
    updated = "updated"  # registry metadata or flags edited: before and after in the payload
    document_registered = "document_registered"  # a diarium document referenced: its fields
    imported = "imported"  # brought in past the initial state: the source, where it was placed


class DocumentDirection(StrEnum):
    """Which way a document went, as a diarium records it: received, sent, or drawn up here."""

    incoming = "incoming"
    outgoing = "outgoing"
    internal = "internal"


class RecusalStatus(StrEnum):
    declared = "declared"  # by the person themself: barred at once
    raised = "raised"  # by someone else: the organ decides
    upheld = "upheld"
    rejected = "rejected"


BARRING = frozenset({RecusalStatus.declared, RecusalStatus.upheld})


LABELS_SV: dict[StrEnum, str] = {
    Origin.political_initiative: "politiskt initiativ",
    Origin.motion: "motion",
    Origin.citizen_proposal: "medborgarförslag",
    Origin.operations: "verksamheten",
    Origin.follow_up: "uppföljning",
    Flag.goals_direction_scope_quality: "mål, inriktning, omfattning eller kvalitet",
    Flag.proposal_to_council: "förslag till fullmäktige",
    Flag.council_reserved: "förbehållet fullmäktige",
    Flag.authority_over_individuals: "myndighetsutövning mot enskilda",
    Flag.of_principle: "principiell beskaffenhet eller större vikt",
    Flag.citizen_proposal: "medborgarförslag överlämnat av fullmäktige",
    Flag.special_law_forbids_delegation: "delegering förbjuden i speciallag",
    Flag.procurement: "upphandling",
    AppealRoute.judicial_review: "laglighetsprövning",
    AppealRoute.administrative_appeal: "förvaltningsbesvär",
    AppealRoute.not_appealable: "inte överklagbart",
    DocumentDirection.incoming: "inkommande",
    DocumentDirection.outgoing: "utgående",
    DocumentDirection.internal: "upprättad",
}
