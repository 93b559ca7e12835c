"""Studio side of the entry kinds: start, intent, fallback, event."""

from __future__ import annotations

from typing import Any

from flowstudio.i18n import translate
from flowstudio.nodes.registry import StudioKind, Translate, clip


def _intent_defaults(document: dict[str, Any], lang: str) -> dict[str, Any]:
    taken = {n.get("name") for n in document.get("nodes", []) if n.get("kind") == "intent"}
    stem = translate("editor.default_intent", lang)
    number = next(i for i in range(1, len(taken) + 2) if f"{stem}_{i}" not in taken)
    return {"name": f"{stem}_{number}", "triggers": []}


def _intent_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    triggers = raw.get("triggers", [])
    lines = [f"“{clip(x, 60)}”" for x in triggers[:3]]
    if len(triggers) > 3:
        lines.append(t("canvas.more_triggers", count=len(triggers) - 3))
    return lines or [t("canvas.no_triggers")]


def _event_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    if raw.get("event") == "inactivity":
        return [t("canvas.inactive", minutes=raw.get("minutes", "?"))]
    return [t("canvas.received", what=raw.get("event", "?"))]


KINDS = (
    StudioKind(
        "start",
        "entry",
        "play",
        singleton=True,
        texts=("editor.first_message", "editor.first_message_hint"),
    ),
    StudioKind(
        "intent",
        "entry",
        "message-circle-question",
        defaults=_intent_defaults,
        lines=_intent_lines,
        title_field="name",
        texts=("editor.intent_name", "editor.topic", "editor.no_topic", "editor.triggers", "canvas.no_triggers"),
    ),
    StudioKind("fallback", "entry", "life-buoy", singleton=True, texts=("editor.no_fields",)),
    StudioKind(
        "event",
        "entry",
        "bell",
        defaults=lambda document, lang: {"event": "inactivity", "minutes": 10},
        lines=_event_lines,
        texts=("editor.event", "editor.minutes", "canvas.inactive", "canvas.received"),
    ),
)
