"""The ``mute_bot`` kind in the studio: an hour when dropped; the card shows for how long (``∞``: until unmuted)."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind

STUDIO = StudioKind(
    "mute_bot",
    "act",
    "volume-x",
    defaults=lambda document, lang: {"minutes": 60},
    lines=lambda raw, t: [t("canvas.mute", minutes=raw.get("minutes") or "∞")],
    texts=("editor.minutes", "canvas.mute"),
)
