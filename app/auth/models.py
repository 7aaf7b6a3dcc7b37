"""API keys for integrations. Only a SHA-256 of the key is stored; the key itself is shown once."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, Timestamped


class ApiKey(Timestamped, Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # The automated decision function (KL 6:37) this key is, if any: it decides only under the
    # delegation entries that name this function.
    automated_function: Mapped[str | None] = mapped_column(String(200))
