"""The `flowstudio` command line."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from flowstudio.cli import app
from flowstudio.db import session_scope
from flowstudio.models import FlowVersion, FlowVersionStatus
from tests.conftest import PROJECT_ROOT, use_env

runner = CliRunner()


def test_seed_migrates_and_prints_the_admin_credentials_only_once() -> None:
    first = runner.invoke(app, ["seed"])
    assert first.exit_code == 0, first.output
    assert "seeded the demo bot 'Pizzaria Bella'" in first.output
    assert "password:" in first.output
    second = runner.invoke(app, ["seed"])
    assert second.exit_code == 0
    assert "password:" not in second.output and "already exists" in second.output


def test_admin_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    use_env(monkeypatch, FLOWSTUDIO_ADMIN_PASSWORD="my-own-password", FLOWSTUDIO_ADMIN_EMAIL="boss@example.com")
    result = runner.invoke(app, ["seed"])
    assert "boss@example.com" in result.output and "my-own-password" in result.output


def test_set_password_then_health() -> None:
    runner.invoke(app, ["seed"])
    changed = runner.invoke(app, ["admin", "set-password", "admin@flowstudio.local", "--password", "another-pass"])
    assert changed.exit_code == 0 and "set" in changed.output
    too_short = runner.invoke(app, ["admin", "set-password", "admin@flowstudio.local", "--password", "short"])
    assert too_short.exit_code == 2 and "at least 8" in too_short.output
    unknown = runner.invoke(app, ["admin", "set-password", "ghost@example.com"])
    assert unknown.exit_code == 1 and "no user" in unknown.output
    health = runner.invoke(app, ["health"])
    assert health.exit_code == 0
    assert json.loads(health.output)["database"]["ok"] is True


def test_health_exits_1_before_migrations() -> None:
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 1
    assert json.loads(result.output)["ok"] is False


def test_console_script_is_installed() -> None:
    script = PROJECT_ROOT / ".venv" / "bin" / "flowstudio"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "flowstudio.cli"]
    result = subprocess.run([*command, "version"], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "0.1.0"


def test_channels_are_created_from_the_command_line_without_echoing_secrets() -> None:
    runner.invoke(app, ["seed"])
    created = runner.invoke(
        app,
        [
            "channel",
            "create",
            "--kind",
            "telegram",
            "--name",
            "TG",
            "--secret",
            "bot_token=123:SECRET",
            "--secret",
            "webhook_secret=s3cr3t",
        ],
    )
    assert created.exit_code == 0, created.output
    view = json.loads(created.output)
    assert view["webhook_path"] == f"/webhooks/telegram/{view['key']}"
    assert view["secrets_set"] == ["bot_token", "webhook_secret"] and "SECRET" not in created.output
    missing = runner.invoke(app, ["channel", "create", "--kind", "whatsapp", "--name", "WA"])
    assert missing.exit_code == 2 and "config.phone_number_id" in missing.output
    listed = json.loads(runner.invoke(app, ["channel", "list"]).output)
    assert [c["kind"] for c in listed] == ["webchat", "telegram"]


def test_token_create_prints_a_working_token_once() -> None:
    from fastapi.testclient import TestClient

    from flowstudio.api import create_api

    runner.invoke(app, ["seed"])
    result = runner.invoke(app, ["token", "create", "--role", "supervisor"])
    token = result.output.strip()
    assert result.exit_code == 0 and token.startswith("fst_")
    response = TestClient(create_api()).get("/api/v1/bots", headers={"Authorization": f"Bearer {token}"})
    assert [b["name"] for b in response.json()] == ["Pizzaria Bella"]
    assert runner.invoke(app, ["token", "create", "--role", "owner"]).exit_code == 2


def test_seed_on_a_machine_without_the_sandbox_starts_with_the_demo_as_a_draft(tmp_path, isolated_settings) -> None:
    """No bubblewrap (a PATH without it, as on a machine where `make setup` could not install it): the demo's
    conversation tests that run code fail, so the demo bot stays a draft, and seeding still succeeds, so
    `flowstudio serve` starts instead of dying on a traceback."""
    no_bwrap = tmp_path / "bin"
    no_bwrap.mkdir()
    for folder in ("/usr/local/bin", "/usr/bin"):
        for tool in sorted(p for p in Path(folder).iterdir() if p.name != "bwrap"):
            if not (no_bwrap / tool.name).exists():
                (no_bwrap / tool.name).symlink_to(tool)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{no_bwrap}"}
    result = subprocess.run(
        [sys.executable, "-m", "flowstudio.cli", "seed"], capture_output=True, text=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "seeded the demo bot 'Pizzaria Bella'" in result.stdout
    assert "the demo bot stays a draft here (cannot publish: " in result.stderr
    with session_scope() as session:
        statuses = [v.status for v in session.exec(select(FlowVersion)).all()]
    assert statuses == [FlowVersionStatus.DRAFT]  # the bot exists, nothing was published
