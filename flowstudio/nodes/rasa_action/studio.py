"""The ``rasa_action`` kind in the studio: a local action server when dropped; the card shows ``action @ server``."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind, clip

STUDIO = StudioKind(
    "rasa_action",
    "act",
    "bot",
    defaults=lambda document, lang: {"server_url": "http://localhost:5055", "action": "", "timeout_seconds": 10},
    lines=lambda raw, t: [f"{raw.get('action') or '?'} @ {clip(raw.get('server_url'), 50)}"],
    texts=("code_actions.rasa_hint", "code_actions.server_url", "code_actions.timeout"),
)
