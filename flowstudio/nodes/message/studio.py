"""The ``message`` kind in the studio: an empty text when dropped; the card shows the text, variants and media."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.registry import StudioKind, Translate, clip


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """The text (or a note that it is empty), how many variants it has, and the attachment's URL."""
    shown = [clip(raw.get("text")) or t("canvas.empty_text")]
    if raw.get("variants"):
        shown.append(t("canvas.variants", count=len(raw["variants"])))
    if raw.get("media"):
        shown.append(f"📎 {clip(raw['media'].get('url'), 60)}")
    return shown


STUDIO = StudioKind(
    "message",
    "say",
    "message-square",
    defaults=lambda document, lang: {"text": ""},
    lines=lines,
    texts=("editor.text", "editor.variables", "editor.variants", "editor.delay", "canvas.empty_text"),
)
