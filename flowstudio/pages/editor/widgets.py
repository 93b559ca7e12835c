"""The inspector's input widgets, bound to fields of the selected node (every kind's form is built from them)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.inspector_state import InspectorState
from flowstudio.pages.editor.state import EditorState

DEBOUNCE_MS = 350


def label(key: str) -> rx.Component:
    """A field's caption."""
    return rx.text(t(key), size="1", weight="medium", color_scheme="gray")


def field(key: str, control: rx.Component) -> rx.Component:
    """A control under its caption."""
    return rx.vstack(label(key), control, spacing="1", width="100%")


def text_input(path: str, key: str, *, placeholder: str = "", testid: str = "") -> rx.Component:
    """A one-line input bound to a field of the selected node."""
    return field(
        key,
        rx.input(
            value=InspectorState.form[path],
            on_change=lambda v: EditorState.set_field(path, v),
            debounce_timeout=DEBOUNCE_MS,
            placeholder=placeholder,
            width="100%",
            data_testid=testid or f"field-{path}",
        ),
    )


def text_area(path: str, key: str, *, rows: str = "3", testid: str = "", lines: bool = False) -> rx.Component:
    """A multi-line input; with `lines`, each line is an item of a list field."""
    handler = (lambda v: EditorState.set_lines(path, v)) if lines else (lambda v: EditorState.set_field(path, v))
    source = InspectorState.form[path] if path != "triggers" else InspectorState.selected_triggers_text
    return field(
        key,
        rx.text_area(
            value=source,
            on_change=handler,
            debounce_timeout=DEBOUNCE_MS,
            rows=rows,
            width="100%",
            data_testid=testid or f"field-{path}",
        ),
    )


def choice(path: str, key: str, options: list[str], *, label_prefix: str = "") -> rx.Component:
    """A select bound to a field of the selected node."""
    return field(
        key,
        rx.select.root(
            rx.select.trigger(width="100%"),
            rx.select.content(*[rx.select.item(t(label_prefix + o) if label_prefix else o, value=o) for o in options]),
            value=InspectorState.form[path],
            on_change=lambda v: EditorState.set_field(path, v),
            data_testid=f"field-{path}",
        ),
    )


def variables_bar() -> rx.Component:
    """`${var}` completion: names matching the `${...` being typed, else every known variable."""
    chips = rx.cond(
        InspectorState.selected_variable_hint.length() > 0, InspectorState.selected_variable_hint, EditorState.variables
    )
    handler = rx.cond(InspectorState.selected_variable_hint.length() > 0, "complete", "insert")
    return rx.vstack(
        label("editor.variables"),
        rx.flex(
            rx.foreach(
                chips,
                lambda name: rx.badge(
                    "${" + name + "}",
                    variant="soft",
                    color_scheme="iris",
                    cursor="pointer",
                    on_click=rx.cond(
                        handler == "complete", EditorState.complete_variable(name), EditorState.insert_variable(name)
                    ),
                    data_testid="variable-chip",
                ),
            ),
            wrap="wrap",
            gap="1",
        ),
        spacing="1",
        width="100%",
    )


def small_select(options: list[str], value: rx.Var, on_change, prefix: str = "", width: str = "100%") -> rx.Component:
    """A small select of fixed options (labels translated with `prefix`)."""
    return rx.select.root(
        rx.select.trigger(width=width),
        rx.select.content(*[rx.select.item(t(prefix + o) if prefix else o, value=o) for o in options]),
        value=value,
        on_change=on_change,
        size="1",
    )


def no_fields() -> rx.Component:
    """The form of a kind without fields of its own."""
    return rx.text(t("editor.no_fields"), size="2", color_scheme="gray")
