"""The ``question`` kind in the studio: a text answer saved to a variable when dropped; the card shows the question,
the expected input and where the answer goes."""

from __future__ import annotations

from typing import Any

from flowstudio.i18n import translate
from flowstudio.nodes.registry import StudioKind, Translate, text_lines


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """The question, then the input type and the variable that receives the answer."""
    input_type = (raw.get("input") or {}).get("type", "text")
    target = f" → ${{{raw['save_as']}}}" if raw.get("save_as") else ""
    return [*text_lines(raw, t), f"{t('answer.' + input_type)}{target}"]


STUDIO = StudioKind(
    "question",
    "ask",
    "circle-help",
    defaults=lambda document, lang: {
        "text": "",
        "input": {"type": "text"},
        "save_as": translate("editor.default_answer", lang),
        "max_retries": 2,
    },
    lines=lines,
    texts=(
        "editor.text",
        "editor.input_type",
        "editor.options",
        "editor.entity",
        "editor.save_as",
        "editor.retry_text",
        "editor.max_retries",
    ),
)
