"""The settings page: an administrator changes the time zone and retention, reloads and sees them saved; a
wrong value shows a message and stores nothing. Then encryption at rest in the inbox: with it on, the admin
(not granted "read encrypted messages") sees the redacted marker; "forget this contact" erases the person."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, log_in, open_logged_in


def _save(page: Page) -> None:
    page.get_by_test_id("settings-save").click()


def _set_encryption(page: Page, on: bool) -> None:
    page.goto("/settings")
    switch = page.get_by_test_id("settings-encrypt")
    expect(switch).to_be_visible()
    if (switch.get_attribute("aria-checked") == "true") != on:
        switch.click()
    _save(page)
    expect(page.get_by_test_id("settings-error")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("settings-encrypt")).to_have_attribute("aria-checked", "true" if on else "false")


def test_settings_are_saved_and_bad_values_are_refused(page: Page) -> None:
    open_logged_in(page, "/settings")
    timezone = page.get_by_test_id("settings-timezone")
    expect(timezone).to_be_editable()
    timezone.fill("America/Manaus")
    page.get_by_test_id("settings-retention_days").fill("45")
    page.get_by_test_id("settings-types").fill("vendas, suporte, cobrança")
    _save(page)
    expect(page.get_by_text("Configurações salvas")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("settings-timezone")).to_have_value("America/Manaus")
    expect(page.get_by_test_id("settings-retention_days")).to_have_value("45")
    expect(page.get_by_test_id("settings-types")).to_have_value("vendas, suporte, cobrança")

    page.get_by_test_id("settings-retention_days").fill("0")
    page.get_by_test_id("settings-timezone").fill("Marte/Olympus")
    _save(page)
    expect(page.get_by_test_id("settings-error")).to_contain_text("Fuso horário desconhecido")
    page.get_by_test_id("settings-timezone").fill("America/Manaus")
    _save(page)
    expect(page.get_by_test_id("settings-error")).to_contain_text("Informe dias inteiros")
    page.reload()
    expect(page.get_by_test_id("settings-retention_days")).to_have_value("45")  # nothing stored

    page.get_by_test_id("settings-run").click()
    expect(page.get_by_test_id("settings-runs")).to_contain_text("página de configurações")
    expect(page.get_by_test_id("settings-link-security")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "settings.png", full_page=True)


def test_encrypted_messages_are_redacted_and_a_contact_is_forgotten(browser: Browser, app_url: str) -> None:
    marker = uuid.uuid4().hex[:6]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=app_url, locale="pt-BR")
    context.set_default_timeout(30_000)
    agent = context.new_page()
    agent.goto("/inbox")
    log_in(agent)
    expect(agent).to_have_url(re.compile(r"/inbox/?$"))
    customer = browser.new_context(base_url=app_url, locale="pt-BR").new_page()
    customer.goto("/webchat/demo")
    customer.get_by_test_id("webchat-launcher").click()
    customer.get_by_test_id("webchat-input").fill("oi")
    customer.get_by_test_id("webchat-send").click()
    customer.get_by_test_id("webchat-button").filter(has_text="Falar com atendente").click()
    expect(
        customer.get_by_test_id("webchat-bot").filter(has_text="Vou te passar para um dos nossos atendentes")
    ).to_have_count(1)
    customer.get_by_test_id("webchat-input").fill(f"Meu CPF é 123.456.789-09, pedido {marker}")
    customer.get_by_test_id("webchat-send").click()
    row = agent.get_by_test_id("inbox-row").filter(has_text=marker)
    try:
        expect(row).to_have_count(1)
    except AssertionError:
        agent.screenshot(path=ARTIFACTS / "FAILED-inbox-redacted-row.png")
        raise
    row.click()
    messages = agent.get_by_test_id("chat-messages")
    expect(messages.get_by_test_id("chat-contact").filter(has_text=marker)).to_have_count(1)

    settings = context.new_page()
    try:
        _set_encryption(settings, True)
        customer.get_by_test_id("webchat-input").fill(f"Outro dado sigiloso {marker}")
        customer.get_by_test_id("webchat-send").click()
        agent.reload()  # the same tab keeps its open conversation
        expect(messages.get_by_test_id("chat-contact").filter(has_text="mensagem criptografada")).not_to_have_count(0)
        expect(messages).not_to_contain_text(marker)
        expect(messages).not_to_contain_text("123.456.789-09")
        agent.screenshot(path=ARTIFACTS / "inbox-redacted.png")

        agent.get_by_test_id("forget-contact").click()
        agent.get_by_test_id("forget-confirm").click()
        expect(agent.get_by_text("Contato esquecido")).to_be_visible()
        expect(messages.get_by_test_id("chat-contact").filter(has_text="Mensagem apagada")).not_to_have_count(0)
        expect(messages.get_by_test_id("chat-contact").filter(has_text="criptografada")).to_have_count(0)
        expect(agent.get_by_test_id("forget-confirm")).to_have_count(0)  # the confirmation closed
        agent.screenshot(path=ARTIFACTS / "inbox-forgotten.png")
    finally:
        _set_encryption(settings, False)  # the demo workspace is shared with the other browser tests
        context.close()
