"""The ``media`` kind in the studio: an image when dropped; the card shows the type and the URL."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind, clip

STUDIO = StudioKind(
    "media",
    "say",
    "image",
    defaults=lambda document, lang: {"type": "image", "url": "https://"},
    lines=lambda raw, t: [f"{raw.get('type', 'image')}: {clip(raw.get('url'), 60)}"],
    texts=("editor.media_type", "editor.url", "editor.caption"),
)
