"""What the authority resolver is asked about and answers with, as plain values: the case, the
caller, the delegation order in force, and the authority granted. The service builds them from
the database; the resolver (``authority``) never touches one."""

from collections import defaultdict
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from app.delegation.rules import MatterFacts


class AuthorityKind(StrEnum):
    organ_decision = "organ_decision"
    delegated_decision = "delegated_decision"
    urgent_decision = "urgent_decision"
    operational = "operational"


@dataclass(frozen=True)
class CaseView:
    organ: str
    organ_kind: str
    units: tuple[str, ...]  # the responsible unit, then those above it (no unit: the top ones)
    matter: MatterFacts | None
    flags: frozenset[str]
    route: str | None
    amount_sek: int | None
    registered_by: int | None
    council: str | None = None  # the municipality's council, which decides council matters
    minority_referral_used: bool = False  # KL 5:50: once per matter
    appeal_route: str = "judicial_review"
    state: str | None = None


@dataclass(frozen=True)
class ActorView:
    person_id: int | None
    kind: str | None  # elected / employee
    seats: frozenset[tuple[str, str]]  # (organ, role)
    posts: frozenset[tuple[str, str]]  # (unit, role)
    recused: bool = False
    function: str | None = None  # the automated decision function the caller is, if any


@dataclass(frozen=True)
class EntryView:
    code: str
    matter_types: tuple[str, ...]
    actions: tuple[str, ...]
    delegate: Mapping[str, Any]
    amount_limit_sek: int | None
    report_to_organ: bool
    substitute: Mapping[str, Any] | None = None
    urgent: bool = False  # the organ's clause for urgent matters; matter types () cover all


@dataclass(frozen=True)
class SubView:
    """An entry passed on by the head of administration to one employee (KL 7:6)."""

    id: int
    entry: str
    delegate: Mapping[str, Any]
    granted_by: int


@dataclass(frozen=True)
class OrderView:
    version: int
    entries: tuple[EntryView, ...]
    absent: Container[str] = frozenset()  # points whose delegate is recorded absent that day
    subdelegations: tuple[SubView, ...] = ()  # those in force today

    @cached_property
    def _index(self) -> dict[tuple[str | None, str], list[EntryView]]:
        index: dict[tuple[str | None, str], list[EntryView]] = defaultdict(list)
        for entry in self.entries:
            for matter in entry.matter_types or (None,):
                for action in entry.actions:
                    index[matter, action].append(entry)
        return index

    def covering(
        self, matter: str | None, trigger: str, *, urgent: bool = False
    ) -> list[EntryView]:
        """The entries for this matter type and step: O(those entries), not O(the order).
        An urgent clause without matter types covers every matter."""
        found = self._index.get((matter, trigger), [])
        if urgent:
            found = found + self._index.get((None, trigger), [])
        return [e for e in found if e.urgent == urgent]

    @cached_property
    def _passed_on(self) -> dict[str, list[SubView]]:
        passed: dict[str, list[SubView]] = defaultdict(list)
        for sub in self.subdelegations:
            passed[sub.entry].append(sub)
        return passed

    def passed_on(self, entry: str) -> list[SubView]:
        return self._passed_on.get(entry, [])


@dataclass(frozen=True)
class Grant:
    """The authority a step was taken under, as the event records it."""

    kind: AuthorityKind
    details: dict[str, Any] = field(default_factory=dict)
    report_to_organ: bool = False
