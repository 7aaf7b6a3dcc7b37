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
    database_pool_timeout_s: float = Field(
        default=30,
        gt=0,
        description="How long a request waits for a free connection before it is answered 503",
    )
    database_ping_after_idle_s: float = Field(
        default=10,
        ge=0,
        description="A pooled connection idle this long is pinged before use (0: before every use)",
    )
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

    # Outbound webhooks (app/integrations/webhooks): how receivers are called and retried.
    webhook_dispatch: bool = Field(
        default=False, description="Run a webhook dispatcher inside the server (serve --dispatch)"
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhook_retry_delays_seconds: list[float] = Field(
        default=[5, 300, 1800, 7200, 18000, 36000, 36000],
        max_length=30,
        description="Waits after each failed attempt; one attempt more than delays in all",
    )
    webhook_retry_jitter: float = Field(default=0.2, ge=0, lt=1)
    webhook_batch_size: int = Field(default=100, ge=1, le=1000)
    webhook_concurrency: int = Field(default=4, ge=1, le=64, description="Parallel sends")
    webhook_lease_seconds: float = Field(default=120.0, gt=0)
    webhook_poll_interval_seconds: float = Field(default=1.0, gt=0, le=60)

    @field_validator("jwt_secret")
    @classmethod
    def _long_enough(cls, secret: SecretStr | None) -> SecretStr | None:
        """HS256 needs a key of at least 256 bits (RFC 7518 §3.2); shorter ones are guessable."""
        if secret is not None and len(secret.get_secret_value().encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"STYRKEDJA_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        return secret

    @field_validator("webhook_retry_delays_seconds")
    @classmethod
    def _non_negative_delays(cls, delays: list[float]) -> list[float]:
        if any(delay < 0 for delay in delays):
            raise ValueError("retry delays are seconds, 0 or more")
        return delays

    @model_validator(mode="after")
    def _lease_outlasts_an_attempt(self) -> "Settings":
        """A dispatcher must finish an attempt inside its lease on the delivery, or another
        could take the delivery while it is still being sent."""
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError("STYRKEDJA_WEBHOOK_LEASE_SECONDS must exceed the webhook timeout")
        return self

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
