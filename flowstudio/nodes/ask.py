"""Studio side of the asking kind: question."""

from __future__ import annotations

from typing import Any

from flowstudio.i18n import translate
from flowstudio.nodes.registry import StudioKind, Translate
from flowstudio.nodes.say import text_lines


def _question_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    input_type = (raw.get("input") or {}).get("type", "text")
    target = f" → ${{{raw['save_as']}}}" if raw.get("save_as") else ""
    return [*text_lines(raw, t), f"{t('answer.' + input_type)}{target}"]


KINDS = (
    StudioKind(
        "question",
        "ask",
        "circle-help",
        defaults=lambda document, lang: {
            "text": "",
            "input": {"type": "text"},
            "save_as": translate("editor.default_answer", lang),
            "max_retries": 2,
        },
        lines=_question_lines,
        texts=(
            "editor.text",
            "editor.input_type",
            "editor.options",
            "editor.entity",
            "editor.save_as",
            "editor.retry_text",
            "editor.max_retries",
        ),
    ),
)
