"""The ``go_to`` kind in the studio: the flow's first intent when dropped; the card shows ``→ intent``."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.registry import StudioKind


def defaults(document: dict[str, Any], lang: str) -> dict[str, Any]:
    """The flow's first intent (``?`` when it has none)."""
    intents = [n.get("name") for n in document.get("nodes", []) if n.get("kind") == "intent"]
    return {"intent": intents[0] if intents else "?"}


STUDIO = StudioKind(
    "go_to",
    "logic",
    "corner-down-right",
    defaults=defaults,
    lines=lambda raw, t: [f"→ {raw.get('intent', '?')}"],
    texts=("editor.go_to_intent",),
)
