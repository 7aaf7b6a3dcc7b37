"""Runtime settings: the one place that reads the environment (prefix ``STYRKEDJA_``)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_PATH = Path("var/styrkedja.db")
MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    """Everything a deployment may tune. Secrets are ``SecretStr`` so they never print."""

    model_config = SettingsConfigDict(env_prefix="STYRKEDJA_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DEFAULT_SQLITE_PATH}",
        description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://user@host/db",
    )
    database_echo: bool = False
    database_pool_size: int = Field(default=20, ge=1, description="PostgreSQL connections kept")
    database_max_overflow: int = Field(default=10, ge=0, description="Extra ones under load")
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    request_threads: int = Field(
        default=100,
        ge=1,
        description="Threads for requests' blocking work (routes, dependencies, validating the "
        "answer); keep it above the requests a worker ever has waiting at once",
    )

    jwt_secret: SecretStr | None = Field(default=None, description="HS256 shared secret")
    jwks_path: Path | None = Field(default=None, description="JWKS file for RS256/ES256 tokens")
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    jwt_username_claim: str = "sub"
    jwt_leeway_seconds: int = Field(default=30, ge=0)

    max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    import_max_bytes: int = Field(
        default=512 * 1024 * 1024,
        gt=0,
        description="The largest body of POST /imports (streamed, never held whole)",
    )
    import_batch_rows: int = Field(
        default=500, ge=1, le=10_000, description="Import rows committed together"
    )
    idempotency_ttl_hours: int = Field(
        default=24, ge=1, description="How long a POST's Idempotency-Key keeps its answer"
    )
    default_page_size: int = Field(default=50, ge=1, le=200)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @field_validator("jwt_secret")
    @classmethod
    def _long_enough(cls, secret: SecretStr | None) -> SecretStr | None:
        """HS256 needs a key of at least 256 bits (RFC 7518 §3.2); shorter ones are guessable."""
        if secret is not None and len(secret.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"STYRKEDJA_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        return secret

    @model_validator(mode="after")
    def _normalise_postgres_driver(self) -> "Settings":
        """Accept the plain ``postgresql://`` URL operators paste, and use psycopg 3 for it."""
        for prefix in ("postgresql://", "postgres://"):
            if self.database_url.startswith(prefix):
                self.database_url = "postgresql+psycopg://" + self.database_url[len(prefix) :]
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
