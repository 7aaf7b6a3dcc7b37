"""Queries of the auth domain."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey


def api_key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    return session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()


def api_key_by_id(session: Session, key_id: int) -> ApiKey | None:
    return session.get(ApiKey, key_id)


def list_api_keys(session: Session, after: int | None, limit: int) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.id).limit(limit + 1)
    if after is not None:
        query = query.where(ApiKey.id > after)
    return list(session.scalars(query))
