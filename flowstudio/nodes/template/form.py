"""The ``template`` kind's inspector form: name, language, parameters (one per line) and the fallback text."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.widgets import text_area, text_input


def form() -> rx.Component:
    """Without the variable chips: they write to ``text``, which a template has not."""
    return rx.vstack(
        text_input("name", "editor.template_name", placeholder="pedido_pronto"),
        text_input("language", "editor.template_language", placeholder="pt_BR"),
        text_area("parameters", "editor.template_parameters", lines=True, rows="3"),
        text_area("fallback_text", "editor.template_fallback", rows="3"),
        rx.text(t("editor.template_hint"), size="1", color_scheme="gray", data_testid="template-hint"),
        spacing="3",
        width="100%",
    )
