"""Start FlowStudio the way `make run` does, and Debian's Chromium, for browser tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from flowstudio.serving import toolchain_env

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("FLOWSTUDIO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 420


class AppFailed(RuntimeError):
    """The app exited or never answered; the message holds the end of its log."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(data_dir: Path, port: int, admin_password: str) -> dict[str, str]:
    """The environment of an isolated app: its own data folder and port, SQLite, embedded broker, and the
    project's Node and bun as `flowstudio serve` sets them (`serving.toolchain_env`)."""
    inherited = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}}
    inherited["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{inherited.get('PATH', '')}"
    return {
        **toolchain_env(inherited, PROJECT_ROOT),
        "FLOWSTUDIO_ENV": "test",
        "FLOWSTUDIO_DATA_DIR": str(data_dir),
        "FLOWSTUDIO_PORT": str(port),
        "FLOWSTUDIO_ADMIN_PASSWORD": admin_password,
    }


def start_app(
    data_dir: Path, log: Path, *, admin_password: str, worker: bool = True, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """Run `flowstudio serve` (migrate, seed, worker, Reflex prod) and wait until it answers (`extra_env`: e.g. a
    `DATABASE_URL` and `REDIS_URL` for the production shape)."""
    port = free_port()
    command = [sys.executable, "-m", "flowstudio.cli", "serve", *([] if worker else ["--no-worker"])]
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env={**app_env(data_dir, port, admin_password), **(extra_env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AppFailed(f"flowstudio serve exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if (
                httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200
                and httpx.get(f"{base_url}/login/", timeout=2).status_code == 200
            ):
                return process, base_url
        except httpx.HTTPError:
            pass
        time.sleep(1)
    stop_app(process)
    raise AppFailed(f"the app did not come up in {START_TIMEOUT_S}s:\n{log.read_text()[-4000:]}")


def stop_app(process: subprocess.Popen) -> None:
    """Stop the app and its worker."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def launch_chromium(playwright):
    """Debian's Chromium (never `playwright install`)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
