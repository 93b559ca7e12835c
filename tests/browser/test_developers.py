"""A developer subscribes a local receiver to message events, a customer writes in the webchat, and the signed
delivery shows in the log; the code actions and secrets tabs, screenshotted."""

from __future__ import annotations

import json
import time

from playwright.sync_api import Page, expect

from flowstudio.services.integrations.signing import signature_ok
from tests.app.integrations.test_webhooks import receiver
from tests.browser.conftest import ARTIFACTS, open_logged_in
from tests.browser.test_studio_code import _write_code


def fill_action_form(page: Page, *, key: str, name: str, param: str, outcomes: str, code: list[str]) -> None:
    """Open a new action on /developers and fill its key, name, one parameter, outcomes and code (not saved)."""
    page.get_by_test_id("action-new").click()
    page.get_by_test_id("action-key").fill(key)
    page.get_by_test_id("action-name").fill(name)
    page.get_by_test_id("param-add").click()
    page.get_by_test_id("param-name").fill(param)
    page.get_by_test_id("action-outcomes").fill(outcomes)
    _write_code(page, code, testid="action-code", blur_to="action-name")


def _customer_says(page: Page, text: str) -> None:
    chat = page.context.new_page()
    chat.goto("/webchat/demo")
    chat.get_by_test_id("webchat-launcher").click()
    chat.get_by_test_id("webchat-input").fill(text)
    chat.get_by_test_id("webchat-send").click()
    expect(chat.get_by_test_id("webchat-bot").first).to_be_visible(timeout=30_000)
    chat.close()


def test_a_webhook_subscription_receives_signed_message_events_and_logs_them(page: Page) -> None:
    page.set_default_timeout(30_000)
    with receiver() as hook:
        open_logged_in(page, "/developers")
        page.get_by_test_id("tab-webhooks").click()
        page.get_by_test_id("webhook-url").fill(hook.url)
        expect(page.get_by_test_id("event-message.created")).to_have_attribute("data-state", "checked")
        page.get_by_test_id("webhook-create").click()
        secret_box = page.get_by_test_id("webhook-secret")
        expect(secret_box).to_contain_text("whsec_")
        secret = secret_box.inner_text().strip()
        expect(page.get_by_test_id("webhook-row")).to_contain_text(hook.url)
        page.screenshot(path=ARTIFACTS / "developers-webhook-created.png", full_page=True)

        deadline = time.monotonic() + 90
        while not hook.requests and time.monotonic() < deadline:
            _customer_says(page, "oi")  # another web worker may take up to 15 s to notice the new subscription
            hook.arrived.wait(20)
        assert hook.requests, "no webhook arrived"
        first = hook.requests[0]
        assert signature_ok(
            secret, first.headers["x-flowstudio-timestamp"], first.body, first.headers["x-flowstudio-signature"]
        )
        assert json.loads(first.body)["event"] == "message.created"

        for _ in range(20):
            page.get_by_test_id("deliveries-refresh").click()
            if page.locator("[data-status=delivered]").count():
                break
            time.sleep(1)
        expect(page.locator("[data-status=delivered]").first).to_contain_text("entregue")
        page.get_by_test_id("delivery-payload").first.click()
        expect(page.get_by_text('"event": "message.created"').first).to_be_visible()
        page.screenshot(path=ARTIFACTS / "developers-webhook-log.png", full_page=True)
        page.get_by_test_id("webhook-delete").first.click()
        expect(page.get_by_test_id("webhook-row")).to_have_count(0)


def test_code_actions_and_secrets_tabs(page: Page) -> None:
    page.set_default_timeout(30_000)
    open_logged_in(page, "/developers")
    fill_action_form(
        page,
        key="double",
        name="Double a number",
        param="n",
        outcomes="big",
        code=[
            "flow.vars['result'] = float(flow.params['n']) * 2",
            "flow.say(f\"= {flow.vars['result']}\")",
            "if flow.vars['result'] > 100:",
            "    return 'big'",
        ],
    )
    page.get_by_test_id("test-params").fill('{"n": 60}')
    page.get_by_test_id("action-test-run").click()
    expect(page.get_by_test_id("test-outcome")).to_have_text("big")
    page.screenshot(path=ARTIFACTS / "developers-action-form.png", full_page=True)
    page.get_by_test_id("action-save").click()
    expect(page.get_by_test_id("action-row")).to_contain_text("double")
    page.screenshot(path=ARTIFACTS / "developers-actions.png", full_page=True)

    page.get_by_test_id("tab-secrets").click()
    page.get_by_test_id("secret-name").fill("CRM_TOKEN")
    page.get_by_test_id("secret-value").fill("tok-browser-1234")
    page.get_by_test_id("secret-save").click()
    expect(page.get_by_test_id("secret-row")).to_contain_text("CRM_TOKEN")
    expect(page.get_by_test_id("secret-value")).to_have_value("")
    assert "tok-browser-1234" not in page.content()
    page.screenshot(path=ARTIFACTS / "developers-secrets.png", full_page=True)
