"""The studio's panels at desktop and phone sizes: drops land under the cursor, the inspector names the
kind, warnings are amber and name the button, the emulator follows the conversation and its path glows
only while it is open."""

import re

from playwright.sync_api import Page, expect

from tests.browser.test_studio import _open_new_bot

SHOTS = "/tmp"


def _glowing(page: Page) -> int:
    """How many nodes show the emulator's path glow."""
    return page.locator('[data-testid^="node-"]').evaluate_all(
        "ns => ns.filter(n => getComputedStyle(n).boxShadow.includes('79, 70, 229')).length"
    )


def test_drop_inspector_warnings_tabs_and_palette_at_1440(page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    _open_new_bot(page, "Painéis")
    tabs = page.locator('[role="tablist"]').last
    expect(tabs).to_be_visible()
    assert tabs.bounding_box()["height"] < 48, "the right tab bar wraps"
    assert tabs.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), tabs.evaluate(
        "e => [e.scrollWidth, e.clientWidth, [...e.children].map(c => c.offsetWidth)]"
    )
    http = page.get_by_test_id("palette-http_request")
    assert http.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight"), (
        "the palette cuts 'Requisição HTTP' off"
    )

    canvas = page.get_by_test_id("canvas").bounding_box()
    page.get_by_test_id("palette-buttons").drag_to(
        page.get_by_test_id("canvas"), source_position={"x": 6, "y": 6}, target_position={"x": 420, "y": 300}
    )
    node_id = page.get_by_test_id("inspector-node-id").inner_text()
    box = page.get_by_test_id(f"node-{node_id}").bounding_box()
    assert abs(box["x"] - (canvas["x"] + 414)) < 12 and abs(box["y"] - (canvas["y"] + 294)) < 12, box
    expect(page.get_by_test_id("inspector-kind")).to_have_text("Botões")
    warnings = page.locator('[data-testid="inspector-problem"][data-severity="warning"]')
    expect(warnings.filter(has_text="“Opção 1”")).to_have_count(1)
    expect(warnings.filter(has_text="“Opção 2”")).to_have_count(1)
    expect(warnings.first).to_have_attribute("data-accent-color", "amber")
    page.screenshot(path=f"{SHOTS}/studio-panels-1440.png")

    page.get_by_test_id("tab-problems").click()
    page.get_by_test_id(f"node-{node_id}").click()  # already selected: brings Propriedades back
    expect(page.get_by_test_id("tab-inspector")).to_have_attribute("aria-selected", "true")


def test_emulator_follows_the_conversation_and_its_glow_leaves_with_it(page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    _open_new_bot(page, "Emulador")
    page.get_by_test_id("tab-emulator").click()
    for number in range(8):
        page.get_by_test_id("emulator-input").fill(f"mensagem {number}")
        page.get_by_test_id("emulator-input").press("Enter")
        expect(page.get_by_test_id("emulator-user")).to_have_count(number + 1)
        expect(page.get_by_test_id("emulator-input")).to_have_value("")  # cleared after the reply
    expect(page.get_by_test_id("emulator-bot")).to_have_count(8)
    expect(page.get_by_test_id("emulator-bot").last).to_be_in_viewport()
    assert _glowing(page) > 0
    page.screenshot(path=f"{SHOTS}/studio-emulator-1440.png")
    page.get_by_test_id("tab-versions").click()
    expect(page.get_by_test_id("version-item")).to_have_count(0)
    assert _glowing(page) == 0
    page.get_by_test_id("tab-emulator").click()
    page.reload()
    expect(page.get_by_test_id("node-welcome")).to_be_visible()
    page.wait_for_timeout(500)
    assert _glowing(page) == 0


def test_studio_on_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    _open_new_bot(page, "Telefone")
    page.screenshot(path=f"{SHOTS}/studio-phone.png", full_page=True)
    assert re.search(r"/bots/\d+/editor", page.url)
