"""The ``event`` kind in the studio: inactivity after 10 minutes when dropped; the card says which event."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.registry import StudioKind, Translate


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """After how many minutes of inactivity, or which media was received."""
    if raw.get("event") == "inactivity":
        return [t("canvas.inactive", minutes=raw.get("minutes", "?"))]
    return [t("canvas.received", what=raw.get("event", "?"))]


STUDIO = StudioKind(
    "event",
    "entry",
    "bell",
    defaults=lambda document, lang: {"event": "inactivity", "minutes": 10},
    lines=lines,
    texts=("editor.event", "editor.minutes", "canvas.inactive", "canvas.received"),
)
