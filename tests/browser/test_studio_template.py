"""A designer adds a WhatsApp template node and fills its form in the inspector."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_studio import _drop, _open_new_bot, _type


def test_a_template_node_is_filled_in_the_inspector(page: Page) -> None:
    _open_new_bot(page, "Lembretes")
    expect(page.get_by_test_id("palette-template")).to_have_text("Template")
    node = _drop(page, "template", 320, 140)
    problem = page.get_by_test_id("inspector-problem").filter(has_text="template")
    expect(problem).to_have_text("Informe o nome do template aprovado no WhatsApp.")  # a fresh node asks for it
    expect(page.get_by_test_id("template-hint")).to_contain_text("24 horas")

    _type(page, "field-name", "Pedido Pronto")
    expect(problem).to_contain_text("não segue o padrão do WhatsApp")  # spaces, capitals: WhatsApp refuses it
    _type(page, "field-name", "pedido_pronto")
    _type(page, "field-parameters", "${nome}\n#${pedido}")
    _type(page, "field-fallback_text", "Oi ${nome}, seu pedido #${pedido} está pronto!")
    expect(problem).to_have_count(0)
    card = page.get_by_test_id(f"node-{node}")
    expect(card).to_contain_text("pedido_pronto (pt_BR)")
    expect(card).to_contain_text("{{2}} = #${pedido}")
    page.screenshot(path=ARTIFACTS / "studio-template.png")
    page.get_by_test_id("template-hint").scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / "studio-template-form.png")
