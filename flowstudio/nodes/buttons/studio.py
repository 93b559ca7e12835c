"""The ``buttons`` kind in the studio: two buttons when dropped; each exit is labelled with its button's label."""

from __future__ import annotations

from flowstudio.nodes.items import new_item
from flowstudio.nodes.registry import StudioKind, text_lines

STUDIO = StudioKind(
    "buttons",
    "say",
    "square-menu",
    defaults=lambda document, lang: {
        "text": "",
        "buttons": [new_item("buttons", 1, lang=lang), new_item("buttons", 2, lang=lang)],
    },
    lines=text_lines,
    handle_labels=lambda raw: {b["id"]: b.get("label", "") for b in raw.get("buttons", [])},
    texts=("editor.text", "editor.buttons", "editor.add_button", "editor.button_limit", "editor.option"),
)
