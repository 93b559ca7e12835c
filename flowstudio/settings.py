"""All of FlowStudio's configuration, read once from the environment and `.env`.

Names follow the twelve-factor habit (`DATABASE_URL`, `REDIS_URL`, `SECRET_KEY`); FlowStudio's own knobs
carry the `FLOWSTUDIO_` prefix. See the configuration table in README.md.
"""

from __future__ import annotations

import secrets
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from flowstudio.i18n import LANGUAGES


class Environment(StrEnum):
    """Where FlowStudio runs; production refuses unsafe defaults."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """FlowStudio settings. Every field has an environment variable; see README.md."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    env: Environment = Field(Environment.DEVELOPMENT, validation_alias="FLOWSTUDIO_ENV")
    data_dir: Path = Field(Path(".data"), validation_alias="FLOWSTUDIO_DATA_DIR")
    database_url: str = Field("", validation_alias="DATABASE_URL")
    redis_url: str = Field("", validation_alias="REDIS_URL")
    celery_broker_url: str = Field("", validation_alias="CELERY_BROKER_URL")
    secret_key: str = Field("", validation_alias="SECRET_KEY")
    port: int = Field(3000, validation_alias="FLOWSTUDIO_PORT")
    default_language: str = Field("pt-BR", validation_alias="FLOWSTUDIO_DEFAULT_LANGUAGE")
    admin_email: str = Field("admin@flowstudio.local", validation_alias="FLOWSTUDIO_ADMIN_EMAIL")
    admin_password: str = Field("", validation_alias="FLOWSTUDIO_ADMIN_PASSWORD")
    login_max_age_hours: int = Field(12, ge=1, validation_alias="FLOWSTUDIO_LOGIN_MAX_AGE_HOURS")
    worker: bool = Field(True, validation_alias="FLOWSTUDIO_WORKER")
    log_level: str = Field("INFO", validation_alias="FLOWSTUDIO_LOG_LEVEL")
    fast_path: bool = Field(True, validation_alias="FLOWSTUDIO_FAST_PATH")  # false: tasks.publish, turn_writes plain
    task_redelivery_seconds: int = Field(300, ge=1, validation_alias="FLOWSTUDIO_TASK_REDELIVERY_SECONDS")
    trusted_proxy_hops: int = Field(0, ge=0, le=10, validation_alias="FLOWSTUDIO_TRUSTED_PROXY_HOPS")
    """Reverse proxies in front of the app that append to `X-Forwarded-For` (0: the socket peer is the client)."""
    encryption_keys: str = Field("", validation_alias="FLOWSTUDIO_ENCRYPTION_KEYS")
    """Keys for encryption at rest, `id:base64url-32-bytes` separated by commas, the newest first
    (it encrypts; the others still decrypt). Empty: one key derived from the secret key."""
    smtp_host: str = Field("", validation_alias="FLOWSTUDIO_SMTP_HOST")
    """SMTP server for sign-in codes; empty: mails go to the log and `<data dir>/mail/outbox.log`."""
    smtp_port: int = Field(587, validation_alias="FLOWSTUDIO_SMTP_PORT")
    smtp_user: str = Field("", validation_alias="FLOWSTUDIO_SMTP_USER")
    smtp_password: str = Field("", validation_alias="FLOWSTUDIO_SMTP_PASSWORD")
    smtp_starttls: bool = Field(True, validation_alias="FLOWSTUDIO_SMTP_STARTTLS")
    smtp_from: str = Field("FlowStudio <no-reply@flowstudio.local>", validation_alias="FLOWSTUDIO_SMTP_FROM")

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"FLOWSTUDIO_DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
        return value

    @model_validator(mode="after")
    def _derive_defaults(self) -> Settings:
        self.data_dir = self.data_dir.expanduser().resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'flowstudio.db'}"
        if self.env is Environment.PRODUCTION and not self.secret_key:
            raise ValueError("SECRET_KEY must be set when FLOWSTUDIO_ENV=production")
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the main database is SQLite (the zero-server default)."""
        return self.database_url.startswith("sqlite")

    @property
    def broker_url(self) -> str:
        """Celery's broker: explicit, else Redis, else Kombu's SQLAlchemy transport on a local SQLite file."""
        if self.celery_broker_url:
            return self.celery_broker_url
        if self.redis_url:
            return self.redis_url
        return f"sqla+sqlite:///{self.data_dir / 'celery-broker.sqlite'}"

    @property
    def result_backend_url(self) -> str:
        """Celery's result store, next to the broker."""
        if self.redis_url:
            return self.redis_url
        return f"db+sqlite:///{self.data_dir / 'celery-results.sqlite'}"

    def resolved_secret_key(self) -> str:
        """The signing key: `SECRET_KEY`, or one generated once and kept in the data directory (dev only)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call `get_settings.cache_clear()` after changing env)."""
    return Settings()
