"""Studio side of the logic kinds: condition, set_variable, tag, go_to, wait."""

from __future__ import annotations

from typing import Any

from flowstudio.i18n import translate
from flowstudio.nodes.items import new_item
from flowstudio.nodes.registry import StudioKind, Translate, clip


def _rule_text(rule: dict[str, Any]) -> str:
    name = rule.get("name") or rule.get("source", "")
    value = rule.get("value")
    return clip(f"{name} {rule.get('op', 'eq')} {'' if value is None else value}".strip(), 40)


def _branch_labels(raw: dict[str, Any]) -> dict[str, str]:
    return {
        b["id"]: b.get("label") or " & ".join(_rule_text(r) for r in b.get("rules", [])) or "?"
        for b in raw.get("branches", [])
    }


def _tag_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    return [" ".join([*(f"+{x}" for x in raw.get("add", [])), *(f"−{x}" for x in raw.get("remove", []))])]


def _wait_lines(raw: dict[str, Any], t: Translate) -> list[str]:
    if raw.get("mode") == "input":
        return [t("canvas.waits_input")]
    return [t("canvas.waits_seconds", seconds=raw.get("seconds", 0))]


def _go_to_defaults(document: dict[str, Any], lang: str) -> dict[str, Any]:
    intents = [n.get("name") for n in document.get("nodes", []) if n.get("kind") == "intent"]
    return {"intent": intents[0] if intents else "?"}


KINDS = (
    StudioKind(
        "condition",
        "logic",
        "git-branch",
        defaults=lambda document, lang: {"branches": [new_item("branches", 1, lang=lang)]},
        handle_labels=_branch_labels,
        texts=("editor.branches", "editor.add_branch", "editor.else_hint", "editor.add_rule", "editor.rule_name"),
    ),
    StudioKind(
        "set_variable",
        "logic",
        "variable",
        defaults=lambda document, lang: {"name": translate("editor.default_variable", lang), "value": ""},
        lines=lambda raw, t: [f"{raw.get('name', '?')} = {clip(raw.get('value'), 60)}"],
        title_field="name",
        texts=("editor.variable", "editor.value"),
    ),
    StudioKind(
        "tag",
        "logic",
        "tag",
        defaults=lambda document, lang: {"add": [translate("editor.default_tag", lang)], "remove": []},
        lines=_tag_lines,
        texts=("editor.tags_add", "editor.tags_remove"),
    ),
    StudioKind(
        "go_to",
        "logic",
        "corner-down-right",
        defaults=_go_to_defaults,
        lines=lambda raw, t: [f"→ {raw.get('intent', '?')}"],
        texts=("editor.go_to_intent",),
    ),
    StudioKind(
        "wait",
        "logic",
        "timer",
        defaults=lambda document, lang: {"mode": "delay", "seconds": 5},
        lines=_wait_lines,
        texts=("editor.wait_mode", "editor.seconds", "canvas.waits_input", "canvas.waits_seconds"),
    ),
)
