"""Studio side of the kinds that say something: message, buttons, carousel, media (template has its folder)."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.items import new_item
from flowstudio.nodes.registry import StudioKind, Translate, clip


def _message_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    lines = [clip(raw.get("text")) or t("canvas.empty_text")]
    if raw.get("variants"):
        lines.append(t("canvas.variants", count=len(raw["variants"])))
    if raw.get("media"):
        lines.append(f"📎 {clip(raw['media'].get('url'), 60)}")
    return lines


def text_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """The node's text (or a note that it has none)."""
    return [clip(raw.get("text")) or t("canvas.empty_text")]


def _carousel_labels(raw: dict[str, Any]) -> dict[str, str]:
    return {
        b["id"]: f"{c.get('title', '')}: {b.get('label', '')}"
        for c in raw.get("cards", [])
        for b in c.get("buttons", [])
    }


KINDS = (
    StudioKind(
        "message",
        "say",
        "message-square",
        defaults=lambda document, lang: {"text": ""},
        lines=_message_lines,
        texts=("editor.text", "editor.variables", "editor.variants", "editor.delay", "canvas.empty_text"),
    ),
    StudioKind(
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
    ),
    StudioKind(
        "carousel",
        "say",
        "gallery-horizontal",
        defaults=lambda document, lang: {"cards": [new_item("cards", 1, lang=lang)]},
        lines=lambda raw, t: [" · ".join(clip(c.get("title"), 30) for c in raw.get("cards", []))],
        handle_labels=_carousel_labels,
        texts=("editor.cards", "editor.add_card", "editor.card_title", "editor.card_subtitle", "editor.card_image"),
    ),
    StudioKind(
        "media",
        "say",
        "image",
        defaults=lambda document, lang: {"type": "image", "url": "https://"},
        lines=lambda raw, t: [f"{raw.get('type', 'image')}: {clip(raw.get('url'), 60)}"],
        texts=("editor.media_type", "editor.url", "editor.caption"),
    ),
)
