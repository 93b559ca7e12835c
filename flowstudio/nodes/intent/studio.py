"""The ``intent`` kind in the studio: a fresh name when dropped, its first trigger phrases on the card."""

from __future__ import annotations

from typing import Any

from flowstudio.i18n import translate
from flowstudio.nodes.registry import StudioKind, Translate, clip


def defaults(document: dict[str, Any], lang: str) -> dict[str, Any]:
    """A name no other intent of the flow has (``new_intent_3``), no triggers yet."""
    taken = {n.get("name") for n in document.get("nodes", []) if n.get("kind") == "intent"}
    stem = translate("editor.default_intent", lang)
    number = next(i for i in range(1, len(taken) + 2) if f"{stem}_{i}" not in taken)
    return {"name": f"{stem}_{number}", "triggers": []}


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """The first three trigger phrases (and how many more), or a note that there are none."""
    triggers = raw.get("triggers", [])
    shown = [f"“{clip(x, 60)}”" for x in triggers[:3]]
    if len(triggers) > 3:
        shown.append(t("canvas.more_triggers", count=len(triggers) - 3))
    return shown or [t("canvas.no_triggers")]


STUDIO = StudioKind(
    "intent",
    "entry",
    "message-circle-question",
    defaults=defaults,
    lines=lines,
    title_field="name",
    texts=("editor.intent_name", "editor.topic", "editor.no_topic", "editor.triggers", "canvas.no_triggers"),
)
