"""A customer orders a pizza through the webchat widget on the demo page."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS


def _say(page: Page, text: str) -> None:
    page.get_by_test_id("webchat-input").fill(text)
    page.get_by_test_id("webchat-send").click()


def test_a_whole_order_through_the_widget(page: Page) -> None:
    page.set_default_timeout(30_000)
    page.goto("/webchat/demo")
    expect(page.get_by_role("heading", name="Pizzaria Bella 🍕")).to_be_visible()
    page.get_by_test_id("webchat-launcher").click()
    _say(page, "oi")
    bot = page.get_by_test_id("webchat-bot")
    expect(bot.filter(has_text="assistente da Pizzaria Bella")).to_have_count(1)
    expect(bot.filter(has_text="Como posso ajudar?")).to_have_count(1)
    page.get_by_test_id("webchat-button").filter(has_text="Fazer pedido").click()
    carousel = page.get_by_test_id("webchat-carousel")
    expect(carousel).to_contain_text("Calabresa")
    expect(carousel).to_contain_text("Margherita")
    page.screenshot(path=ARTIFACTS / "webchat-carousel.png")
    carousel.get_by_test_id("webchat-button").first.click()
    expect(bot.filter(has_text="Qual é o endereço de entrega?")).to_have_count(1)
    _say(page, "Rua das Flores, 123")
    expect(bot.filter(has_text="Para qual e-mail envio o recibo?")).to_have_count(1)
    _say(page, "ana@example.com")
    expect(bot.filter(has_text="Pedido confirmado: pizza de Calabresa para Rua das Flores, 123. Total: R$ 45.")
           ).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "webchat-order.png")

    page.reload()  # the visitor and the conversation survive a reload
    expect(page.get_by_test_id("webchat-bot").filter(has_text="Pedido confirmado")).to_have_count(1)
