"""Sign-in security in the browser: mandatory 2FA with the code read from a real SMTP sink, the lockout
message, and the account, sign-in policy and audit pages.

This module runs its own app (not the session's shared one): it turns on mandatory 2FA and locks an
e-mail, which other tests must not see, and its app sends mail to this module's SMTP sink.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, ARTIFACTS, log_in
from tests.browser.server import AppFailed, start_app, stop_app
from tests.support.mail import Sink, smtp_sink


@pytest.fixture(scope="module")
def sink() -> Iterator[tuple[Sink, int]]:
    with smtp_sink() as running:
        yield running


@pytest.fixture(scope="module")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data folder (SQLite database) of this module's app."""
    return tmp_path_factory.mktemp("app-2fa")


@pytest.fixture(scope="module")
def app_url(sink: tuple[Sink, int], app_data: Path) -> Iterator[str]:
    """This module's own `flowstudio serve`, mailing through the sink."""
    mail_env = {
        "FLOWSTUDIO_SMTP_HOST": "127.0.0.1",
        "FLOWSTUDIO_SMTP_PORT": str(sink[1]),
        "FLOWSTUDIO_SMTP_STARTTLS": "false",
    }
    saved = {name: os.environ.get(name) for name in mail_env}
    os.environ.update(mail_env)
    try:
        process, base_url = start_app(
            app_data, ARTIFACTS / "serve-login-security.log", admin_password=ADMIN_PASSWORD, worker=False
        )
    except AppFailed as error:
        pytest.fail(str(error))
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    try:
        yield base_url
    finally:
        stop_app(process)


def _shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"login-security-{name}.png", full_page=True)


def test_1_admin_makes_two_step_verification_mandatory(page) -> None:
    page.goto("/login")
    _shot(page, "credentials")
    log_in(page)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.goto("/settings/security")
    switch = page.get_by_test_id("policy-2fa")
    expect(switch).to_be_visible()
    switch.click()
    expect(switch).to_have_attribute("data-state", "checked")
    page.get_by_test_id("policy-save").click()
    expect(page.get_by_test_id("policy-message")).to_be_visible()
    _shot(page, "settings-security")


def test_2_sign_in_with_password_and_the_emailed_code(page, sink) -> None:
    mails, _ = sink
    before = len([m for m in mails.messages if ADMIN_EMAIL in (m["To"] or "")])
    page.goto("/login?next=/settings/audit")
    log_in(page)
    code_input = page.get_by_test_id("login-code")
    expect(code_input).to_be_visible()
    expect(page.get_by_text("a****@flowstudio.local")).to_be_visible()
    _shot(page, "code-step")
    wrong = page.get_by_test_id("login-code")
    wrong.fill("000000" if mails.code_for(ADMIN_EMAIL, before + 1) != "000000" else "111111")
    page.get_by_test_id("login-code-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("Código incorreto")
    code_input.fill(mails.code_for(ADMIN_EMAIL, before + 1))
    page.get_by_test_id("login-code-submit").click()
    expect(page).to_have_url(re.compile(r"/settings/audit/?$"))
    expect(page.get_by_test_id("audit-row").first).to_be_visible()
    expect(page.get_by_text("auth.sign_in", exact=True).first).to_be_visible()
    _shot(page, "audit")
    page.goto("/account/security")
    page.get_by_test_id("acct-totp-start").click()
    expect(page.get_by_test_id("acct-totp-secret")).to_be_visible()
    _shot(page, "account-security")


def test_3_repeated_failures_show_the_lockout_without_revealing_the_account(page) -> None:
    page.goto("/login")
    for attempt in range(5):
        page.get_by_test_id("login-email").fill("nobody@example.com")
        page.get_by_test_id("login-password").fill(f"wrong-{attempt}")
        page.get_by_test_id("login-submit").click()
        expected = "Muitas tentativas" if attempt == 4 else "E-mail ou senha incorretos"
        expect(page.get_by_test_id("login-error")).to_contain_text(re.compile(expected, re.IGNORECASE))
    _shot(page, "locked")


def test_4_an_expired_password_is_replaced_before_anything_opens(page, sink, app_data) -> None:
    mails, _ = sink
    engine = sa.create_engine(f"sqlite:///{app_data / 'flowstudio.db'}")
    with engine.begin() as db:
        user_id = db.execute(sa.text("SELECT id FROM app_user WHERE email = :e"), {"e": ADMIN_EMAIL}).scalar_one()
        db.execute(sa.text("UPDATE sign_in_policy SET password_max_age_days = 30"))
        db.execute(
            sa.text("UPDATE account_security SET password_changed_at = :t WHERE user_id = :u"),
            {"t": datetime(2020, 1, 1, tzinfo=UTC), "u": user_id},
        )
        if not db.execute(sa.text("SELECT 1 FROM account_security WHERE user_id = :u"), {"u": user_id}).first():
            db.execute(
                sa.text(
                    "INSERT INTO account_security (user_id, session_epoch, password_changed_at, "
                    "totp_secret, totp_last_step, created_at) VALUES (:u, 0, :t, '', 0, :t)"
                ),
                {"u": user_id, "t": datetime(2020, 1, 1, tzinfo=UTC)},
            )
    engine.dispose()
    sent = len([m for m in mails.messages if ADMIN_EMAIL in (m["To"] or "")])
    page.goto("/login?next=/bots")
    log_in(page)
    page.get_by_test_id("login-code").fill(mails.code_for(ADMIN_EMAIL, sent + 1))
    page.get_by_test_id("login-code-submit").click()
    expect(page.get_by_test_id("login-new-password")).to_be_visible()
    page.get_by_test_id("login-new-password").fill("curta")
    page.get_by_test_id("login-confirm-password").fill("curta")
    page.get_by_test_id("login-new-password-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("pelo menos 10")
    _shot(page, "new-password")
    page.get_by_test_id("login-new-password").fill("Outra-Senha-Forte-7")
    page.get_by_test_id("login-confirm-password").fill("Outra-Senha-Forte-7")
    page.get_by_test_id("login-new-password-submit").click()
    expect(page).to_have_url(re.compile(r"/bots/?$"))
