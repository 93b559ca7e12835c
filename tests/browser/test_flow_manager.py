"""The flow manager page: a supervisor drags a bot onto a knowledge area, orders routing rules and tries a sample
message to see where it would go."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, open_logged_in


def _open(page: Page) -> None:
    open_logged_in(page, "/flow-manager")
    expect(page.get_by_test_id("fm-bot-card").first).to_be_visible()


def _area(page: Page, name: str):
    return page.locator(f'[data-testid="fm-area"][data-area="{name}"]')


def _card(page: Page, name: str):
    return page.locator(f'[data-testid="fm-bot-card"][data-bot="{name}"]')


def test_dragging_a_bot_onto_a_new_knowledge_area_persists(page: Page) -> None:
    _open(page)
    page.get_by_test_id("fm-new-area").fill("Reservas")
    page.get_by_test_id("fm-create-area").click()
    expect(_area(page, "Reservas")).to_contain_text("Solte um bot aqui")

    _card(page, "Pizzaria Bella").drag_to(_area(page, "Reservas"))
    expect(_area(page, "Reservas").get_by_test_id("fm-area-bot")).to_have_text("Pizzaria Bella")
    expect(_card(page, "Pizzaria Bella").get_by_test_id("bot-area").filter(has_text="Reservas")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "flow-manager-board.png", full_page=True)

    page.reload()
    expect(_area(page, "Reservas").get_by_test_id("fm-area-bot")).to_have_text("Pizzaria Bella")

    # the keyboard way gives an area too, and the x on the card takes it away again
    page.get_by_test_id("fm-new-area").fill("Reclamações")
    page.get_by_test_id("fm-create-area").click()
    _card(page, "Pizzaria Bella").get_by_test_id("fm-give-area").click()
    page.get_by_role("option", name="Reclamações").click()
    expect(_area(page, "Reclamações").get_by_test_id("fm-area-bot")).to_have_text("Pizzaria Bella")
    _card(page, "Pizzaria Bella").get_by_test_id("bot-area").filter(has_text="Reclamações").get_by_test_id(
        "bot-area-remove"
    ).click()
    expect(_area(page, "Reclamações")).to_contain_text("Solte um bot aqui")
    page.reload()
    expect(_card(page, "Pizzaria Bella").get_by_test_id("bot-area").filter(has_text="Reclamações")).to_have_count(0)
    expect(_area(page, "Reservas").get_by_test_id("fm-area-bot")).to_have_text("Pizzaria Bella")


def _add_rule(page: Page, name: str, *, target_kind: str, target: str, channel: str = "", tags: str = "") -> None:
    page.get_by_test_id("fm-new-rule").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("fm-rule-name-input").fill(name)
    dialog.get_by_text(target_kind, exact=True).click()
    dialog.get_by_test_id("fm-rule-target-select").click()
    page.get_by_role("option", name=target).click()
    if channel:
        dialog.get_by_role("checkbox", name=channel).click()
    if tags:
        dialog.get_by_test_id("fm-rule-tags").fill(tags)
    page.screenshot(path=ARTIFACTS / f"flow-manager-rule-dialog-{target_kind.lower()}.png")
    dialog.get_by_test_id("fm-rule-save").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_adding_and_reordering_rules_then_trying_a_sample_message(page: Page) -> None:
    _open(page)
    page.get_by_test_id("fm-new-rule").click()
    page.get_by_role("dialog").get_by_test_id("fm-rule-save").click()
    expect(page.get_by_test_id("fm-rule-error")).to_contain_text("a regra precisa de um nome")
    page.keyboard.press("Escape")

    _add_rule(page, "Clientes VIP", target_kind="Fila", target="Atendimento", tags="vip")
    _add_rule(page, "WhatsApp no bot", target_kind="Bot", target="Pizzaria Bella", channel="WhatsApp")
    names = page.get_by_test_id("fm-rule-name")
    expect(names).to_have_text(["Clientes VIP", "WhatsApp no bot"])
    expect(page.get_by_test_id("fm-rule").nth(0)).to_contain_text("vip")

    page.get_by_test_id("fm-rule").nth(1).get_by_test_id("fm-rule-up").click()
    expect(names).to_have_text(["WhatsApp no bot", "Clientes VIP"])
    page.reload()
    expect(page.get_by_test_id("fm-rule-name")).to_have_text(["WhatsApp no bot", "Clientes VIP"])
    page.screenshot(path=ARTIFACTS / "flow-manager-rules.png", full_page=True)

    # a VIP customer on the webchat: the WhatsApp rule does not hold, the VIP rule sends them to the queue
    page.get_by_test_id("fm-sample").fill("quero pedir uma pizza de calabresa")
    page.get_by_test_id("fm-sample-tags").fill("vip")
    page.get_by_test_id("fm-try").click()
    expect(page.get_by_test_id("fm-try-rule")).to_have_text("Clientes VIP")
    expect(page.get_by_test_id("fm-try-owner")).to_have_text("Atendimento")
    expect(page.get_by_test_id("fm-check")).to_have_count(2)
    expect(page.get_by_test_id("fm-score").filter(has_text="Pizzaria Bella")).to_have_count(1)
    page.get_by_test_id("fm-try-result").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "flow-manager-tryout.png", full_page=True)

    # without the tag no rule holds: the default bot answers
    page.get_by_test_id("fm-sample-tags").fill("")
    page.get_by_test_id("fm-try").click()
    expect(page.get_by_test_id("fm-try-rule")).to_have_text("nenhuma (padrão)")
    expect(page.get_by_test_id("fm-try-owner")).to_have_text("Pizzaria Bella")

    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_test_id("fm-rule").first.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "flow-manager-phone.png", full_page=True)
