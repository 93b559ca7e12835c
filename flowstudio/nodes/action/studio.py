"""The ``action`` kind in the studio: no action chosen when dropped; the card shows ``action(parameters)`` and
every exit is labelled (the action's outcomes)."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind

STUDIO = StudioKind(
    "action",
    "act",
    "puzzle",
    defaults=lambda document, lang: {"action": "", "params": {}, "outcomes": []},
    lines=lambda raw, t: [f"{raw.get('action') or '?'}({', '.join(raw.get('params') or {})})"],
    named_exits=True,
    texts=("developers.inspector.choose", "developers.inspector.none", "developers.inspector.outcomes"),
)
