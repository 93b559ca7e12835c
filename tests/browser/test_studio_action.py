"""A developer defines a reusable action once; a designer drops it on the canvas, fills its parameters in a
form, sees its outcomes as exits, and runs it in the emulator."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, open_logged_in
from tests.browser.test_developers import fill_action_form
from tests.browser.test_studio import _connect, _drop
from tests.browser.test_studio_code import _chat


def test_a_workspace_action_dropped_on_the_canvas_gets_a_parameter_form_and_its_exits(page: Page) -> None:
    page.set_default_timeout(30_000)
    open_logged_in(page, "/developers")
    fill_action_form(
        page,
        key="frete",
        name="Calcular frete",
        param="cep",
        outcomes="longe",
        code=[
            "if flow.params['cep'].startswith('69'):",
            "    return 'longe'",
            "flow.say('Frete grátis para ' + flow.params['cep'])",
        ],
    )
    page.get_by_test_id("action-save").click()
    expect(page.get_by_test_id("action-row").filter(has_text="frete")).to_have_count(1)  # beside others' actions

    page.goto("/bots")  # already signed in (a second login form would race /login's redirect)
    page.get_by_test_id("new-bot").click()
    page.get_by_test_id("new-bot-name").fill("Loja de Frete")
    page.get_by_test_id("create-bot").click()
    page.get_by_test_id("bot-card").filter(has_text="Loja de Frete").get_by_test_id("open-editor").click()
    expect(page.locator(".react-flow__node")).to_have_count(4)  # start, welcome, fallback, sorry
    welcome = page.locator(".react-flow__node [data-kind='message']").filter(has_text="Olá! Como posso ajudar?")
    welcome_id = welcome.get_attribute("data-testid").removeprefix("node-")
    node = _drop(page, "action", 420, 330)
    page.get_by_test_id("field-action").click()
    page.get_by_role("option", name="Calcular frete").click()
    param = page.get_by_test_id("action-param")
    expect(param).to_be_visible()
    param.fill("01310-100")
    page.wait_for_timeout(800)  # the inspector's debounce, then the round trip
    for handle in ("ok", "error", "longe"):  # the action's outcomes are the node's exits
        expect(
            page.locator(f'.react-flow__handle.source[data-nodeid="{node}"][data-handleid="{handle}"]')
        ).to_have_count(1)
    _connect(page, welcome_id, "next", node)
    page.screenshot(path=ARTIFACTS / "studio-action-node.png")

    page.get_by_test_id("tab-emulator").click()
    _chat(page, "oi")
    expect(page.get_by_test_id("emulator-bot").filter(has_text="Frete grátis para 01310-100")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "studio-action-emulator.png")
