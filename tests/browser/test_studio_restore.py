"""A restored version stays editable: the edits made after a restore survive a reload, and no tab is told
that another one changed the draft."""

from playwright.sync_api import Page, expect

from tests.browser.test_studio import _open_new_bot, _select, _type

SHOTS = "/tmp"


def _restore_first_version(page: Page) -> None:
    page.get_by_test_id("tab-versions").click()
    page.get_by_test_id("rollback-version").first.click()
    page.get_by_test_id("confirm-rollback").click()


def test_an_edit_after_a_restore_survives_a_reload(page: Page) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    _open_new_bot(page, "Restaurar e editar")
    page.get_by_test_id("publish").click()
    page.get_by_test_id("changelog").fill("v1")
    page.get_by_test_id("confirm-publish").click()
    page.get_by_test_id("tab-versions").click()
    expect(page.get_by_test_id("version-item")).to_have_count(1)

    _select(page, "welcome")
    _type(page, "field-text", "Editado antes de restaurar.")
    _restore_first_version(page)
    expect(page.get_by_test_id("node-welcome")).to_contain_text("Olá! Como posso ajudar?")
    _select(page, "welcome")  # the restore cleared the selection in the browser as on the server
    _type(page, "field-text", "Editado depois de restaurar.")
    expect(page.get_by_test_id("node-welcome")).to_contain_text("Editado depois de restaurar.")
    expect(page.get_by_test_id("save-status")).to_be_visible()
    expect(page.get_by_test_id("save-conflict")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}/studio-after-restore.png")

    page.reload()
    expect(page.get_by_test_id("node-welcome")).to_contain_text("Editado depois de restaurar.")
    expect(page.get_by_test_id("save-conflict")).to_have_count(0)
    page.get_by_test_id("undo").click()  # undo of the edit, then of the restore, both stored
    expect(page.get_by_test_id("node-welcome")).to_contain_text("Olá! Como posso ajudar?")
    page.get_by_test_id("undo").click()
    expect(page.get_by_test_id("node-welcome")).to_contain_text("Editado antes de restaurar.")
    page.reload()
    expect(page.get_by_test_id("node-welcome")).to_contain_text("Editado antes de restaurar.")
    expect(page.get_by_test_id("save-conflict")).to_have_count(0)


def test_a_second_tab_is_told_of_a_restore_and_loses_nothing_after_reloading(page: Page) -> None:
    _open_new_bot(page, "Duas abas")
    other = page.context.new_page()
    other.goto(page.url)
    expect(other.get_by_test_id("node-welcome")).to_be_visible()
    page.get_by_test_id("publish").click()
    page.get_by_test_id("changelog").fill("v1")
    page.get_by_test_id("confirm-publish").click()
    page.get_by_test_id("tab-versions").click()
    expect(page.get_by_test_id("version-item")).to_have_count(1)
    _restore_first_version(page)
    expect(page.get_by_test_id("save-status")).to_be_visible()

    _select(other, "welcome")
    _type(other, "field-text", "Da outra aba.")
    expect(other.get_by_test_id("save-conflict")).to_be_visible()  # a real conflict: the restore came first
    other.get_by_test_id("save-conflict").get_by_role("button").click()
    _select(other, "welcome")
    _type(other, "field-text", "Da outra aba, depois de recarregar.")
    expect(other.get_by_test_id("save-conflict")).to_have_count(0)
    page.reload()
    expect(page.get_by_test_id("node-welcome")).to_contain_text("Da outra aba, depois de recarregar.")
    other.close()
