"""Inspector forms of the entry kinds: start, intent, fallback, event."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import reflex as rx

from flow_runtime.nodes.start.schema import FirstMessage
from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import (
    choice,
    field,
    no_fields,
    text_area,
    text_input,
)

EVENTS = ["inactivity", "image", "document", "audio", "video", "location"]
FIRST_MESSAGE = list(get_args(FirstMessage))


def start_form() -> rx.Component:
    """The `start` form."""
    return rx.vstack(
        choice("first_message", "editor.first_message", FIRST_MESSAGE, label_prefix="first_message."),
        rx.text(t("editor.first_message_hint"), size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
    )


def intent_form() -> rx.Component:
    """The `intent` form."""
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


def event_form() -> rx.Component:
    """The `event` form."""
    return rx.vstack(
        choice("event", "editor.event", EVENTS),
        text_input("minutes", "editor.minutes"),
        spacing="3",
        width="100%",
    )


FORMS: dict[str, Callable[[], rx.Component]] = {
    "start": start_form,
    "intent": intent_form,
    "fallback": no_fields,
    "event": event_form,
}
"""Kind -> its inspector form."""
