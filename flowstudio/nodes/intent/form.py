"""The ``intent`` kind's inspector form: name, topic and trigger phrases (one per line, checked as typed)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import field, text_area, text_input


def form() -> rx.Component:
    """Name, the topic chosen among the flow's topics, and the triggers with their issues."""
    return rx.vstack(
        text_input("name", "editor.intent_name"),
        field(
            "editor.topic",
            rx.select.root(
                rx.select.trigger(width="100%", placeholder=t("editor.no_topic")),
                rx.select.content(
                    rx.foreach(
                        EditorState.topics,
                        lambda tp: rx.cond(
                            tp["id"].to(str) != "", rx.select.item(tp["name"].to(str), value=tp["id"].to(str))
                        ),
                    )
                ),
                value=InspectorState.form["topic"],
                on_change=lambda v: EditorState.set_field("topic", v),
            ),
        ),
        text_area("triggers", "editor.triggers", rows="6", lines=True, testid="field-triggers"),
        rx.foreach(
            InspectorState.trigger_issues,
            lambda issue: rx.text(issue, size="1", color_scheme="red", data_testid="trigger-issue"),
        ),
        spacing="3",
        width="100%",
    )
