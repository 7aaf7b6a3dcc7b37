"""Bearer JWTs as a municipality's OIDC provider issues them: HS256 with a shared secret, or
RS256/ES256 verified against a JWKS file. The verifier is built once from settings, never per
request."""

import time
from collections.abc import Callable
from datetime import timedelta
from functools import lru_cache
from typing import Any, NamedTuple

import jwt

from app.config import Settings
from app.errors import Unauthenticated
from app.kit.clock import utcnow

ASYMMETRIC_ALGORITHMS = ["RS256", "ES256"]
VERIFIED_KEPT = 1024
"""How many verified tokens a verifier keeps (a client sends the same token with every call
until it expires)."""


class Verified(NamedTuple):
    """What a token's signature and claims were found to say: whom it names, and the span of
    time it is valid in (seconds since the epoch; ``not_before`` 0 when it sets none)."""

    username: str
    expires: int
    not_before: int


def _invalid(reason_en: str, reason_sv: str, code: str = "TOKEN_INVALID") -> Unauthenticated:
    return Unauthenticated(reason_en, reason_sv, code=code)


class TokenVerifier:
    """Checks signature, expiry, not-before and (when configured) audience and issuer, and returns
    the claim that names the person."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.time) -> None:
        self._secret = settings.jwt_secret.get_secret_value() if settings.jwt_secret else None
        self._jwks = (
            jwt.PyJWKSet.from_json(settings.jwks_path.read_text()) if settings.jwks_path else None
        )
        self._audience = settings.jwt_audience
        self._issuer = settings.jwt_issuer
        self._claim = settings.jwt_username_claim
        self._leeway = settings.jwt_leeway_seconds
        self._clock = clock
        # Checking a signature and decoding the claims cost more than the rest of signing in;
        # a token verified once is kept, and its times are checked again at every use.
        self._verified = lru_cache(maxsize=VERIFIED_KEPT)(self._verify)

    @property
    def configured(self) -> bool:
        return self._secret is not None or self._jwks is not None

    def _key_for(self, token: str) -> tuple[Any, list[str]]:
        """The one key that may verify this token: the secret for HS256, or the JWKS signing key
        with the token's key id and algorithm. Nothing in the header is trusted beyond choosing."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise _invalid("The token is not a JWT.", "Token är ingen JWT.") from exc
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm == "HS256" and self._secret is not None:
            return self._secret, ["HS256"]
        if algorithm in ASYMMETRIC_ALGORITHMS and self._jwks is not None:
            candidates = [
                key
                for key in self._jwks.keys
                if (kid is None or key.key_id == kid)
                and key.algorithm_name == algorithm
                and key.public_key_use in (None, "sig")
            ]
            if len(candidates) != 1:
                raise _invalid(
                    "No single signing key in the JWKS matches the token's key id and algorithm.",
                    "Ingen entydig signeringsnyckel i JWKS matchar tokens nyckel-id och algoritm.",
                )
            return candidates[0].key, [algorithm]
        raise _invalid(
            f"Tokens signed with {algorithm!r} are not accepted here.",
            f"Token signerade med {algorithm!r} godtas inte här.",
        )

    def username(self, token: str) -> str:
        """Whom the token names, if it is valid now: its signature and claims checked at its
        first use (a bad token is never kept), its expiry and not-before at every use."""
        if not self.configured:
            raise _invalid(
                "This service has no token secret or JWKS configured.",
                "Tjänsten saknar konfigurerad tokenhemlighet eller JWKS.",
                code="TOKENS_NOT_CONFIGURED",
            )
        verified = self._verified(token)
        now = self._clock()
        if verified.expires <= now - self._leeway:
            raise _invalid("The token has expired.", "Token har gått ut.", "TOKEN_EXPIRED")
        if verified.not_before > now + self._leeway:
            raise _invalid(
                "The token is not valid yet.", "Token är inte giltig än.", "TOKEN_NOT_YET_VALID"
            )
        return verified.username

    def _verify(self, token: str) -> Verified:
        key, algorithms = self._key_for(token)
        options = {"require": ["exp", self._claim]}
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.ExpiredSignatureError as exc:
            raise _invalid("The token has expired.", "Token har gått ut.", "TOKEN_EXPIRED") from exc
        except jwt.ImmatureSignatureError as exc:
            raise _invalid(
                "The token is not valid yet.", "Token är inte giltig än.", "TOKEN_NOT_YET_VALID"
            ) from exc
        except jwt.InvalidAudienceError as exc:
            raise _invalid("Wrong token audience.", "Fel mottagare (aud) i token.") from exc
        except jwt.InvalidIssuerError as exc:
            raise _invalid("Wrong token issuer.", "Fel utfärdare (iss) i token.") from exc
        except jwt.InvalidSignatureError as exc:
            raise _invalid(
                "The token's signature is invalid.", "Tokens signatur är ogiltig."
            ) from exc
        except jwt.PyJWTError as exc:
            raise _invalid(f"The token is invalid: {exc}.", f"Token är ogiltig: {exc}.") from exc
        username = claims[self._claim]
        if not isinstance(username, str) or not username or "\x00" in username:
            raise _invalid(
                f"The claim {self._claim!r} does not name a person.",
                f"Anspråket {self._claim!r} anger ingen person.",
            )
        return Verified(username, int(claims["exp"]), int(claims.get("nbf", 0)))


def mint(settings: Settings, username: str, ttl: timedelta) -> str:
    """An HS256 token for development and tests, signed with the configured secret."""
    if settings.jwt_secret is None:
        raise ValueError("STYRKEDJA_JWT_SECRET is not set; cannot mint tokens")
    now = utcnow()
    claims: dict[str, Any] = {settings.jwt_username_claim: username, "iat": now, "exp": now + ttl}
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    return jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS256")
