"""The app as `make run` serves it (`flowstudio serve`: migrate, seed, worker, Reflex prod), and Chromium.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import PROJECT_ROOT, services_required

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("FLOWSTUDIO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
ADMIN_EMAIL = "admin@flowstudio.local"
ADMIN_PASSWORD = "browser-test-password"
START_TIMEOUT_S = 420

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base_url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"flowstudio serve exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(f"{base_url}/api/v1/health", timeout=2).status_code == 200 and \
                    httpx.get(f"{base_url}/login/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"the app did not come up in {START_TIMEOUT_S}s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `flowstudio serve` on a free port with its own data folder; stop it after the session."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("app-data")
    tools_bin = PROJECT_ROOT / ".tools" / "node_modules" / ".bin"
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}},
        "PATH": f"{tools_bin}:{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "FLOWSTUDIO_ENV": "test",
        "FLOWSTUDIO_DATA_DIR": str(data_dir),
        "FLOWSTUDIO_PORT": str(port),
        "FLOWSTUDIO_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    log = ARTIFACTS / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "flowstudio.cli", "serve"], cwd=PROJECT_ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, process, log)
        yield base_url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        pytest.fail(message) if services_required() else pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001
    """Remember each phase's outcome on the test item (for screenshots of failures)."""
    outcome = yield
    setattr(item, f"report_{outcome.get_result().when}", outcome.get_result())


@pytest.fixture
def page(browser, app_url: str, request: pytest.FixtureRequest):
    """A fresh browser context (no cookies, no local storage) at 1280x800; a failure leaves a screenshot."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_url, locale="pt-BR")
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=ARTIFACTS / f"FAILED-{request.node.name}.png")
    context.close()


def log_in(page, password: str = ADMIN_PASSWORD) -> None:
    """Fill and submit the login form."""
    page.get_by_test_id("login-email").fill(ADMIN_EMAIL)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
