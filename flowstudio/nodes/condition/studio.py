"""The ``condition`` kind in the studio: one branch when dropped; each exit is labelled with its branch's label or
rules."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.items import new_item
from flowstudio.nodes.registry import StudioKind, clip


def _rule_text(rule: dict[str, Any]) -> str:
    name = rule.get("name") or rule.get("source", "")
    value = rule.get("value")
    return clip(f"{name} {rule.get('op', 'eq')} {'' if value is None else value}".strip(), 40)


def handle_labels(raw: dict[str, Any]) -> dict[str, str]:
    """Each branch's exit, labelled with its label, else its rules joined with ``&``."""
    return {
        b["id"]: b.get("label") or " & ".join(_rule_text(r) for r in b.get("rules", [])) or "?"
        for b in raw.get("branches", [])
    }


STUDIO = StudioKind(
    "condition",
    "logic",
    "git-branch",
    defaults=lambda document, lang: {"branches": [new_item("branches", 1, lang=lang)]},
    handle_labels=handle_labels,
    texts=("editor.branches", "editor.add_branch", "editor.else_hint", "editor.add_rule", "editor.rule_name"),
)
