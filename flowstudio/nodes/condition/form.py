"""The ``condition`` kind's inspector form: branches, each a label, all/any and rules (source, name, comparison,
value); ``else`` is implicit."""

from __future__ import annotations

from typing import get_args

import reflex as rx

from flow_runtime.schema.common import Rule
from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import DEBOUNCE_MS, label, small_select

RULE_SOURCES = list(get_args(Rule.model_fields["source"].annotation))
"""What a condition rule compares, in the schema's order (the model is the one list)."""
RULE_OPS = list(get_args(Rule.model_fields["op"].annotation))


def _rule(item: rx.Var, index: rx.Var, base: rx.Var) -> rx.Component:
    path = base + ".rules." + index.to_string()
    return rx.grid(
        small_select(
            RULE_SOURCES,
            item["source"].to(str),
            lambda v: EditorState.set_field(path + ".source", v),
            "rule_source.",
        ),
        rx.input(
            value=item["name"].to(str),
            placeholder=t("editor.rule_name"),
            size="1",
            debounce_timeout=DEBOUNCE_MS,
            on_change=lambda v: EditorState.set_field(path + ".name", v),
        ),
        small_select(RULE_OPS, item["op"].to(str), lambda v: EditorState.set_field(path + ".op", v), "rule_op."),
        rx.hstack(
            rx.input(
                value=item["value"].to(str),
                placeholder=t("editor.value"),
                size="1",
                flex="1",
                debounce_timeout=DEBOUNCE_MS,
                on_change=lambda v: EditorState.set_field(path + ".value", v),
            ),
            rx.icon_button(
                rx.icon("x", size=12),
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=EditorState.remove_item(base + ".rules", index),
            ),
        ),
        columns="2",
        spacing="1",
        width="100%",
        padding_bottom="6px",
        border_bottom=f"1px dashed {rx.color('gray', 5)}",
    )


def _branch(item: rx.Var, index: rx.Var) -> rx.Component:
    base = "branches." + index.to_string()
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.input(
                    value=item["label"].to(str),
                    placeholder=t("editor.branch_label"),
                    size="1",
                    flex="1",
                    debounce_timeout=DEBOUNCE_MS,
                    on_change=lambda v: EditorState.set_field(base + ".label", v),
                ),
                small_select(
                    ["all", "any"],
                    item["match"].to(str),
                    lambda v: EditorState.set_field(base + ".match", v),
                    "rule_match.",
                    width="100px",
                ),
                rx.icon_button(
                    rx.icon("x", size=12),
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=EditorState.remove_item("branches", index),
                ),
                width="100%",
                align="center",
            ),
            rx.foreach(item["rules"].to(list[dict[str, str]]), lambda r, j: _rule(r, j, base)),
            rx.button(
                rx.icon("plus", size=12),
                t("editor.add_rule"),
                size="1",
                variant="ghost",
                on_click=EditorState.add_item(base + ".rules"),
            ),
            spacing="2",
            width="100%",
        ),
        size="1",
        width="100%",
        data_testid="branch",
    )


def form() -> rx.Component:
    """The branches, a button adding one, and a note that ``else`` takes the rest."""
    return rx.vstack(
        label("editor.branches"),
        rx.foreach(InspectorState.selected_branches, _branch),
        rx.button(
            rx.icon("plus", size=14),
            t("editor.add_branch"),
            size="1",
            variant="soft",
            on_click=EditorState.add_item("branches"),
            data_testid="add-branch",
        ),
        rx.text(t("editor.else_hint"), size="1", color_scheme="gray"),
        spacing="2",
        width="100%",
    )
