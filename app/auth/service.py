"""Authentication into a ``Principal``, and the life of API keys (create, list, revoke)."""

import secrets
from datetime import date

from sqlalchemy.orm import Session

from app.auth import repository as repo
from app.auth.models import ApiKey
from app.auth.principal import MembershipGrant, PositionGrant, Principal
from app.auth.schemas import ApiKeyCreate
from app.auth.scopes import Scope
from app.auth.tokens import TokenVerifier
from app.errors import InvalidInput, NotFound, Unauthenticated
from app.kit.clock import today, utcnow
from app.kit.hashing import matches, sha256_hex
from app.kit.pagination import Slice, Window, cut
from app.organisation import repository as org_repo
from app.organisation.errors import unknown_reference
from app.organisation.models import Person
from app.organisation.service import get_person
from app.organisation.vocabulary import MembershipRole, PositionRole

API_KEY_MARK = "stk_"
PREFIX_LENGTH = 12


def person_principal(session: Session, person: Person, on: date) -> Principal:
    """A person as the engine sees them on ``on``: who they are and the roles they hold."""
    return _principal(person, org_repo.grants_on(session, person.id, on))


def _principal(person: Person | org_repo.Identity, grants: list[org_repo.Grant]) -> Principal:
    return Principal(
        person_id=person.id,
        username=person.username,
        person_kind=person.kind,
        memberships=tuple(
            MembershipGrant(g.place_id, g.place_code, MembershipRole(g.role))
            for g in grants
            if g.kind == "membership"
        ),
        positions=tuple(
            PositionGrant(g.place_id, g.place_code, PositionRole(g.role))
            for g in grants
            if g.kind == "position"
        ),
    )


def authenticate(session: Session, verifier: TokenVerifier, credential: str) -> Principal:
    """Resolve a bearer credential (API key or JWT) into the caller."""
    if credential.startswith(API_KEY_MARK):
        return _authenticate_api_key(session, credential)
    username = verifier.username(credential)
    found = org_repo.signed_in(session, username, today())
    if found is None:
        raise Unauthenticated(
            f"No person with username {username!r} is registered.",
            f"Ingen person med användarnamnet {username!r} är registrerad.",
            code="UNKNOWN_PERSON",
        )
    return _principal(*found)


def _authenticate_api_key(session: Session, credential: str) -> Principal:
    invalid = Unauthenticated(
        "The API key is not valid.", "API-nyckeln är ogiltig.", code="API_KEY_INVALID"
    )
    prefix = credential[len(API_KEY_MARK) : len(API_KEY_MARK) + PREFIX_LENGTH]
    key = repo.api_key_by_prefix(session, prefix)
    if key is None or not matches(credential, key.key_hash):
        raise invalid
    if key.revoked_at is not None:
        raise Unauthenticated(
            "The API key is revoked.", "API-nyckeln är återkallad.", code="API_KEY_REVOKED"
        )
    if key.expires_at is not None and key.expires_at <= utcnow():
        raise Unauthenticated(
            "The API key has expired.", "API-nyckeln har gått ut.", code="API_KEY_EXPIRED"
        )
    # A key acts by its scopes only. Its owner is named (for the trail) but lends the key none of
    # their roles: an administrator who makes a key "owned by" the chair must not gain the chair's
    # powers through it.
    owner = get_person(session, key.person_id) if key.person_id is not None else None
    return Principal(
        person_id=owner.id if owner else None,
        username=owner.username if owner else None,
        person_kind=owner.kind if owner else None,
        api_key_id=key.id,
        scopes=frozenset(Scope(s) for s in key.scopes),
        automated_function=key.automated_function,
    )


def create_api_key(session: Session, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    """Make a key and return it with its plain text, which is never stored and never shown again."""
    if data.person_id is not None and org_repo.person_by_id(session, data.person_id) is None:
        raise unknown_reference("person", "Personen", str(data.person_id), "person_id")
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise InvalidInput(
            "The expiry time has already passed.",
            "Utgångstiden har redan passerat.",
            code="EXPIRY_IN_PAST",
            field="expires_at",
        )
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    plain = f"{API_KEY_MARK}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=data.name,
        prefix=prefix,
        key_hash=sha256_hex(plain),
        scopes=sorted({scope.value for scope in data.scopes}),
        person_id=data.person_id,
        expires_at=data.expires_at,
        automated_function=data.automated_function,
    )
    session.add(key)
    session.flush()
    return key, plain


def get_api_key(session: Session, key_id: int) -> ApiKey:
    key = repo.api_key_by_id(session, key_id)
    if key is None:
        raise NotFound(
            f"No API key with id {key_id}.",
            f"Det finns ingen API-nyckel med id {key_id}.",
            code="API_KEY_NOT_FOUND",
        )
    return key


def list_api_keys(session: Session, window: Window) -> Slice[ApiKey]:
    return cut(repo.list_api_keys(session, window.after, window.limit), window)


def revoke_api_key(session: Session, key_id: int) -> ApiKey:
    """Revoking is final and idempotent: a revoked key stays listed with its revocation time."""
    key = get_api_key(session, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    return key
