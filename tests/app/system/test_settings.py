"""Settings: zero-config defaults, Redis switching, and refusing unsafe production set-ups."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from flowstudio.settings import Settings, get_settings
from tests.conftest import use_env


def test_defaults_need_no_server(isolated_settings: Path) -> None:
    settings = get_settings()
    assert settings.database_url == f"sqlite:///{isolated_settings / 'flowstudio.db'}"
    assert settings.broker_url == f"sqla+sqlite:///{isolated_settings / 'celery-broker.sqlite'}"
    assert settings.result_backend_url.startswith("db+sqlite:///")
    assert settings.default_language == "pt-BR"
    assert settings.port == 3000


def test_redis_url_becomes_broker_and_result_store(monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, REDIS_URL="redis://cache:6379/1")
    settings = get_settings()
    assert settings.broker_url == "redis://cache:6379/1"
    assert settings.result_backend_url == "redis://cache:6379/1"


def test_explicit_broker_wins_over_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, REDIS_URL="redis://cache:6379/1", CELERY_BROKER_URL="amqp://guest@rabbit//")
    assert get_settings().broker_url == "amqp://guest@rabbit//"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql+psycopg://app@db/flowstudio\nFLOWSTUDIO_PORT=8080\n")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://app@db/flowstudio"
    assert settings.port == 8080


def test_production_refuses_to_start_without_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, FLOWSTUDIO_ENV="production")
    with pytest.raises(ValidationError, match="SECRET_KEY must be set"):
        Settings()


def test_unknown_ui_language_is_rejected_with_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, FLOWSTUDIO_DEFAULT_LANGUAGE="de")
    with pytest.raises(ValidationError, match="pt-BR, es, en"):
        Settings()


def test_generated_secret_key_is_kept_private_and_stable(isolated_settings: Path) -> None:
    first = get_settings().resolved_secret_key()
    assert len(first) >= 40
    assert get_settings().resolved_secret_key() == first
    assert (isolated_settings / "secret_key").stat().st_mode & 0o077 == 0


def test_configured_secret_key_is_used_as_is(monkeypatch: pytest.MonkeyPatch, isolated_settings: Path) -> None:
    use_env(monkeypatch, SECRET_KEY="from-the-environment")
    assert get_settings().resolved_secret_key() == "from-the-environment"
    assert not (isolated_settings / "secret_key").exists()


def _reflex_config(env: dict[str, str]) -> dict:
    import json
    import os
    import subprocess
    import sys

    from tests.conftest import PROJECT_ROOT

    code = (
        "import json, os, rxconfig; c = rxconfig.config; print(json.dumps({'redis': c.redis_url, "
        "'port': [c.frontend_port, c.backend_port], 'deploy_url': c.deploy_url, "
        "'granian': os.environ.get('GRANIAN_WORKERS')}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "GRANIAN_WORKERS", "FLOWSTUDIO_PORT"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_reflex_shares_redis_url_and_serves_ui_and_backend_on_one_port() -> None:
    """Only the backend's port is set: a full prod run serves the pages on it too, and a backend-only run
    (which refuses any frontend port) starts (tests/app/system/test_backend_only.py)."""
    assert _reflex_config({"REDIS_URL": "redis://cache:6379/2", "FLOWSTUDIO_PORT": "3300"}) == {
        "redis": "redis://cache:6379/2",
        "port": [None, 3300],
        "deploy_url": "http://localhost:3300",
        "granian": "2",
    }
    assert _reflex_config({})["redis"] is None
