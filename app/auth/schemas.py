"""Shapes of the API-key admin API and of ``/me``."""

from datetime import datetime

from pydantic import AwareDatetime, Field

from app.auth.scopes import Scope
from app.kit.schemas import Id, Input, Name, Output
from app.organisation.vocabulary import MembershipRole, PersonKind, PositionRole


class ApiKeyCreate(Input):
    name: Name = Field(description="What the key is for, e.g. 'Public 360 production'")
    scopes: list[Scope] = Field(min_length=1)
    person_id: Id | None = Field(default=None, description="The owning person, if any")
    expires_at: AwareDatetime | None = Field(default=None, description="With a time zone")
    automated_function: Name | None = Field(
        default=None,
        description="The automated decision function this key is (KL 6:37): it decides under "
        "the delegation entries naming it, and nothing else",
    )


class ApiKeyRead(Output):
    id: int
    name: str
    prefix: str = Field(description="The key's public prefix, to recognise it in lists")
    scopes: list[Scope]
    person_id: int | None
    expires_at: datetime | None
    revoked_at: datetime | None
    automated_function: str | None
    created_at: datetime


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The key itself. Shown once; only its hash is stored.")


class GrantRead(Output):
    place: str = Field(description="Organ or unit code")
    role: MembershipRole | PositionRole


class MeRead(Output):
    person_id: int | None
    username: str | None
    person_kind: PersonKind | None
    api_key_id: int | None
    scopes: list[Scope]
    is_admin: bool
    memberships: list[GrantRead]
    positions: list[GrantRead]
