"""Inspector forms of the kinds that act: code, rasa_action, action, http_request, send_email, search, assign,
mute_bot, archive, end."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor import inspector_actions, inspector_code
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import (
    DEBOUNCE_MS,
    choice,
    field,
    no_fields,
    text_area,
    text_input,
)


def http_request_form() -> rx.Component:
    """The `http_request` form."""
    return rx.vstack(
        choice("method", "editor.method", ["GET", "POST", "PUT", "PATCH", "DELETE"]),
        text_input("url", "editor.url"),
        spacing="3",
        width="100%",
    )


def send_email_form() -> rx.Component:
    """The `send_email` form."""
    return rx.vstack(
        text_input("to", "editor.email_to"),
        text_input("subject", "editor.subject"),
        text_area("body", "editor.body", rows="5"),
        spacing="3",
        width="100%",
    )


def search_form() -> rx.Component:
    """The `search` form."""
    return rx.vstack(
        choice("source", "editor.search_source", ["knowledge", "site"]),
        text_input("query", "editor.query"),
        spacing="3",
        width="100%",
    )


def assign_form() -> rx.Component:
    """The `assign` form."""
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


def mute_bot_form() -> rx.Component:
    """The `mute_bot` form."""
    return text_input("minutes", "editor.minutes")


FORMS: dict[str, Callable[[], rx.Component]] = {
    "code": inspector_code.code_form,
    "rasa_action": inspector_code.rasa_form,
    "action": inspector_actions.action_form,
    "http_request": http_request_form,
    "send_email": send_email_form,
    "search": search_form,
    "assign": assign_form,
    "mute_bot": mute_bot_form,
    "archive": no_fields,
    "end": no_fields,
}
"""Kind -> its inspector form."""
