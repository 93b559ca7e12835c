"""The ``action`` kind's inspector form: choose one of the workspace's code actions, then fill in its parameters.

``form()`` is what the inspector renders for a selected ``action`` node (found by ``flowstudio.nodes.forms``). The
node's fields are `action` (the definition's key), `params` (name -> value, `${...}` allowed) and `outcomes`
(copied from the definition when it is chosen, so the canvas draws a handle per outcome besides ok/error).
The list of actions is read from `flowstudio.services.studio.code_actions` when the form mounts.
"""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.db import session_scope
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.services.identity import permissions as can
from flowstudio.services.studio import action_catalog
from flowstudio.state.guard import authorize, requires


def node_with_action(node: dict[str, Any], definition: dict[str, Any]) -> dict[str, Any]:
    """The node pointing at `definition` (a catalog row): its outcomes copied, values of parameters it still
    has kept, defaults for the others, values of parameters it no longer has dropped."""
    given = dict(node.get("params") or {})
    params = {
        p["name"]: given.get(p["name"], "" if p.get("default") is None else p["default"])
        for p in definition.get("parameters", [])
    }
    return {**node, "action": definition["key"], "outcomes": list(definition.get("outcomes", [])), "params": params}


class ActionInspectorState(InspectorState):
    """The workspace's actions (for the select) and the chosen one's parameters with the node's values."""

    catalog: list[dict[str, Any]] = []

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def load_catalog(self):
        """Read the workspace's actions (when the form mounts)."""
        access = await authorize(self)
        with session_scope() as session:
            self.catalog = [
                {
                    "key": d.key,
                    "name": d.name,
                    "flavour": d.flavour,
                    "description": d.description,
                    "outcomes": list(d.outcomes),
                    "parameters": [
                        {"name": p.name, "type": p.type, "required": p.required, "default": p.default, "label": p.label}
                        for p in d.parameters
                    ],
                }
                for d in action_catalog.catalog(session=session, workspace_id=access.workspace_id).values()
            ]

    @rx.var
    def chosen(self) -> dict[str, Any]:
        """The catalog row of the selected node's action ({} when none or unknown)."""
        key = (self.selected or {}).get("action", "")
        return next((d for d in self.catalog if d["key"] == key), {})

    @rx.var
    def param_fields(self) -> list[dict[str, str]]:
        """The chosen action's parameters with the node's values, as the form's inputs show them."""
        given = (self.selected or {}).get("params") or {}
        fields = []
        for p in self.chosen.get("parameters", []):
            value = given.get(p["name"], "")
            fields.append(
                {
                    "name": p["name"],
                    "type": p["type"],
                    "label": p.get("label") or p["name"],
                    "required": "1" if p.get("required") else "",
                    "value": value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
                    "checked": "1" if value is True or str(value).lower() in ("true", "1") else "",
                }
            )
        return fields

    @rx.event
    def choose(self, key: str):
        """Point the node at another action (through the editor's own JSON edit, so undo and checks apply)."""
        definition = next((d for d in self.catalog if d["key"] == key), None)
        if definition is None or not self.selected:
            return None
        return EditorState.set_node_json(json.dumps(node_with_action(dict(self.selected), definition)))


S = ActionInspectorState


def _param_input(field: rx.Var) -> rx.Component:
    path = "params." + field["name"]
    return rx.vstack(
        rx.hstack(
            rx.text(field["label"], size="2", weight="medium"),
            rx.cond(field["required"] != "", rx.text("*", color=rx.color("red", 10))),
            rx.badge(field["type"], size="1", variant="soft", color_scheme="gray"),
            spacing="1",
            align="center",
        ),
        rx.match(
            field["type"],
            (
                "boolean",
                rx.switch(checked=field["checked"] != "", on_change=lambda on: EditorState.set_field(path, on)),
            ),
            (
                "json",
                rx.text_area(
                    value=field["value"],
                    on_change=lambda v: EditorState.set_field(path, v),
                    debounce_timeout=350,
                    rows="3",
                    width="100%",
                    font_family="monospace",
                ),
            ),
            rx.input(
                value=field["value"],
                on_change=lambda v: EditorState.set_field(path, v),
                debounce_timeout=350,
                width="100%",
                placeholder=rx.cond(field["type"] == "number", "42 · ${total}", "${variable}"),
                data_testid="action-param",
            ),
        ),
        spacing="1",
        width="100%",
    )


def form() -> rx.Component:
    """The action select, its description and outcomes, and a typed input per parameter."""
    return rx.vstack(
        rx.select.root(
            rx.select.trigger(placeholder=t("developers.inspector.choose"), width="100%", data_testid="field-action"),
            rx.select.content(rx.foreach(S.catalog, lambda d: rx.select.item(d["name"], value=d["key"]))),
            value=InspectorState.form["action"],
            on_change=S.choose,
        ),
        rx.cond(S.catalog.length() == 0, rx.text(t("developers.inspector.none"), size="1", color_scheme="gray")),
        rx.cond(
            S.chosen.contains("key"),
            rx.vstack(
                rx.text(S.chosen["description"].to(str), size="1", color_scheme="gray"),
                rx.foreach(S.param_fields, _param_input),
                rx.hstack(
                    rx.text(t("developers.inspector.outcomes"), size="1"),
                    rx.badge("ok", size="1", color_scheme="green"),
                    rx.badge("error", size="1", color_scheme="red"),
                    rx.foreach(S.chosen["outcomes"].to(list[str]), lambda o: rx.badge(o, size="1")),
                    wrap="wrap",
                    spacing="1",
                    align="center",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        rx.link(t("developers.inspector.manage"), href="/developers", size="1", is_external=True),
        spacing="2",
        width="100%",
        on_mount=S.load_catalog,
    )
