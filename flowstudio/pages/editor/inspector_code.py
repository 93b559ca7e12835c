"""Inspector forms of the developer kinds: inline Python code (CodeMirror editor, outcomes, allowed hosts) and
Rasa SDK actions. The reusable `action` kind's form lives in `inspector_actions.py`."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.code_editor import code_editor
from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState

DEBOUNCE_MS = 350


def _hint(key: str, testid: str = "") -> rx.Component:
    return rx.text(t(key), size="1", color_scheme="gray", data_testid=testid or None)


def _labelled(key: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(t(key), size="1", weight="medium", color_scheme="gray"),
        control,
        *([_hint(hint)] if hint else []),
        spacing="1",
        width="100%",
    )


def _lines(path: str, key: str, hint: str) -> rx.Component:
    return _labelled(
        key,
        rx.text_area(
            value=InspectorState.form[path],
            on_change=lambda v: EditorState.set_lines(path, v),
            debounce_timeout=DEBOUNCE_MS,
            rows="2",
            width="100%",
            font_family="monospace",
            font_size="12px",
            data_testid=f"field-{path}",
        ),
        hint,
    )


def _input(path: str, key: str, *, placeholder: str = "") -> rx.Component:
    return _labelled(
        key,
        rx.input(
            value=InspectorState.form[path],
            on_change=lambda v: EditorState.set_field(path, v),
            debounce_timeout=DEBOUNCE_MS,
            placeholder=placeholder,
            width="100%",
            data_testid=f"field-{path}",
        ),
    )


def code_form() -> rx.Component:
    """Python with highlighting, its outcomes, the hosts `flow.http` may call and the time limit."""
    return rx.vstack(
        _labelled(
            "code_actions.code",
            code_editor(
                value=InspectorState.form["code"],
                on_change=lambda v: EditorState.set_field("code", v),
                height="260px",
                testid="code-editor",
                key=EditorState.selected["id"].to(str),
            ),
        ),
        _hint("code_actions.help", "code-help"),
        _lines("outcomes", "code_actions.outcomes", "code_actions.outcomes_hint"),
        _lines("allowed_hosts", "code_actions.allowed_hosts", "code_actions.allowed_hosts_hint"),
        _input("timeout_seconds", "code_actions.timeout"),
        spacing="3",
        width="100%",
    )


def rasa_form() -> rx.Component:
    """A Rasa SDK action server call: server URL, action name, time limit."""
    return rx.vstack(
        _input("server_url", "code_actions.server_url", placeholder="http://actions:5055"),
        _input("action", "code_actions.rasa_action_name", placeholder="action_check_order"),
        _input("timeout_seconds", "code_actions.timeout"),
        _hint("code_actions.rasa_hint"),
        spacing="3",
        width="100%",
    )
