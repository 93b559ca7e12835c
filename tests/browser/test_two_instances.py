"""Two apps started from one checkout: the second builds its pages apart and both keep working (the second
used to re-point the first one's pages at its own websocket)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN_PASSWORD, ARTIFACTS, log_in
from tests.browser.server import AppFailed, start_app, stop_app


def _signs_in(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=base_url, locale="pt-BR")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto("/login")
        log_in(page, ADMIN_PASSWORD)
        expect(page).not_to_have_url(re.compile(r"/login"))  # the sign-in went through this app's websocket
    finally:
        context.close()


def test_a_second_app_from_the_same_checkout_leaves_the_first_working(app_url, browser, tmp_path):
    try:
        second, second_url = start_app(
            tmp_path / "second", ARTIFACTS / "serve-second.log", admin_password=ADMIN_PASSWORD, worker=False
        )
    except AppFailed as error:
        pytest.fail(str(error))
    try:
        assert "builds its pages into .web-2" in (ARTIFACTS / "serve-second.log").read_text()
        _signs_in(browser, app_url)
        _signs_in(browser, second_url)
    finally:
        stop_app(second)
    _signs_in(browser, app_url)
