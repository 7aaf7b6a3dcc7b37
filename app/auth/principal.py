"""Who is calling: one typed value built once per request and passed to every service."""

from dataclasses import dataclass, field

from app.auth.scopes import Scope
from app.organisation.vocabulary import MembershipRole, PersonKind, PositionRole


@dataclass(frozen=True)
class MembershipGrant:
    organ_id: int
    organ_code: str
    role: MembershipRole


@dataclass(frozen=True)
class PositionGrant:
    unit_id: int
    unit_code: str
    role: PositionRole


@dataclass(frozen=True)
class Principal:
    """A person (through a token or a key they own) or an integration (through a key).

    A person acting with their own token is governed by their roles (memberships and positions
    on today's date); an API key by its scopes alone, even when it has an owning person (the
    person is who the trail names, and the key carries none of their roles).
    """

    person_id: int | None
    username: str | None
    person_kind: PersonKind | None
    api_key_id: int | None = None
    scopes: frozenset[Scope] = frozenset()
    memberships: tuple[MembershipGrant, ...] = field(default=())
    positions: tuple[PositionGrant, ...] = field(default=())
    automated_function: str | None = None  # a key that is an automated decision function

    @property
    def via_api_key(self) -> bool:
        return self.api_key_id is not None

    def holds_position(self, role: PositionRole) -> bool:
        return any(grant.role == role for grant in self.positions)

    def records_for(self, organ_code: str) -> bool:
        """Records the organ's decisions: its secretary, or a registrar (a person, never a key)."""
        if self.via_api_key:
            return False
        secretary = any(
            m.organ_code == organ_code and m.role == MembershipRole.secretary
            for m in self.memberships
        )
        return secretary or self.holds_position(PositionRole.registrar)

    @property
    def is_admin(self) -> bool:
        """Administers organisation and keys: a key with the ``admin`` scope, or a registrar."""
        if self.via_api_key:
            return Scope.admin in self.scopes
        return self.holds_position(PositionRole.registrar)
