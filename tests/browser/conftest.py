"""The app as `make run` serves it (`flowstudio serve`: migrate, seed, worker, Reflex prod), and Chromium.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.server import CHROMIUM, AppFailed, launch_chromium, start_app, stop_app
from tests.conftest import PROJECT_ROOT, services_required

expect.set_options(timeout=20_000)  # a loaded 2-core CI machine: UI round trips can take seconds

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ADMIN_EMAIL = "admin@flowstudio.local"
ADMIN_PASSWORD = "browser-test-password"


OWN_APP_MODULES = ("test_login_security.py",)
"""Browser test modules that start an app of their own. Reflex's production build bakes the backend's port
into `.web`, which every app started from this checkout shares: building a second app re-points the shared
app's pages at the second one's port. So these modules run after every test that uses the shared app."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser is a browser test (`-m "not browser"` skips the app build); the
    modules with their own app run last among them."""
    for item in items:
        if "/tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
    own = [item for item in items if item.path.name in OWN_APP_MODULES]
    if own:
        rest = [item for item in items if item.path.name not in OWN_APP_MODULES]
        last_browser = max((i for i, item in enumerate(rest) if "/tests/browser/" in str(item.path)), default=-1)
        items[:] = rest[: last_browser + 1] + own + rest[last_browser + 1 :]


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `flowstudio serve` on a free port with its own data folder; stop it after the session."""
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("FAILED-*.png"):
        old.unlink()
    try:
        process, base_url = start_app(
            tmp_path_factory.mktemp("app-data"), ARTIFACTS / "serve.log", admin_password=ADMIN_PASSWORD
        )
    except AppFailed as error:
        pytest.fail(str(error))
    try:
        yield base_url
    finally:
        stop_app(process)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make test` installs Debian's chromium"
        pytest.fail(message) if services_required() else pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch_chromium(playwright)
        yield instance
        instance.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
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


def open_logged_in(page, route: str) -> None:
    """Log in through `/login?next=<route>` and end on `route` (its path, not the query naming it). On a cold
    app the very first login has been seen landing on the home page instead: then the route is opened."""
    import re

    from playwright.sync_api import expect

    at_route = re.compile(rf"^[^?#]*{re.escape(route)}/?$")
    page.goto(f"/login?next={route}")
    log_in(page)
    expect(page).not_to_have_url(re.compile(r"/login"))
    if not at_route.search(page.url):
        page.goto(route)
    expect(page).to_have_url(at_route)
