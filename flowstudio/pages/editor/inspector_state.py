"""What the inspector shows of the selected node, derived from the editor's state."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from flowstudio.i18n import translate
from flowstudio.pages.editor.forms import as_text, inspector_form
from flowstudio.pages.editor.state import EditorState


class InspectorState(EditorState):
    """Derived views of the selected node (limits and hints the inspector shows as the designer types)."""

    @rx.var
    def form(self) -> dict[str, str]:
        """The selected node's fields as strings, for the inspector's inputs."""
        return inspector_form(self.selected)

    @rx.var
    def selected_json(self) -> str:
        """The selected node as indented JSON (advanced editor)."""
        return json.dumps(self.selected, ensure_ascii=False, indent=2) if self.selected else ""

    @rx.var
    def selected_kind(self) -> str:
        """Kind of the selected node ('' when none or several)."""
        return str(self.selected.get("kind", "")) if self.selected else ""

    @rx.var
    def selected_kind_label(self) -> str:
        """The selected node's kind in the UI language."""
        return translate(f"kind.{self.selected['kind']}", self.ui_lang) if self.selected.get("kind") else ""

    @rx.var
    def selected_problems(self) -> list[dict[str, str]]:
        """The compiler's findings for the selected node: `message` and `severity` (errors first)."""
        node_id = self.selected.get("id") if self.selected else None
        return [
            {"message": p["message"], "severity": p["severity"]}
            for p in self.problems
            if node_id and p["node_id"] == node_id
        ]

    @rx.var
    def selected_buttons(self) -> list[dict[str, Any]]:
        """Buttons of the selected node with live limits (label length, at most 10)."""
        buttons = self.selected.get("buttons", []) if self.selected else []
        return [
            {
                "id": b.get("id", ""),
                "label": b.get("label", ""),
                "length": len(b.get("label", "")),
                "too_long": len(b.get("label", "")) > 20,
            }
            for b in buttons
        ]

    @rx.var
    def selected_cards(self) -> list[dict[str, Any]]:
        """Carousel cards of the selected node (title, subtitle, image, first button label)."""
        cards = self.selected.get("cards", []) if self.selected else []
        return [
            {
                "title": c.get("title", ""),
                "subtitle": c.get("subtitle") or "",
                "image": c.get("image") or "",
                "button": (c.get("buttons") or [{}])[0].get("label", ""),
            }
            for c in cards
        ]

    @rx.var
    def selected_branches(self) -> list[dict[str, Any]]:
        """Condition branches of the selected node, every rule field as text."""
        branches = self.selected.get("branches", []) if self.selected else []
        return [
            {
                "label": b.get("label") or "",
                "match": b.get("match", "all"),
                "rules": [
                    {
                        "source": r.get("source", "variable"),
                        "name": r.get("name") or "",
                        "op": r.get("op", "eq"),
                        "value": as_text(r.get("value")),
                    }
                    for r in b.get("rules", [])
                ],
            }
            for b in branches
        ]

    @rx.var
    def selected_triggers_text(self) -> str:
        """Triggers, one per line."""
        return "\n".join(self.selected.get("triggers", [])) if self.selected else ""

    @rx.var
    def trigger_issues(self) -> list[str]:
        """Triggers that break Botmaker's rules: fewer than two words, or past the 70th."""
        triggers = self.selected.get("triggers", []) if self.selected else []
        issues = [
            f"“{t}”: {translate('editor.trigger_two_words', self.ui_lang)}" for t in triggers if len(t.split()) < 2
        ]
        if len(triggers) > 70:
            issues.append(translate("editor.trigger_limit", self.ui_lang))
        return issues

    @rx.var
    def selected_variable_hint(self) -> list[str]:
        """`${var}` completions for the text being edited: names matching what follows the last `${`."""
        text = str(self.selected.get("text", "")) if self.selected else ""
        start = text.rfind("${")
        if start < 0 or "}" in text[start:]:
            return []
        partial = text[start + 2 :]
        return [v for v in self.variables if v.startswith(partial)][:12]
