"""The inspector: edits the selected node, with limits and problems shown as the designer types."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.nodes.forms import kind_forms
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import no_fields, text_input


def _kind_form() -> rx.Component:
    """The selected node's own fields: the form each kind registers (``flowstudio.nodes.forms``)."""
    return rx.match(InspectorState.selected_kind, *kind_forms(), no_fields())


def _advanced() -> rx.Component:
    return rx.el.details(
        rx.el.summary(t("editor.advanced"), style={"cursor": "pointer", "fontSize": "12px"}),
        rx.text_area(
            default_value=InspectorState.selected_json,
            key=InspectorState.selected_json,
            rows="12",
            font_family="monospace",
            font_size="12px",
            width="100%",
            margin_top="6px",
            on_blur=EditorState.set_node_json,
            data_testid="node-json",
        ),
        rx.text(t("editor.advanced_hint"), size="1", color_scheme="gray"),
        width="100%",
    )


def _problem(problem: rx.Var) -> rx.Component:
    """One finding: errors red, warnings amber with their own icon."""

    def box(icon, color):
        return rx.callout(
            problem["message"],
            icon=icon,
            color_scheme=color,
            size="1",
            width="100%",
            data_testid="inspector-problem",
            data_severity=problem["severity"],
        )

    return rx.cond(problem["severity"] == "error", box("circle-x", "red"), box("triangle-alert", "amber"))


def inspector() -> rx.Component:
    """The inspector panel."""
    return rx.box(
        rx.cond(
            InspectorState.selected_kind != "",
            rx.vstack(
                rx.hstack(
                    rx.badge(InspectorState.selected_kind_label, size="2", data_testid="inspector-kind"),
                    rx.spacer(),
                    rx.text(
                        EditorState.selected["id"].to(str),
                        size="1",
                        color_scheme="gray",
                        font_family="monospace",
                        data_testid="inspector-node-id",
                    ),
                    align="center",
                    width="100%",
                ),
                rx.foreach(InspectorState.selected_problems, _problem),
                text_input("label", "editor.node_label"),
                _kind_form(),
                _advanced(),
                spacing="3",
                width="100%",
            ),
            rx.text(t("editor.select_hint"), size="2", color_scheme="gray"),
        ),
        data_testid="inspector",
        width="100%",
    )
