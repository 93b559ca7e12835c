"""The studio's panels at desktop and phone sizes: drops land under the cursor, the inspector names the
kind, warnings are amber and name the button, the emulator follows the conversation and its path glows
only while it is open."""

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from flow_runtime.testing.builders import make_doc
from flowstudio.services.studio.flow_editing import auto_layout
from tests.browser.conftest import ARTIFACTS, log_in
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


def _inside(page: Page, selector: str, box: dict) -> list[str]:
    """Ids of the elements matching `selector` that stick out of `box` (x, y, width, height)."""
    return page.locator(selector).evaluate_all(
        """(els, b) => els.filter(e => { const r = e.getBoundingClientRect();
             return r.left < b.x - 1 || r.top < b.y - 1 || r.right > b.x + b.width + 1 || r.bottom > b.y + b.height + 1;
           }).map(e => e.getAttribute("data-id") || e.getAttribute("data-testid"))""",
        box,
    )


def test_studio_on_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    _open_new_bot(page, "Telefone")
    page.screenshot(path=f"{SHOTS}/studio-phone.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "studio-phone.png", full_page=True)
    assert re.search(r"/bots/\d+/editor", page.url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the studio is wider than the phone"
    screen = {"x": 0, "y": 0, "width": 390, "height": page.evaluate("document.documentElement.scrollHeight")}
    assert not _inside(page, '[data-testid^="palette-"], [data-testid="inspector"], [role="tablist"]', screen)
    canvas = page.get_by_test_id("canvas").bounding_box()
    assert canvas["width"] > 350 and canvas["height"] > 300, canvas
    assert not _inside(page, ".react-flow__node", canvas), "the new bot's nodes are not all on the canvas"
    http = page.get_by_test_id("palette-http_request")
    assert http.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")

    page.get_by_test_id("palette-message").click()  # a tap adds the block (no dragging on a phone)
    expect(page.locator(".react-flow__node")).to_have_count(5)
    expect(page.get_by_test_id("inspector-kind")).to_have_text("Mensagem")
    page.get_by_test_id("inspector").scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/studio-phone-inspector.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the inspector is wider than the phone"


def _large_flow(path: Path, intents: int = 30, steps: int = 9) -> int:
    """A flow file of `intents` intents, each followed by `steps` messages, laid out as the studio does it."""
    nodes, edges = [], []
    for i in range(intents):
        nodes.append({"id": f"i{i}", "kind": "intent", "name": f"assunto_{i}", "triggers": [f"quero assunto {i}"]})
        previous = f"i{i}"
        for j in range(steps):
            nodes.append({"id": f"m{i}_{j}", "kind": "message", "text": f"Passo {j} do assunto {i}"})
            edges.append((previous, f"m{i}_{j}"))
            previous = f"m{i}_{j}"
    document = make_doc(nodes, edges, bot={"name": "Fluxo grande"})
    for node in document["nodes"]:
        node["position"] = {"x": 0, "y": 0}
    document = auto_layout(document)
    path.write_text(json.dumps(document))
    return len(document["nodes"])


def test_a_300_node_flow_fits_the_canvas_on_open(page: Page, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    count = _large_flow(tmp_path / "grande.flow.json")
    assert count >= 300
    page.goto("/login")
    log_in(page)
    expect(page.get_by_test_id("bot-card").first).to_be_visible()
    page.locator("#bot-import input[type=file]").set_input_files(str(tmp_path / "grande.flow.json"))
    card = page.get_by_test_id("bot-card").filter(has_text="Fluxo grande")
    expect(card).to_have_count(1)
    card.get_by_test_id("open-editor").click()
    expect(page.locator(".react-flow__node")).to_have_count(count)
    page.wait_for_timeout(500)  # the first fit is immediate; let a second frame settle
    canvas = page.get_by_test_id("canvas").bounding_box()
    outside = _inside(page, ".react-flow__node", canvas)
    page.screenshot(path=ARTIFACTS / "studio-300-nodes.png")
    assert not outside, f"{len(outside)} of {count} nodes are off the canvas: {outside[:5]}"
