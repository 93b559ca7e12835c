"""Shared fixtures: isolated settings and data folders, migrated databases, and the real services.

Tests that need PostgreSQL (127.0.0.1:5432, database `test`) or Redis (127.0.0.1:6379) skip when the
server is unreachable, unless FLOWSTUDIO_REQUIRE_SERVICES=1 (as in CI), where they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from flowstudio.db import engine_for
from flowstudio.settings import get_settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN_URL = os.environ.get("FLOWSTUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("FLOWSTUDIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_SETTINGS_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "FLOWSTUDIO_ENV",
    "FLOWSTUDIO_DATA_DIR",
    "FLOWSTUDIO_PORT",
    "FLOWSTUDIO_ADMIN_EMAIL",
    "FLOWSTUDIO_ADMIN_PASSWORD",
    "FLOWSTUDIO_DEFAULT_LANGUAGE",
    "FLOWSTUDIO_FAST_PATH",
)


def services_required() -> bool:
    """Whether unreachable services fail the tests that need them (CI) instead of skipping them."""
    return os.environ.get("FLOWSTUDIO_REQUIRE_SERVICES") == "1"


def service_unavailable(name: str, error: Exception) -> None:
    """Skip, or fail when services are required."""
    message = f"{name} is not reachable: {error}"
    if services_required():
        pytest.fail(message + " (FLOWSTUDIO_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data folder and SQLite database, and fresh cached settings."""
    for name in _SETTINGS_VARS:
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "data"
    monkeypatch.setenv("FLOWSTUDIO_ENV", "test")
    monkeypatch.setenv("FLOWSTUDIO_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)  # keep any stray .env of the developer out of the tests
    get_settings.cache_clear()
    _clear_process_caches()
    yield data_dir
    get_settings.cache_clear()


def _clear_process_caches() -> None:
    """Caches keyed by database ids (one database per process in production): each test has its own
    database, whose ids restart at 1."""
    from flowstudio.api.channels import common
    from flowstudio.models import sealing
    from flowstudio.services.conversations import runtime
    from flowstudio.services.integrations import webhooks
    from flowstudio.services.studio import action_catalog, nlu

    runtime._flows.clear()
    runtime._published.clear()
    nlu._cache.clear()
    common._channels.clear()
    action_catalog.invalidate()
    action_catalog._bot_workspaces.clear()
    webhooks.invalidate()
    sealing.forget_policies()


def use_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    """Set environment variables and re-read the settings."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


@pytest.fixture
def sqlite_url(isolated_settings: Path) -> str:
    """The URL of this test's own SQLite database (not yet migrated)."""
    return get_settings().database_url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A brand-new PostgreSQL database for this test, dropped afterwards."""
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"flowstudio_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        admin.dispose()
        service_unavailable("PostgreSQL", error)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    engine_for(url).dispose()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def redis_url() -> str:
    """The test Redis server's URL, after checking it answers."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        service_unavailable("Redis", error)
    finally:
        client.close()
    return REDIS_TEST_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each test using it runs on SQLite and on PostgreSQL, set as DATABASE_URL, migrated to head."""
    from flowstudio.services.system import migrations

    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    use_env(monkeypatch, DATABASE_URL=url)
    migrations.upgrade(url)
    return url


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    """A session on the migrated database (both backends)."""
    with Session(engine_for(database_url), expire_on_commit=False) as db_session:
        yield db_session


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Deliveries the webhook queued (sent later with `drain`)."""
    ids: list[int] = []

    class Recorder:
        @staticmethod
        def apply_async(args, kwargs=None, countdown=None) -> None:
            for batch in [args[0], *(ids for ids, _due in (kwargs or {}).get("later", []))]:  # a turn's chain
                ids.extend(batch if isinstance(batch, list) else [batch])  # one id, or a batch

    from flowstudio.tasks import delivery

    monkeypatch.setattr(delivery, "deliver", Recorder)
    return ids
