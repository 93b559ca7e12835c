"""A backend-only web node (its pages served by a CDN or a static server): `reflex run --env prod --backend-only`
and `flowstudio serve --backend-only` start with the project's configuration and answer the API."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from flowstudio.cli import app
from tests.conftest import PROJECT_ROOT

START_TIMEOUT_S = 600  # a generous bound on a loaded machine, not a measurement


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def health_when_up(process: subprocess.Popen, base: str, log: Path) -> dict:
    """The app's /api/v1/health once it answers 200 (fails with its log if it exits first)."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, f"exited with {process.returncode}:\n{log.read_text()[-3000:]}"
        try:
            answer = httpx.get(f"{base}/api/v1/health", timeout=5)
            if answer.status_code == 200:
                return answer.json()
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"no answer in {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")


def test_reflex_runs_the_backend_alone_on_the_configured_port(tmp_path: Path) -> None:
    assert CliRunner().invoke(app, ["migrate"]).exit_code == 0
    port = free_port()
    env = {
        **os.environ,
        "FLOWSTUDIO_PORT": str(port),
        "REFLEX_WEB_WORKDIR": str(tmp_path / "web"),  # not the checkout's .web, which another app may be using
        "REFLEX_STATES_WORKDIR": str(tmp_path / "states"),
        "REFLEX_TELEMETRY_ENABLED": "false",
    }
    log = tmp_path / "reflex.log"
    process = start([sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only"], env, log)
    try:
        health = health_when_up(process, f"http://127.0.0.1:{port}", log)
        assert health["status"] == "ok" and health["database"]["ok"]
        assert httpx.get(f"http://127.0.0.1:{port}/login/", timeout=10).status_code == 404  # pages come from elsewhere
    finally:
        stop(process)
    assert "Cannot specify --frontend-port" not in log.read_text()


def test_serve_backend_only_seeds_and_serves_the_api_without_building_pages(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "REFLEX_TELEMETRY_ENABLED": "false"}
    command = [sys.executable, "-m", "flowstudio.cli", "serve", "--backend-only", "--no-worker", "--port", str(port)]
    process = start(command, env, log)
    try:
        health = health_when_up(process, f"http://127.0.0.1:{port}", log)
        assert health["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/login/", timeout=10).status_code == 404
        config = httpx.get(f"http://127.0.0.1:{port}/api/v1/webchat/pizzaria-bella/config", timeout=10)
        assert config.status_code == 200  # seeded: the demo's webchat channel answers
    finally:
        stop(process)
    output = log.read_text()
    assert "seeded the demo bot 'Pizzaria Bella'" in output
    assert "Compiling" not in output and "Creating Production Build" not in output, output[-3000:]
