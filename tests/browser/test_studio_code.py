"""A developer writes Python in the code node's editor and runs it in the emulator: messages, then a clear error."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_studio import _connect, _drop, _open_new_bot, _type


def _write_code(
    page: Page, lines: list[str], *, testid: str = "code-editor", blur_to: str = "inspector-node-id"
) -> None:
    """Replace the editor's text by `lines`, typed as a person would (the editor indents after a colon)."""
    editor = page.get_by_test_id(testid).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    for i, line in enumerate(lines):
        if i:
            page.keyboard.press("Enter")
            page.keyboard.press("Home")
        page.keyboard.insert_text(line)
    page.get_by_test_id(blur_to).click()  # blur: the editor hands its text over at once
    page.wait_for_timeout(800)


def _chat(page: Page, text: str) -> None:
    page.get_by_test_id("emulator-input").fill(text)
    page.get_by_test_id("emulator-input").press("Enter")


def test_code_typed_in_the_editor_runs_in_the_emulator(page: Page) -> None:
    _open_new_bot(page, "Código")
    welcome = page.locator(".react-flow__node [data-kind='message']").filter(has_text="Olá! Como posso ajudar?")
    welcome_id = welcome.get_attribute("data-testid").removeprefix("node-")
    node = _drop(page, "code", 420, 330)
    expect(page.get_by_test_id("code-editor").locator(".cm-content")).to_contain_text("flow.vars")
    _write_code(
        page, ["flow.vars['total'] = 7 * 6", "flow.say(f\"Seu total é R$ {flow.vars['total']}\", buttons=['Pagar'])"]
    )
    _type(page, "field-outcomes", "vip")
    card = page.get_by_test_id(f"node-{node}")
    expect(card).to_contain_text("flow.vars['total'] = 7 * 6")
    expect(page.locator(f'.react-flow__handle.source[data-nodeid="{node}"][data-handleid="vip"]')).to_have_count(1)
    token = page.get_by_test_id("code-editor").locator(".cm-line span").filter(has_text="'Pagar'")
    expect(token).to_have_count(1)  # highlighted: the string is a token of its own, in its own colour
    assert token.evaluate("e => getComputedStyle(e).color") != page.get_by_test_id("code-editor").locator(
        ".cm-line"
    ).first.evaluate("e => getComputedStyle(e).color")
    page.screenshot(path=ARTIFACTS / "studio-code-editor.png")
    _connect(page, welcome_id, "next", node)

    page.get_by_test_id("tab-emulator").click()
    _chat(page, "oi")
    expect(page.get_by_test_id("emulator-bot").filter(has_text="Seu total é R$ 42")).to_have_count(1)
    expect(page.get_by_test_id("emulator-button").filter(has_text="Pagar")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "studio-code-emulator.png")

    page.get_by_test_id("tab-inspector").click()
    page.get_by_test_id(f"node-{node}").click()
    _write_code(page, ["flow.vars['env'] = open('/etc/passwd').read()"])
    page.get_by_test_id("tab-emulator").click()
    page.get_by_test_id("emulator-restart").click()
    _chat(page, "oi")
    expect(
        page.get_by_test_id("emulator-system").filter(has_text="flow.code.error: reading files is not allowed")
    ).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "studio-code-error.png")
