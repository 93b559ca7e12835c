"""The ``carousel`` kind in the studio: one card when dropped; each exit is labelled ``card: button``."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.items import new_item
from flowstudio.nodes.registry import StudioKind, clip


def handle_labels(raw: dict[str, Any]) -> dict[str, str]:
    """Each card button's exit, labelled with its card's title and its own label."""
    return {
        b["id"]: f"{c.get('title', '')}: {b.get('label', '')}"
        for c in raw.get("cards", [])
        for b in c.get("buttons", [])
    }


STUDIO = StudioKind(
    "carousel",
    "say",
    "gallery-horizontal",
    defaults=lambda document, lang: {"cards": [new_item("cards", 1, lang=lang)]},
    lines=lambda raw, t: [" · ".join(clip(c.get("title"), 30) for c in raw.get("cards", []))],
    handle_labels=handle_labels,
    texts=("editor.cards", "editor.add_card", "editor.card_title", "editor.card_subtitle", "editor.card_image"),
)
