"""A designer builds, tries, publishes, changes and rolls back a bot in the studio."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, log_in


def _open_new_bot(page: Page, name: str) -> None:
    page.goto("/login")
    log_in(page)
    expect(page.get_by_test_id("bot-card").first).to_be_visible()
    page.get_by_test_id("new-bot").click()
    page.get_by_test_id("new-bot-name").fill(name)
    page.get_by_test_id("create-bot").click()
    card = page.get_by_test_id("bot-card").filter(has_text=name)
    expect(card).to_have_count(1)
    card.get_by_test_id("open-editor").click()
    expect(page.get_by_test_id("editor-bot-name")).to_have_text(name)
    expect(page.locator(".react-flow__node")).to_have_count(4)  # start, welcome, fallback, sorry


def _drop(page: Page, kind: str, x: int, y: int) -> str:
    """Drag a palette item onto the canvas; returns the id of the new (selected) node."""
    before = page.locator(".react-flow__node").count()
    page.get_by_test_id(f"palette-{kind}").drag_to(page.get_by_test_id("canvas"), target_position={"x": x, "y": y})
    expect(page.locator(".react-flow__node")).to_have_count(before + 1)
    node_id = page.get_by_test_id("inspector-node-id").inner_text()
    expect(page.get_by_test_id(f"node-{node_id}")).to_have_attribute("data-kind", kind)
    return node_id


def _connect(page: Page, source: str, handle: str, target: str) -> None:
    start = page.locator(f'.react-flow__handle.source[data-nodeid="{source}"][data-handleid="{handle}"]')
    end = page.locator(f'.react-flow__handle.target[data-nodeid="{target}"]')
    a, b = start.bounding_box(), end.bounding_box()
    page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
    page.mouse.down()
    page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=12)
    page.mouse.up()
    expect(page.locator(".react-flow__edge[data-id]").filter(has=page.locator("path"))).not_to_have_count(0)


def _edges(page: Page) -> int:
    return page.locator(".react-flow__edge").count()


def _select(page: Page, node_id: str) -> None:
    page.get_by_test_id(f"node-{node_id}").click()
    expect(page.get_by_test_id("inspector-node-id")).to_have_text(node_id)


def _type(page: Page, testid: str, text: str) -> None:
    field = page.get_by_test_id(testid).first
    field.fill(text)
    page.wait_for_timeout(700)  # the inspector's debounce, then the round trip


def test_build_try_publish_change_and_roll_back(page: Page) -> None:
    _open_new_bot(page, "Loja Teste")
    intent = _drop(page, "intent", 140, 40)
    _type(page, "field-name", "comprar")
    _type(page, "field-triggers", "quero comprar algo\nquero fazer uma compra")
    message = _drop(page, "message", 390, 40)
    _type(page, "field-text", "Temos ofertas hoje!")
    buttons = _drop(page, "buttons", 260, 160)
    _type(page, "field-text", "O que procura?")
    first = _drop(page, "message", 140, 560)
    _type(page, "field-text", "Camisetas em promoção.")
    second = _drop(page, "message", 330, 640)
    _type(page, "field-text", "Calças a partir de R$ 99.")
    edges = _edges(page)
    _connect(page, intent, "next", message)
    _connect(page, message, "next", buttons)
    button_ids = [
        b.get_attribute("data-handleid")
        for b in page.locator(f'.react-flow__handle.source[data-nodeid="{buttons}"]').all()
    ]
    _connect(page, buttons, button_ids[0], first)
    _connect(page, buttons, button_ids[1], second)
    expect(page.locator(".react-flow__edge")).to_have_count(edges + 4)
    page.get_by_test_id("auto-layout").click()
    page.wait_for_timeout(600)

    _select(page, buttons)
    labels = page.get_by_test_id("button-label")
    labels.nth(0).fill("Camisetas")
    page.wait_for_timeout(700)
    labels.nth(1).fill("Um rótulo longo demais para botão")
    page.wait_for_timeout(900)
    expect(page.get_by_test_id(f"marker-{buttons}")).to_be_visible()  # label over 20 characters
    labels.nth(1).fill("Calças")
    page.wait_for_timeout(900)
    expect(page.get_by_test_id(f"marker-{buttons}")).to_have_count(0)
    page.get_by_test_id("save").click()
    page.screenshot(path=ARTIFACTS / "studio-built.png")

    page.reload()
    expect(page.locator(".react-flow__node")).to_have_count(9)
    expect(page.locator(".react-flow__edge")).to_have_count(edges + 4)
    expect(page.get_by_test_id(f"node-{buttons}")).to_contain_text("Calças")
    expect(page.get_by_test_id(f"node-{second}")).to_contain_text("Calças a partir de R$ 99.")

    page.get_by_test_id("tab-emulator").click()
    page.get_by_test_id("emulator-input").fill("oi")
    page.get_by_test_id("emulator-input").press("Enter")
    expect(page.get_by_test_id("emulator-bot").first).to_contain_text("Olá! Como posso ajudar?")
    page.get_by_test_id("emulator-input").fill("quero comprar algo")
    page.get_by_test_id("emulator-input").press("Enter")
    expect(page.get_by_test_id("emulator-bot").filter(has_text="Temos ofertas hoje!")).to_have_count(1)
    page.get_by_test_id("emulator-button").filter(has_text="Calças").click()
    expect(page.get_by_test_id("emulator-bot").filter(has_text="Calças a partir de R$ 99.")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "studio-emulator.png")

    page.get_by_test_id("publish").click()
    page.get_by_test_id("changelog").fill("Primeira versão")
    page.get_by_test_id("confirm-publish").click()
    page.get_by_test_id("tab-versions").click()
    expect(page.get_by_test_id("version-item")).to_have_count(1)
    expect(page.get_by_test_id("version-item")).to_contain_text("Primeira versão")

    _select(page, second)
    _type(page, "field-text", "Calças com 20% de desconto.")
    page.get_by_test_id("tab-versions").click()
    page.get_by_test_id("compare-version").click()
    expect(page.get_by_test_id("diff-changed")).to_be_visible()
    expect(page.get_by_test_id(f"node-{second}")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "studio-diff.png")

    page.get_by_test_id("rollback-version").click()
    page.get_by_test_id("confirm-rollback").click()
    expect(page.get_by_test_id(f"node-{second}")).to_contain_text("Calças a partir de R$ 99.")
    page.reload()
    expect(page.get_by_test_id(f"node-{second}")).to_contain_text("Calças a partir de R$ 99.")


def test_undo_redo_and_refusals(page: Page) -> None:
    _open_new_bot(page, "Desfazer")
    node = _drop(page, "message", 300, 400)
    expect(page.locator(".react-flow__node")).to_have_count(5)
    page.get_by_test_id("undo").click()
    expect(page.locator(".react-flow__node")).to_have_count(4)
    page.get_by_test_id("redo").click()
    expect(page.get_by_test_id(f"node-{node}")).to_be_visible()
    page.get_by_test_id("palette-start").click()  # a second start is refused, with the reason
    expect(page.get_by_test_id("editor-notice")).to_contain_text("start")
    expect(page.locator(".react-flow__node")).to_have_count(5)


def test_pizzaria_opens_clean_and_its_conversation_tests_pass(page: Page) -> None:
    page.goto("/login")
    log_in(page)
    page.get_by_test_id("bot-card").filter(has_text="Pizzaria Bella").get_by_test_id("open-editor").click()
    expect(page.locator(".react-flow__node")).to_have_count(21)
    page.get_by_test_id("tab-problems").click()
    expect(page.get_by_test_id("problem-item")).to_have_count(1)  # the code node's unconnected error exit
    expect(page.locator('[data-marker="error"]')).to_have_count(0)
    page.get_by_test_id("tab-tests").click()
    expect(page.get_by_test_id("test-item")).to_have_count(3)
    page.get_by_test_id("run-tests").click()
    expect(page.locator('[data-testid="test-item"][data-status="passed"]')).to_have_count(3, timeout=30_000)
    page.get_by_test_id("tab-intents").click()
    page.get_by_test_id("intent-search").fill("atendente")
    expect(page.get_by_test_id("intent-item")).to_have_count(1)
    page.get_by_test_id("intent-item").click()
    expect(page.get_by_test_id("inspector-node-id")).to_have_text("i_humano")
    page.screenshot(path=ARTIFACTS / "studio-pizzaria.png")
    assert re.search(r"/bots/\d+/editor", page.url)


def test_keyboard_delete_copy_paste_and_undo(page: Page) -> None:
    _open_new_bot(page, "Teclado")
    node = _drop(page, "message", 300, 120)
    _type(page, "field-text", "Copie-me")
    page.get_by_test_id(f"node-{node}").click()
    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    expect(page.locator(".react-flow__node")).to_have_count(6)
    expect(page.locator(".react-flow__node").filter(has_text="Copie-me")).to_have_count(2)
    page.get_by_test_id(f"node-{node}").click()
    # the paste's redraw may still be landing: press Delete once the original is the selected node
    expect(page.locator(f'.react-flow__node.selected [data-testid="node-{node}"]')).to_have_count(1)
    page.keyboard.press("Delete")
    expect(page.get_by_test_id(f"node-{node}")).to_have_count(0)
    expect(page.locator(".react-flow__node")).to_have_count(5)
    page.get_by_test_id("canvas").focus()
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id(f"node-{node}")).to_be_visible()
    page.get_by_test_id("node-start").click()
    page.keyboard.press("Delete")  # start cannot be deleted
    expect(page.get_by_test_id("node-start")).to_be_visible()


def test_a_conversation_saved_from_the_emulator_becomes_a_passing_test(page: Page) -> None:
    _open_new_bot(page, "Gravar teste")
    page.get_by_test_id("tab-emulator").click()
    page.get_by_test_id("emulator-input").fill("bom dia")
    page.get_by_test_id("emulator-input").press("Enter")
    expect(page.get_by_test_id("emulator-bot")).to_contain_text("Olá! Como posso ajudar?")
    page.get_by_test_id("test-name").fill("saudacao")
    page.get_by_test_id("save-as-test").click()
    page.get_by_test_id("tab-tests").click()
    expect(page.get_by_test_id("test-item")).to_have_count(1)
    expect(page.get_by_test_id("test-name-label")).to_have_text("saudacao")
    page.get_by_test_id("run-tests").click()
    expect(page.locator('[data-testid="test-item"][data-status="passed"]')).to_have_count(1)


def test_condition_branches_are_edited_in_a_form(page: Page) -> None:
    _open_new_bot(page, "Condições")
    node = _drop(page, "condition", 300, 120)
    branch = page.get_by_test_id("branch")
    branch.get_by_placeholder("Nome do ramo").fill("Cliente VIP")
    page.wait_for_timeout(700)
    branch.get_by_placeholder("Nome", exact=True).fill("plano")
    page.wait_for_timeout(700)
    branch.get_by_placeholder("Valor").fill("vip")
    page.wait_for_timeout(900)
    handles = page.locator(f'.react-flow__handle.source[data-nodeid="{node}"]')
    expect(handles).to_have_count(2)
    expect(page.get_by_test_id(f"node-{node}")).to_contain_text("Cliente VIP")
    expect(page.get_by_test_id(f"node-{node}")).to_contain_text("senão")
    page.get_by_test_id("add-branch").click()
    expect(handles).to_have_count(3)
    page.screenshot(path=ARTIFACTS / "studio-condition.png")


def test_topics_constants_and_language_in_the_studio(page: Page) -> None:
    _open_new_bot(page, "Configurar")
    page.get_by_test_id("tab-flow").click()
    page.get_by_test_id("add-topic").click()
    expect(page.get_by_test_id("topic-name")).to_have_count(1)
    page.get_by_test_id("constants").fill("telefone = (11) 4000-0000")
    page.get_by_test_id("tab-inspector").click()  # leaving the field applies it
    welcome = page.locator(".react-flow__node").filter(has_text="Olá! Como posso ajudar?")
    welcome.click()
    _type(page, "field-text", "Ligue ${telefone}")
    page.get_by_test_id("tab-emulator").click()
    page.get_by_test_id("emulator-input").fill("oi")
    page.get_by_test_id("emulator-input").press("Enter")
    expect(page.get_by_test_id("emulator-bot")).to_contain_text("Ligue (11) 4000-0000")
    page.get_by_role("combobox", name="language").click()
    page.get_by_role("option", name="English").click()
    expect(page.locator(".react-flow__node").filter(has_text="Message")).not_to_have_count(0)
    expect(page.get_by_test_id("palette-message")).to_have_text("Message")
