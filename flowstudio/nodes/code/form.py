"""The ``code`` kind's inspector form: Python with highlighting (CodeMirror), its outcomes, the hosts ``flow.http``
may call and the time limit."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.code_editor import code_editor
from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.widgets import DEBOUNCE_MS, field, label, text_input


def _hint(key: str, testid: str = "") -> rx.Component:
    return rx.text(t(key), size="1", color_scheme="gray", data_testid=testid or None)


def _lines(path: str, key: str, hint: str) -> rx.Component:
    """A list field, one item per line, in a monospace area with a hint under it."""
    return rx.vstack(
        label(key),
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
        _hint(hint),
        spacing="1",
        width="100%",
    )


def form() -> rx.Component:
    """Code, what it may call, its outcomes, allowed hosts and time limit."""
    return rx.vstack(
        field(
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
        text_input("timeout_seconds", "code_actions.timeout"),
        spacing="3",
        width="100%",
    )
