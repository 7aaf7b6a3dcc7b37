"""Hashing of high-entropy secrets (API keys).

The keys are 256-bit random strings, so a single SHA-256 is enough: there is nothing to brute-force,
and a slow KDF would only cost every request time.
"""

import hashlib
import hmac


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def matches(value: str, expected_hex: str) -> bool:
    """Constant-time comparison of ``value``'s hash with a stored hash."""
    return hmac.compare_digest(sha256_hex(value), expected_hex)
