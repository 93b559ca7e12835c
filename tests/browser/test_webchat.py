"""The webchat widget on the demo page: a whole order with the bot; and a customer with an agent in the inbox
(two browser contexts): the agent picks the conversation, the customer sees who joined and their messages
apart from the bot's, no false "typing…", and a notice when the agent closes."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, log_in

SHOTS = Path("/tmp/webchat-shots")  # screenshots for a person to look at, outside the repository


def _say(page: Page, text: str) -> None:
    page.get_by_test_id("webchat-input").fill(text)
    page.get_by_test_id("webchat-send").click()


def _context(browser: Browser, app_url: str, width: int = 1440, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=app_url, locale="pt-BR")
    context.set_default_timeout(30_000)
    return context


def _set_status(agent: Page, label: str) -> None:
    agent.get_by_test_id("my-status").click()
    agent.get_by_role("option", name=label).click()
    expect(agent.get_by_test_id("my-status")).to_contain_text(label)


def test_a_whole_order_through_the_widget(page: Page) -> None:
    page.set_default_timeout(30_000)
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto("/webchat/demo")
    expect(page.get_by_role("heading", name="Pizzaria Bella 🍕")).to_be_visible()
    launcher = page.get_by_test_id("webchat-launcher")
    expect(launcher.locator(".i-open svg")).to_be_visible()  # an icon that needs no emoji font
    expect(launcher).to_have_attribute("aria-label", "Abrir o chat")
    page.screenshot(path=SHOTS / "desktop-launcher.png")
    launcher.click()
    expect(launcher.locator(".i-close svg")).to_be_visible()
    expect(launcher).to_have_attribute("aria-label", "Fechar o chat")
    expect(page.get_by_test_id("webchat-input")).to_have_attribute("placeholder", "Digite sua mensagem…")
    _say(page, "oi")
    bot = page.get_by_test_id("webchat-bot")
    expect(bot.filter(has_text="assistente da Pizzaria Bella")).to_have_count(1)
    expect(bot.filter(has_text="Como posso ajudar?")).to_have_count(1)
    expect(page.get_by_test_id("webchat-typing")).to_have_count(0)  # cleared as the replies arrived
    page.get_by_test_id("webchat-button").filter(has_text="Fazer pedido").click()
    carousel = page.get_by_test_id("webchat-carousel")
    expect(carousel).to_contain_text("Calabresa")
    expect(carousel).to_contain_text("Margherita")
    # the menu answered once: its buttons no longer send anything
    expect(page.get_by_test_id("webchat-button").filter(has_text="Horário")).to_be_disabled()
    expect(carousel.get_by_test_id("webchat-button").first).to_be_enabled()
    page.screenshot(path=ARTIFACTS / "webchat-carousel.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=SHOTS / "phone-menu.png")
    page.set_viewport_size({"width": 1440, "height": 900})
    carousel.get_by_test_id("webchat-button").first.click()
    expect(bot.filter(has_text="Qual é o endereço de entrega?")).to_have_count(1)
    expect(carousel.get_by_test_id("webchat-button").first).to_be_disabled()
    _say(page, "Rua das Flores, 123")
    expect(bot.filter(has_text="Para qual e-mail envio o recibo?")).to_have_count(1)
    _say(page, "ana@example.com")
    expect(
        bot.filter(has_text="Pedido confirmado: pizza de Calabresa para Rua das Flores, 123. Total: R$ 45.")
    ).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "webchat-order.png")

    page.reload()  # the visitor and the conversation survive a reload; old menus stay answered
    expect(page.get_by_test_id("webchat-bot").filter(has_text="Pedido confirmado")).to_have_count(1)
    expect(page.get_by_test_id("webchat-button").filter(has_text="Fazer pedido")).to_be_disabled()


def test_the_customer_sees_the_agent_join_write_and_close(browser: Browser, app_url: str) -> None:
    marker = uuid.uuid4().hex[:6]
    SHOTS.mkdir(exist_ok=True)
    agent = _context(browser, app_url).new_page()
    agent.goto("/inbox")
    expect(agent).to_have_url(re.compile(r"/login"))
    log_in(agent)
    expect(agent.get_by_test_id("inbox")).to_be_visible()
    _set_status(agent, "Ausente")  # so the conversation waits in line until the agent picks it
    customer = _context(browser, app_url).new_page()
    try:
        customer.goto(f"/webchat/demo?name=Carla%20{marker}")
        customer.get_by_test_id("webchat-launcher").click()
        _say(customer, "oi")
        customer.get_by_test_id("webchat-button").filter(has_text="Falar com atendente").click()
        expect(
            customer.get_by_test_id("webchat-bot").filter(has_text="Vou te passar para um dos nossos atendentes")
        ).to_have_count(1)
        _say(customer, f"Meu pedido {marker} atrasou")
        expect(customer.get_by_test_id("webchat-visitor").filter(has_text=marker)).to_have_count(1)
        typing = customer.get_by_test_id("webchat-typing")
        customer.wait_for_timeout(1500)
        expect(typing).to_have_count(0)  # nobody is answering yet: no false "typing…"

        agent.get_by_test_id("view-queue").click()
        row = agent.get_by_test_id("inbox-row").filter(has_text=f"Carla {marker}")  # the name the page gave
        expect(row).to_have_count(1)
        row.click()
        agent.get_by_test_id("chat-pick").click()
        expect(agent.get_by_test_id("chat-owner")).to_contain_text("Admin")

        notices = customer.get_by_test_id("webchat-notice")
        expect(notices.filter(has_text="Admin entrou na conversa")).to_have_count(1)
        agent.get_by_test_id("chat-input").fill(f"Olá, Carla! Vou ver o pedido {marker}.")
        agent.get_by_test_id("chat-send").click()
        from_agent = customer.get_by_test_id("webchat-agent").filter(has_text="Vou ver o pedido")
        expect(from_agent).to_have_count(1)
        expect(customer.get_by_test_id("webchat-agent-name").last).to_have_text("Admin")
        expect(customer.get_by_test_id("webchat-bot").filter(has_text="Vou ver o pedido")).to_have_count(0)

        _say(customer, "obrigada")
        expect(
            agent.get_by_test_id("chat-messages").get_by_test_id("chat-contact").filter(has_text="obrigada")
        ).to_have_count(1)
        expect(typing).to_have_count(0)  # a person owns it: the widget never pretends the bot is typing
        customer.screenshot(path=SHOTS / "desktop-agent.png")
        customer.set_viewport_size({"width": 390, "height": 844})
        customer.screenshot(path=SHOTS / "phone-agent.png")
        customer.set_viewport_size({"width": 1440, "height": 900})

        agent.get_by_test_id("chat-close").click()
        agent.get_by_test_id("close-confirm").click()
        expect(notices.filter(has_text="A conversa foi encerrada")).to_have_count(1)
        expect(typing).to_have_count(0)
        customer.screenshot(path=SHOTS / "desktop-closed.png")
    finally:
        _set_status(agent, "Online")  # the demo admin answers the other tests' hand-offs
        agent.context.close()
        customer.context.close()
