"""The ``assign`` kind in the studio: to the ``atendimento`` queue when dropped; the card shows to whom."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.registry import StudioKind, Translate


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """``→ Queue: sales`` (or agent, or bot)."""
    target = raw.get("to") or {}
    who = next(((k, v) for k, v in target.items() if v), ("?", "?"))
    return [f"→ {t('assign.' + who[0]) if who[0] != '?' else '?'}: {who[1]}"]


STUDIO = StudioKind(
    "assign",
    "act",
    "user-round-plus",
    defaults=lambda document, lang: {"to": {"queue": "atendimento"}},
    lines=lines,
    texts=("editor.assign_to", "assign.queue", "assign.agent", "assign.bot"),
)
