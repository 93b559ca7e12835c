"""The ``tag`` kind in the studio: one tag added when dropped; the card shows ``+added −removed``."""

from __future__ import annotations

from typing import Any

from flowstudio.i18n import translate
from flowstudio.nodes.registry import StudioKind, Translate


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """The tags added (``+``) and removed (``−``) on one line."""
    return [" ".join([*(f"+{x}" for x in raw.get("add", [])), *(f"−{x}" for x in raw.get("remove", []))])]


STUDIO = StudioKind(
    "tag",
    "logic",
    "tag",
    defaults=lambda document, lang: {"add": [translate("editor.default_tag", lang)], "remove": []},
    lines=lines,
    texts=("editor.tags_add", "editor.tags_remove"),
)
