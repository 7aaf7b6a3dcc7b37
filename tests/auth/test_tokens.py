"""Bearer JWT validation: HS256 with the shared secret, RS256/ES256 against a JWKS file, and
every way a token can be wrong answered with 401 problem+json and its code."""

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient

from app.auth.tokens import TokenVerifier
from app.errors import Unauthenticated
from app.kit.clock import utcnow
from app.main import create_app
from tests.builders import make_person
from tests.conftest import override_session

USERNAME = "anna.berg"


@pytest.fixture
def person(session):
    person = make_person(session, username=USERNAME)
    session.commit()
    return person


def hs256(secret: str, **claims) -> str:
    now = utcnow()
    payload = {"sub": USERNAME, "iat": now, "exp": now + timedelta(minutes=5)} | claims
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, "HS256")


def me(client, token: str):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def assert_401(response, code: str) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["code"] == code
    assert response.headers["content-type"] == "application/problem+json"


def test_valid_token_names_the_person(client, settings, person):
    response = me(client, hs256(settings.jwt_secret.get_secret_value()))
    assert response.status_code == 200
    assert response.json()["username"] == USERNAME


@pytest.mark.parametrize(
    ("claims", "code"),
    [
        ({"exp": utcnow() - timedelta(minutes=5)}, "TOKEN_EXPIRED"),
        # Evaluated when the tests are collected: far enough ahead to outlast any test run.
        ({"nbf": utcnow() + timedelta(days=365)}, "TOKEN_NOT_YET_VALID"),
        ({"exp": None}, "TOKEN_INVALID"),
        ({"sub": None}, "TOKEN_INVALID"),
        ({"sub": "nobody.here"}, "UNKNOWN_PERSON"),
    ],
    ids=["expired", "not-yet-valid", "no-expiry", "no-subject", "unknown-person"],
)
def test_bad_claims_are_401(client, settings, person, claims, code):
    assert_401(me(client, hs256(settings.jwt_secret.get_secret_value(), **claims)), code)


def test_forged_signature_is_401(client, person):
    assert_401(
        me(client, hs256("some-other-secret-of-sufficient-length-0123456789")), "TOKEN_INVALID"
    )


def test_tampered_payload_is_401(client, settings, person):
    header, _, signature = hs256(settings.jwt_secret.get_secret_value()).split(".")
    other = jwt.encode({"sub": USERNAME, "exp": utcnow() + timedelta(hours=9)}, "x" * 40)
    assert_401(me(client, f"{header}.{other.split('.')[1]}.{signature}"), "TOKEN_INVALID")


def test_unsigned_token_is_401(client, person):
    token = jwt.encode({"sub": USERNAME, "exp": utcnow() + timedelta(minutes=5)}, None, "none")
    assert_401(me(client, token), "TOKEN_INVALID")


def test_garbage_is_401(client):
    assert_401(me(client, "not-a-jwt"), "TOKEN_INVALID")


def test_missing_header_is_401(client):
    assert_401(client.get("/api/v1/me"), "MISSING_CREDENTIALS")


def test_non_bearer_scheme_is_401(client):
    assert_401(
        client.get("/api/v1/me", headers={"Authorization": "Basic YTpi"}), "MISSING_CREDENTIALS"
    )


def test_audience_and_issuer_are_checked_when_configured(app, settings, session, person):
    app.state.verifier = TokenVerifier(
        settings.model_copy(update={"jwt_audience": "styrkedja", "jwt_issuer": "https://idp"})
    )
    secret = settings.jwt_secret.get_secret_value()
    with TestClient(app) as client:
        assert me(client, hs256(secret, aud="styrkedja", iss="https://idp")).status_code == 200
        assert_401(me(client, hs256(secret, aud="other", iss="https://idp")), "TOKEN_INVALID")
        assert_401(me(client, hs256(secret, aud="styrkedja", iss="https://evil")), "TOKEN_INVALID")
        assert_401(me(client, hs256(secret)), "TOKEN_INVALID")


def test_configurable_username_claim(app, settings, person):
    app.state.verifier = TokenVerifier(settings.model_copy(update={"jwt_username_claim": "upn"}))
    token = hs256(settings.jwt_secret.get_secret_value(), sub="ignored", upn=USERNAME)
    with TestClient(app) as client:
        assert me(client, token).json()["username"] == USERNAME


def test_a_token_verified_once_is_refused_once_it_expires(settings):
    """A verified token is kept (its signature is not checked again), but its expiry is checked
    at every use."""
    now = [time.time()]
    verifier = TokenVerifier(settings, clock=lambda: now[0])
    token = hs256(settings.jwt_secret.get_secret_value())  # expires in five minutes
    assert verifier.username(token) == USERNAME
    assert verifier.username(token) == USERNAME
    now[0] += 5 * 60 + settings.jwt_leeway_seconds + 1
    with pytest.raises(Unauthenticated) as refused:
        verifier.username(token)
    assert refused.value.code == "TOKEN_EXPIRED"


# Asymmetric tokens, as an OIDC provider issues them, verified against a JWKS file.

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
STRANGER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_app(settings, session, tmp_path, person):
    keys = [
        {
            **json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(RSA_KEY.public_key())),
            "kid": "rsa-1",
            "alg": "RS256",
            "use": "sig",
        },
        {
            **json.loads(jwt.algorithms.ECAlgorithm.to_jwk(EC_KEY.public_key())),
            "kid": "ec-1",
            "alg": "ES256",
            "use": "sig",
        },
    ]
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": keys}))
    jwks_settings = settings.model_copy(update={"jwt_secret": None, "jwks_path": path})
    app = create_app(jwks_settings)
    override_session(app, session)
    return app


def signed(key, algorithm: str, kid: str, **claims) -> str:
    payload = {"sub": USERNAME, "exp": utcnow() + timedelta(minutes=5)} | claims
    return jwt.encode(payload, key, algorithm, headers={"kid": kid})


@pytest.mark.parametrize(
    ("key", "algorithm", "kid"), [(RSA_KEY, "RS256", "rsa-1"), (EC_KEY, "ES256", "ec-1")]
)
def test_jwks_signed_tokens_are_accepted(jwks_app, key, algorithm, kid):
    with TestClient(jwks_app) as client:
        response = me(client, signed(key, algorithm, kid))
    assert response.status_code == 200
    assert response.json()["username"] == USERNAME


def test_token_signed_with_a_key_outside_the_jwks_is_401(jwks_app):
    with TestClient(jwks_app) as client:
        assert_401(me(client, signed(STRANGER_KEY, "RS256", "rsa-1")), "TOKEN_INVALID")


def test_unknown_key_id_is_401(jwks_app):
    with TestClient(jwks_app) as client:
        assert_401(me(client, signed(RSA_KEY, "RS256", "rotated-away")), "TOKEN_INVALID")


def test_hs256_is_refused_when_only_a_jwks_is_configured(jwks_app, settings):
    """No algorithm confusion: an HS256 token (e.g. signed with the public key) is not accepted."""
    with TestClient(jwks_app) as client:
        assert_401(me(client, hs256(settings.jwt_secret.get_secret_value())), "TOKEN_INVALID")


def test_expired_jwks_token_is_401(jwks_app):
    token = signed(RSA_KEY, "RS256", "rsa-1", exp=utcnow() - timedelta(minutes=5))
    with TestClient(jwks_app) as client:
        assert_401(me(client, token), "TOKEN_EXPIRED")


def test_algorithm_that_does_not_fit_the_named_key_is_401(jwks_app):
    """An ES256 token naming the RSA key's id is refused, not a server error."""
    with TestClient(jwks_app) as client:
        assert_401(me(client, signed(EC_KEY, "ES256", "rsa-1")), "TOKEN_INVALID")


def test_malformed_header_is_401(client, person, settings):
    """A header PyJWT itself would never write (a list as key id), signed correctly."""

    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    signing_input = ".".join(
        [part({"alg": "HS256", "kid": ["a"]}), part({"sub": USERNAME, "exp": 4102444800})]
    )
    key = settings.jwt_secret.get_secret_value().encode()
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"
    assert_401(me(client, token), "TOKEN_INVALID")


def test_nul_in_the_username_claim_is_401(client, person, settings):
    token = hs256(settings.jwt_secret.get_secret_value(), sub="anna\u0000berg")
    assert_401(me(client, token), "TOKEN_INVALID")
