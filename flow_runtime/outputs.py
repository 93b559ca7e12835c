"""Constructors for the plain-data outputs a step emits (JSON-ready dicts).

Shapes::

    {"type": "text", "text": str}
    {"type": "buttons", "text": str, "buttons": [{"id", "label"}]}
    {"type": "carousel", "text": str | None, "cards": [{"id", "title", "subtitle", "image", "buttons"}]}
    {"type": "media", "media_type": str, "url": str, "caption": str | None, "filename": str | None}
    {"type": "template", "name": str, "language": str, "parameters": [str], "fallback_text": str | None}
    {"type": "handoff", "queue" | "agent" | "bot": str}
    {"type": "typing", "seconds": float}       # show "typing..." then continue
    {"type": "delay", "seconds": float}        # deliver what follows after a pause
    {"type": "event", "name": str, "node_id": str | None, ...}   # recorded, not shown
"""

from __future__ import annotations

from typing import Any

Output = dict[str, Any]

VISIBLE_TYPES = frozenset({"text", "buttons", "carousel", "media", "template", "handoff"})


def text(value: str) -> Output:
    """A plain text message."""
    return {"type": "text", "text": value}


def buttons(value: str, items: list[dict[str, str]]) -> Output:
    """A text with reply buttons (``items`` are ``{"id", "label"}``)."""
    return {"type": "buttons", "text": value, "buttons": items}


def carousel(value: str | None, cards: list[dict[str, Any]]) -> Output:
    """A carousel of cards."""
    return {"type": "carousel", "text": value, "cards": cards}


def media(media_type: str, url: str, *, caption: str | None = None, filename: str | None = None) -> Output:
    """An attachment."""
    return {"type": "media", "media_type": media_type, "url": url, "caption": caption, "filename": filename}


def template(name: str, language: str, parameters: list[str], *, fallback_text: str | None = None) -> Output:
    """An approved WhatsApp message template; other channels show ``fallback_text``."""
    return {
        "type": "template",
        "name": name,
        "language": language,
        "parameters": parameters,
        "fallback_text": fallback_text,
    }


def template_text(output: Output) -> str:
    """What channels without templates show for one: its fallback text, else the name and parameters."""
    if output.get("fallback_text"):
        return str(output["fallback_text"])
    parameters = [str(p) for p in output.get("parameters") or []]
    return f"{output.get('name', '')}: {', '.join(parameters)}" if parameters else str(output.get("name", ""))


def handoff(**target: str) -> Output:
    """A hand-off to a queue, an agent or another bot."""
    return {"type": "handoff", **target}


def typing(seconds: float) -> Output:
    """A typing indicator lasting ``seconds`` before the next output."""
    return {"type": "typing", "seconds": seconds}


def delay(seconds: float) -> Output:
    """A pause before the outputs that follow are delivered."""
    return {"type": "delay", "seconds": seconds}


def event(name: str, *, node_id: str | None = None, **data: Any) -> Output:
    """A recorded event (errors, hand-offs, archive...), not shown to the user."""
    return {"type": "event", "name": name, "node_id": node_id, **data}
