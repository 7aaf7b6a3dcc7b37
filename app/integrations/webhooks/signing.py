"""Standard Webhooks signatures: ``v1,`` + base64 of HMAC-SHA256 over ``{id}.{timestamp}.{body}``
with the subscription's secret, by the specification's own Python package (``standardwebhooks``),
so receivers can verify with any of its libraries. Secrets are ``whsec_`` + base64 of 32 random
bytes, the format those libraries read."""

import base64
import binascii
import secrets
from datetime import datetime

from standardwebhooks import Webhook

PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64
"""The key sizes the specification recommends (24 to 64 bytes)."""


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_problem(secret: str) -> str | None:
    """Why a secret given by an administrator is unusable, or None if it is a good one."""
    if not secret.startswith(PREFIX):
        return f"must start with {PREFIX!r}"
    try:
        key = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return f"must be {PREFIX!r} followed by base64"
    if not MIN_SECRET_BYTES <= len(key) <= MAX_SECRET_BYTES:
        return f"must encode {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes, not {len(key)}"
    return None


def still_signs(until: datetime | None, now: datetime) -> bool:
    """Whether the secret before a rotation, kept ``until`` then, still signs at ``now``."""
    return until is not None and now < until


def sign(secret: str, message_id: str, timestamp: datetime, body: str) -> str:
    """The ``webhook-signature`` header's value for this message sent at ``timestamp``."""
    return Webhook(secret).sign(message_id, timestamp, body)
