"""Which callers may read and write cases at all: a person with their own token, or an API key
with the matching scope; and which confidential cases a caller may know exist. Who may take
which step is the authority resolver's to decide (``app.delegation.authority``), per the
delegation order and the Local Government Act."""

from collections.abc import Collection
from dataclasses import dataclass

from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.errors import Forbidden
from app.organisation.vocabulary import PositionRole

READ_SCOPES = frozenset({Scope.cases_read, Scope.cases_write, Scope.integration})
WRITE_SCOPES = frozenset({Scope.cases_write, Scope.integration})


def _require(principal: Principal, scopes: frozenset[Scope], what_en: str, what_sv: str) -> None:
    if principal.via_api_key and not principal.scopes & scopes:
        raise Forbidden(
            f"This API key may not {what_en}; it needs one of the scopes "
            f"{', '.join(sorted(scopes))}.",
            f"API-nyckeln får inte {what_sv}; den behöver en av behörigheterna "
            f"{', '.join(sorted(scopes))}.",
            code="SCOPE_REQUIRED",
        )


def require_read(principal: Principal) -> None:
    _require(principal, READ_SCOPES, "read cases", "läsa ärenden")


def require_write(principal: Principal) -> None:
    _require(principal, WRITE_SCOPES, "register or move cases", "registrera eller flytta ärenden")


@dataclass(frozen=True)
class Sight:
    """Which confidential cases a caller sees: all of them, or those of the organs it holds a
    membership in, of the units it holds a position in (and the units beneath them), and those
    it registered itself or is the case officer of; and, as head of an administration, those of
    the organs it serves (the head triages every case, with a unit or without). Cases that are
    not confidential are seen by anyone who may read cases.

    Evaluated in two places that must agree: ``sees`` for one case, and
    ``app.cases.repository.in_sight`` for a query.
    """

    everything: bool = False
    person_id: int | None = None
    organ_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    administration_ids: frozenset[int] = frozenset()  # units the caller heads

    def sees(
        self,
        *,
        organ_id: int,
        units: Collection[int],
        registered_by: int | None,
        officer: int | None = None,
        served_organs: Collection[int] = (),
    ) -> bool:
        """Whether a confidential case is in sight; ``units`` are its responsible unit and every
        unit above it; ``served_organs`` those the caller's administrations serve."""
        return (
            self.everything
            or organ_id in self.organ_ids
            or not self.unit_ids.isdisjoint(units)
            or (bool(self.administration_ids) and organ_id in served_organs)
            or (self.person_id is not None and self.person_id in (registered_by, officer))
        )


def sight(principal: Principal) -> Sight:
    """A person sees the confidential cases of the organs and units they hold a role in today
    (any role: secretaries and substitutes too), those they registered or prepare, and, as a
    registrar (who keeps the diary), all of them. An API key sees them all with the
    ``cases:confidential`` scope and none without, whoever owns it. Administering the
    organisation is no role on a case."""
    if principal.via_api_key:
        return Sight(everything=Scope.cases_confidential in principal.scopes)
    return Sight(
        everything=principal.holds_position(PositionRole.registrar),
        person_id=principal.person_id,
        organ_ids=frozenset(grant.organ_id for grant in principal.memberships),
        unit_ids=frozenset(grant.unit_id for grant in principal.positions),
        administration_ids=frozenset(
            grant.unit_id
            for grant in principal.positions
            if grant.role == PositionRole.head_of_administration
        ),
    )
