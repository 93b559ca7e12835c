"""A person logs in and finds their way: the demo bot, the sections, the language, logging out."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, log_in


def test_logging_in_shows_the_demo_bot(page) -> None:
    page.goto("/login")
    log_in(page)
    expect(page).to_have_url(re.compile(r"/bots/?$"))
    card = page.get_by_test_id("bot-card").filter(
        has=page.get_by_test_id("bot-name").get_by_text("Pizzaria Bella", exact=True)
    )
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Versão publicada v1")
    expect(card).to_contain_text("pedidos")
    for label in ["Bots", "Caixa de entrada", "Gerenciador de fluxos", "Campanhas", "Métricas", "Configurações"]:
        expect(page.get_by_role("link", name=label)).to_be_visible()
    page.screenshot(path=ARTIFACTS / "bots.png")


def test_a_wrong_password_says_so_and_stays_on_the_login_page(page) -> None:
    page.goto("/login")
    log_in(page, password="not-the-password")
    expect(page.get_by_test_id("login-error")).to_have_text("E-mail ou senha incorretos.")
    expect(page).to_have_url(re.compile(r"/login"))
    page.screenshot(path=ARTIFACTS / "login-error.png")


def test_a_private_page_asks_for_login_then_returns_there(page) -> None:
    page.goto("/settings")
    expect(page).to_have_url(re.compile(r"/login/?\?next=(%2F|/)settings"))
    log_in(page)
    expect(page).to_have_url(re.compile(r"/settings/?$"))
    expect(page.get_by_role("heading", name="Configurações")).to_be_visible()
    expect(page.get_by_text("sqlite", exact=True)).to_be_visible()
    expect(page.get_by_text("ok", exact=True).first).to_be_visible()
    page.screenshot(path=ARTIFACTS / "settings.png")


def test_the_interface_speaks_english_and_spanish_and_remembers(page) -> None:
    page.goto("/login")
    log_in(page)
    expect(page.get_by_test_id("bot-card").first).to_be_visible()
    page.get_by_role("combobox", name="language").click()
    page.get_by_role("option", name="English").click()
    expect(page.get_by_role("link", name="Inbox")).to_be_visible()
    expect(page.get_by_test_id("bot-card").filter(has_text="Pizzaria Bella")).to_contain_text("Published version v1")
    page.reload()
    expect(page.get_by_role("link", name="Flow manager")).to_be_visible()
    page.get_by_role("combobox", name="language").click()
    page.get_by_role("option", name="Español").click()
    expect(page.get_by_role("link", name="Bandeja de entrada")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "bots-es.png")


def test_sections_open_and_logging_out_locks_them(page) -> None:
    page.goto("/login")
    log_in(page)
    page.get_by_role("link", name="Caixa de entrada").click()
    expect(page).to_have_url(re.compile(r"/inbox/?$"))
    expect(page.get_by_test_id("inbox")).to_be_visible()
    page.get_by_role("link", name="Campanhas").click()
    expect(page).to_have_url(re.compile(r"/campaigns/?$"))
    expect(page.get_by_text("Em construção")).to_be_visible()
    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto("/bots")
    expect(page).to_have_url(re.compile(r"/login/?\?next=(%2F|/)bots"))
