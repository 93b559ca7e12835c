"""Managing bots from the bots page: rename, duplicate, export, import, delete with confirmation."""

import json

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import ARTIFACTS, log_in


def _card(page: Page, name: str):
    return page.get_by_test_id("bot-card").filter(has=page.get_by_test_id("bot-name").get_by_text(name, exact=True))


def _menu(page: Page, name: str, action: str) -> None:
    item = page.get_by_test_id(action)
    for _ in range(3):  # the list re-renders after each action; a click may land on the old trigger
        _card(page, name).get_by_test_id("bot-menu").click()
        try:
            item.wait_for(state="visible", timeout=3000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    item.click()


def test_rename_duplicate_export_import_and_delete(page: Page, tmp_path) -> None:
    page.goto("/login")
    log_in(page)
    page.get_by_test_id("new-bot").click()
    page.get_by_test_id("new-bot-name").fill("Suporte")
    page.get_by_test_id("create-bot").click()
    expect(_card(page, "Suporte")).to_have_count(1)

    _menu(page, "Suporte", "bot-rename")
    page.get_by_test_id("rename-input").fill("Pizzaria Bella")
    page.get_by_test_id("confirm-rename").click()
    expect(page.get_by_role("dialog").get_by_text("já existe outro bot chamado “Pizzaria Bella”")).to_be_visible()
    page.get_by_test_id("rename-input").fill("Suporte Técnico")
    page.get_by_test_id("confirm-rename").click()
    expect(_card(page, "Suporte Técnico")).to_have_count(1)

    _menu(page, "Suporte Técnico", "bot-duplicate")
    expect(_card(page, "Suporte Técnico (cópia)")).to_have_count(1)

    with page.expect_download() as download:
        _menu(page, "Suporte Técnico", "bot-export")
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert exported.name == "suporte-tecnico.flow.json"
    document = json.loads(exported.read_text())
    assert document["bot"]["name"] == "Suporte Técnico" and len(document["nodes"]) == 4

    page.locator("#bot-import input[type=file]").set_input_files(str(exported))
    expect(_card(page, "Suporte Técnico (2)")).to_have_count(1)
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema_version": 1, "nodes": [{"id": "x", "kind": "teleport"}]}')
    page.locator("#bot-import input[type=file]").set_input_files(str(broken))
    expect(page.get_by_test_id("bots-error")).to_contain_text("não é um fluxo do FlowStudio")

    _menu(page, "Suporte Técnico (cópia)", "bot-delete")
    page.get_by_test_id("confirm-delete").click()
    expect(_card(page, "Suporte Técnico (cópia)")).to_have_count(0)
    expect(_card(page, "Suporte Técnico")).to_have_count(1)
    page.screenshot(path=ARTIFACTS / "bots-managed.png")
