"""The ``assign`` kind's inspector form: a queue, an agent or a bot, and which one."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import DEBOUNCE_MS, field


def form() -> rx.Component:
    """The kind of target, then its name."""
    return rx.vstack(
        field(
            "editor.assign_to",
            rx.segmented_control.root(
                rx.segmented_control.item(t("assign.queue"), value="queue"),
                rx.segmented_control.item(t("assign.agent"), value="agent"),
                rx.segmented_control.item(t("assign.bot"), value="bot"),
                value=InspectorState.form["assign_target"],
                on_change=EditorState.set_assign_target,
            ),
        ),
        rx.input(
            value=InspectorState.form["assign_value"],
            width="100%",
            debounce_timeout=DEBOUNCE_MS,
            on_change=lambda v: EditorState.set_field("to." + InspectorState.form["assign_target"], v),
            data_testid="field-assign",
        ),
        spacing="3",
        width="100%",
    )
