"""Training examples and keyword triggers from a flow document (raw JSON or pydantic)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flow_runtime.nlu.types import Example


def _as_dict(document: Any) -> Mapping[str, Any]:
    if isinstance(document, Mapping):
        return document
    return document.model_dump()


def intent_nodes(document: Any) -> list[Mapping[str, Any]]:
    """The flow's intent nodes as plain dicts."""
    return [n for n in _as_dict(document).get("nodes", []) if n.get("kind") == "intent"]


def flow_language(document: Any) -> str:
    """The bot's language setting (``pt`` when absent)."""
    return (_as_dict(document).get("bot") or {}).get("language") or "pt"


def examples_from_flow(document: Any, *, label: str = "id") -> list[Example]:
    """Every trigger phrase of every intent node, labelled by node ``id`` (or ``name``).

    Args:
        document: A flow document (dict from JSON, or ``FlowDocument``).
        label: ``id`` (what the engine's ``IntentScore`` carries) or ``name``.

    Returns:
        One example per non-empty trigger, in the bot's language.
    """
    language = flow_language(document)
    return [
        Example(trigger, str(node[label]), language)
        for node in intent_nodes(document)
        for trigger in node.get("triggers") or ()
        if trigger and trigger.strip()
    ]
