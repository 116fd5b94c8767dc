"""One Settings object: environment variables (prefix ``NBA_TRACKER_``) or a ``.env`` file.

On AWS the ECS task definition injects the database URL and API token from Secrets
Manager / SSM as environment variables, so the application reads them the same way
everywhere and never needs AWS credentials to start.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nba_tracker.resources import TERMINOLOGY


def default_database_url() -> str:
    # Imported here: only commands that open the database need the data directory.
    from platformdirs import user_data_dir

    data_dir = Path(user_data_dir("nba-tracker", appauthor=False))
    return f"sqlite:///{data_dir / 'nba-tracker.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NBA_TRACKER_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: str = Field("local", description="local, dev or prod; names AWS resources and metrics.")
    database_url: SecretStr | None = None
    # On ECS the parts come separately: host/port/name from the task definition, user and
    # password from the RDS-managed secret. They are used when no URL is given.
    db_host: str | None = None
    db_port: int = 5432
    db_name: str = "nba_tracker"
    db_user: str | None = None
    db_password: SecretStr | None = None
    feeds_file: Path | None = Field(None, description="TOML file overriding the default feeds.")

    # Collection
    fetch_timeout: float = 10.0
    fetch_max_bytes: int = 5 * 1024 * 1024
    fetch_concurrency: int = 48
    fetch_retries: int = 2
    max_items_per_feed: int = 1000
    collect_interval_seconds: int = 300
    user_agent: str = "NBATradeTracker/0.1 (feed reader)"
    # Every feed may be on loopback/private addresses (a tracker whose feeds all live
    # inside a private network). Off: only feeds marked ``private`` may.
    fetch_allow_private: bool = False
    # A collector whose lock heartbeat is silent this long loses the lock (store/lock.py);
    # a run still "running" after the deadline makes /health degraded.
    collection_lease_seconds: float = Field(45.0, gt=0, le=60)
    collection_deadline_seconds: float = Field(900.0, gt=0)

    # API
    api_token: SecretStr | None = None
    log_level: str = "INFO"
    cache_ttl_seconds: float = 300.0
    # What `serve` allows a client (api/server.py): seconds to send a request's headers,
    # then its body; idle keep-alive; open connections (lowered below the fd limit).
    server_header_timeout: float = Field(10.0, gt=0)
    server_body_timeout: float = Field(30.0, gt=0)
    server_keep_alive: float = Field(5.0, gt=0)
    server_max_connections: int = Field(1000, ge=16)
    # Browser pages on other origins that may call the API: "*" (any, never with
    # credentials) or a comma-separated list such as "http://localhost:8080". See api/cors.py.
    cors_origins: str = "*"
    cors_allow_credentials: bool = False

    # Database guards: a lock or a stuck statement never makes a request or a
    # collection wait forever.
    db_statement_timeout_ms: int = 15_000
    db_lock_timeout_ms: int = 5_000
    db_pool_size: int = 10

    # Alerts (alerts/): receivers are untrusted. Loopback mode lets http:// and this
    # machine's addresses through, for tests and a laptop; never on in a deployment.
    alerts_allow_loopback: bool = False
    alert_timeout_seconds: float = Field(5.0, gt=0, le=30)
    alert_max_attempts: int = Field(10, ge=1, le=50)
    alert_backoff_seconds: float = Field(1.0, gt=0)
    alert_backoff_cap_seconds: float = Field(300.0, gt=0)
    alert_poll_seconds: float = Field(0.2, gt=0)
    alert_concurrency: int = Field(64, ge=1, le=1000)
    # ``serve`` sends alerts in its own event loop (one process: make run). On ECS a
    # dispatcher container runs beside it (``alerts dispatch --forever``) and this is
    # false, so a burst of sends never shares a loop with requests and collections.
    dispatch_in_serve: bool = True
    # ``alerts dispatch --forever`` lowers its own CPU priority by this much: on a machine
    # it shares with the server, a burst of a thousand sends must not slow the collection
    # that caused it (measured by make bench-alerts). On ECS the containers' CPU shares
    # do the same between containers.
    dispatcher_nice: int = Field(10, ge=0, le=19)
    # Web Push: the VAPID private key (PEM or base64url DER; Secrets Manager in AWS) and
    # the contact the push service may write to.
    vapid_private_key: SecretStr | None = None
    vapid_subject: str = "mailto:alerts@nba-tracker.invalid"

    # Japanese edition
    translator: str = "none"
    translate_terminology: str = TERMINOLOGY

    @field_validator("fetch_timeout")
    @classmethod
    def _positive_timeout(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("fetch_timeout must be positive")
        return value

    @property
    def database_url_plain(self) -> str:
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        if self.db_host:
            # Imported here: every command reads settings, and SQLAlchemy is a third of
            # the CLI's start-up that `--help` and `parse` never need.
            from sqlalchemy import URL

            return URL.create(
                "postgresql+psycopg",
                username=self.db_user,
                password=self.db_password.get_secret_value() if self.db_password else None,
                host=self.db_host,
                port=self.db_port,
                database=self.db_name,
            ).render_as_string(hide_password=False)
        return default_database_url()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
