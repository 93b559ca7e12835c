"""The ``template`` kind in the studio: palette entry, defaults and the lines its canvas card shows."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.registry import StudioKind, Translate, clip


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """The template's name and language, then its first three parameters."""
    shown = [f"{raw.get('name') or '?'} ({raw.get('language') or 'pt_BR'})"]
    shown += [f"{{{{{i}}}}} = {clip(p, 50)}" for i, p in enumerate(raw.get("parameters") or [], 1)][:3]
    return shown


STUDIO = StudioKind(
    "template",
    "say",
    "file-badge",
    defaults=lambda document, lang: {"name": "", "language": "pt_BR", "parameters": [], "fallback_text": ""},
    lines=lines,
    texts=(
        "editor.template_name",
        "editor.template_language",
        "editor.template_parameters",
        "editor.template_fallback",
        "editor.template_hint",
    ),
)
