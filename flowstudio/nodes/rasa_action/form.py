"""The ``rasa_action`` kind's inspector form: the Rasa SDK action server, the action's name and the time limit."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.widgets import text_input


def form() -> rx.Component:
    """Server URL, action name, time limit, and what the server gets and gives back."""
    return rx.vstack(
        text_input("server_url", "code_actions.server_url", placeholder="http://actions:5055"),
        text_input("action", "code_actions.rasa_action_name", placeholder="action_check_order"),
        text_input("timeout_seconds", "code_actions.timeout"),
        rx.text(t("code_actions.rasa_hint"), size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
    )
