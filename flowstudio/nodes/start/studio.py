"""The ``start`` kind in the studio: one per flow, never deleted; its card shows nothing but its title."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind

STUDIO = StudioKind(
    "start",
    "entry",
    "play",
    singleton=True,
    texts=("editor.first_message", "editor.first_message_hint"),
)
