"""The ``wait`` kind in the studio: a 5-second delay when dropped; the card says what it waits for."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.registry import StudioKind, Translate


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """Waits for the user's message, or for so many seconds."""
    if raw.get("mode") == "input":
        return [t("canvas.waits_input")]
    return [t("canvas.waits_seconds", seconds=raw.get("seconds", 0))]


STUDIO = StudioKind(
    "wait",
    "logic",
    "timer",
    defaults=lambda document, lang: {"mode": "delay", "seconds": 5},
    lines=lines,
    texts=("editor.wait_mode", "editor.seconds", "canvas.waits_input", "canvas.waits_seconds"),
)
