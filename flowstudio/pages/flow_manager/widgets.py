"""Pieces the flow manager's sections share: drag and drop (plain HTML5: a bot card puts ``bot:<id>`` in the
drag's data and an area column sends it to Python on drop, one event per drag), a titled section, form fields.
"""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.flow_manager.rows import (
    DRAG_PREFIX,
)
from flowstudio.pages.flow_manager.state import FlowManagerState

S = FlowManagerState


CLEAR_OVER = "document.querySelectorAll('[data-over]').forEach((el) => el.removeAttribute('data-over'))"


def _dropped(e: rx.Var) -> tuple[rx.Var[str]]:
    """The drop event's payload (what the dragged card put in `dataTransfer`)."""
    return (rx.Var(f"{e!s}.dataTransfer.getData('text/plain')").to(str),)


class DropZone(rx.el.Div):
    """A div that reports what is dropped on it."""

    on_drop: rx.EventHandler[_dropped]


def drop_zone(*children: rx.Component, on_drop, **props) -> rx.Component:
    return DropZone.create(
        *children,
        on_drop=on_drop,
        custom_attrs={
            "onDragOver": rx.Var("((e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; })"),
            "onDragEnter": rx.Var("((e) => { e.preventDefault(); e.currentTarget.setAttribute('data-over', '1'); })"),
            "onDragLeave": rx.Var(
                "((e) => { if (!e.currentTarget.contains(e.relatedTarget)) "
                "e.currentTarget.removeAttribute('data-over'); })"
            ),
        },
        **props,
    )


def draggable(bot_id: rx.Var, *children: rx.Component, **props) -> rx.Component:
    start = (
        f"((e) => {{ e.dataTransfer.setData('text/plain', '{DRAG_PREFIX}' + {bot_id!s}); "
        "e.dataTransfer.effectAllowed = 'move'; })"
    )
    return rx.box(
        *children,
        draggable=True,
        custom_attrs={"onDragStart": rx.Var(start), "onDragEnd": rx.Var(f"(() => {CLEAR_OVER})")},
        **props,
    )


def section(
    title_key: str, hint_key: str, *children: rx.Component, action: rx.Component | None = None, **props
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(t(title_key), size="4"),
                    rx.text(t(hint_key), size="2", color_scheme="gray"),
                    spacing="1",
                    align="start",
                ),
                rx.spacer(),
                action or rx.fragment(),
                width="100%",
                align="start",
                wrap="wrap",
                spacing="2",
            ),
            *children,
            spacing="3",
            width="100%",
            align="start",
        ),
        width="100%",
        **props,
    )


def checks(kind: str, values: tuple[str, ...] | rx.Var, selected: rx.Var, label_prefix: str = "") -> rx.Component:
    def box(value) -> rx.Component:
        label = t(label_prefix + value) if label_prefix and isinstance(value, str) else value
        return rx.checkbox(
            label,
            checked=selected.contains(value),
            on_change=lambda checked: S.toggle_rule_value(kind, value, checked),
            data_testid=f"fm-rule-{kind}",
        )

    items = [box(v) for v in values] if isinstance(values, tuple) else [rx.foreach(values, box)]
    return rx.flex(*items, wrap="wrap", gap="12px")


def field(label_key: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"), *children, spacing="1", width="100%", align="start"
    )


def radio(value: str, label_key: str) -> rx.Component:
    return rx.el.label(
        rx.radio_group.item(value=value),
        rx.text(t(label_key), size="2"),
        style={"display": "flex", "gap": "6px", "align_items": "center", "cursor": "pointer"},
    )
