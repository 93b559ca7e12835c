"""The ``set_variable`` kind in the studio: titled by the variable's name; the card shows ``name = value``."""

from __future__ import annotations

from flowstudio.i18n import translate
from flowstudio.nodes.registry import StudioKind, clip

STUDIO = StudioKind(
    "set_variable",
    "logic",
    "variable",
    defaults=lambda document, lang: {"name": translate("editor.default_variable", lang), "value": ""},
    lines=lambda raw, t: [f"{raw.get('name', '?')} = {clip(raw.get('value'), 60)}"],
    title_field="name",
    texts=("editor.variable", "editor.value"),
)
