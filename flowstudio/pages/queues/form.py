"""The queue dialog: name and key, business hours, strategy, waits, messages, CSAT and agents."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.queues.rows import STRATEGIES, TIMEZONES
from flowstudio.pages.queues.state import S
from flowstudio.state.session import SessionState


def _field(label_key: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"), *children, spacing="1", width="100%", align="start"
    )


def _day_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.el.label(
            rx.checkbox(
                checked=row["open"] != "",
                on_change=lambda checked: S.set_day_open(index, checked),
                data_testid="queue-day-open",
            ),
            rx.text(SessionState.tr["weekday." + row["day"]], size="2"),
            style={
                "display": "flex",
                "gap": "8px",
                "align_items": "center",
                "width": "112px",
                "flex_shrink": "0",
                "cursor": "pointer",
            },
        ),
        rx.input(
            value=row["spans"],
            on_change=lambda value: S.set_day_spans(index, value),
            disabled=row["open"] == "",
            placeholder="09:00-12:00, 13:00-18:00",
            size="1",
            flex="1",
            data_testid="queue-day-spans",
        ),
        align="center",
        width="100%",
        spacing="2",
        data_day=row["day"],
    )


def _hours_editor() -> rx.Component:
    return rx.vstack(
        rx.checkbox(
            t("queues.always_open"),
            checked=S.form_always_open,
            on_change=lambda v: S.set_field("always_open", v),
            data_testid="queue-always-open",
        ),
        rx.cond(
            ~S.form_always_open,
            rx.vstack(
                rx.hstack(
                    rx.text(t("queues.timezone"), size="2"),
                    rx.select(
                        list(TIMEZONES), value=S.form_timezone, on_change=lambda v: S.set_field("timezone", v), size="1"
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.foreach(S.form_days, _day_row),
                rx.text(t("queues.hours_hint"), size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _text(name: str, value: rx.Var, placeholder: rx.Var | str = "", rows: str = "2") -> rx.Component:
    return rx.text_area(
        value=value,
        on_change=lambda v: S.set_field(name, v),
        rows=rows,
        width="100%",
        placeholder=placeholder,
        data_testid=f"queue-{name}",
    )


def queue_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.form_id > 0, t("queues.edit"), t("queues.new"))),
            rx.scroll_area(
                rx.vstack(
                    rx.grid(
                        _field(
                            "queues.name",
                            rx.input(
                                value=S.form_name,
                                on_change=lambda v: S.set_field("name", v),
                                width="100%",
                                data_testid="queue-form-name",
                            ),
                        ),
                        _field(
                            "queues.key",
                            rx.input(
                                value=S.form_key,
                                on_change=lambda v: S.set_field("key", v),
                                disabled=S.form_id > 0,
                                placeholder=t("queues.key_hint"),
                                width="100%",
                            ),
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    _field(
                        "queues.strategy",
                        rx.radio_group.root(
                            rx.vstack(
                                *[
                                    rx.el.label(
                                        rx.radio_group.item(value=s, data_testid=f"queue-strategy-{s}"),
                                        rx.vstack(
                                            rx.text(t(f"strategy.{s}"), size="2"),
                                            rx.text(t(f"strategy_hint.{s}"), size="1", color_scheme="gray"),
                                            spacing="0",
                                        ),
                                        style={
                                            "display": "flex",
                                            "gap": "8px",
                                            "align_items": "start",
                                            "cursor": "pointer",
                                        },
                                    )
                                    for s in STRATEGIES
                                ],
                                spacing="2",
                            ),
                            value=S.form_strategy,
                            on_change=lambda v: S.set_field("strategy", v),
                        ),
                    ),
                    _field("queues.hours", _hours_editor()),
                    _field(
                        "queues.max_wait_minutes",
                        rx.input(
                            value=S.form_max_wait,
                            on_change=lambda v: S.set_field("max_wait", v),
                            type="number",
                            min="1",
                            step="1",
                            width="120px",
                            data_testid="queue-max-wait",
                        ),
                    ),
                    _field("queues.position_message", _text("position", S.form_position, t("queues.position_hint"))),
                    _field("queues.closed_message", _text("closed", S.form_closed, t("queues.closed_hint"))),
                    rx.checkbox(
                        t("queues.return_to_bot"),
                        checked=S.form_return_to_bot,
                        on_change=lambda v: S.set_field("return_to_bot", v),
                    ),
                    rx.checkbox(
                        t("queues.csat"),
                        checked=S.form_csat,
                        on_change=lambda v: S.set_field("csat", v),
                        data_testid="queue-csat",
                    ),
                    rx.cond(S.form_csat, _text("csat_question", S.form_csat_question, t("queues.csat_hint"))),
                    _field(
                        "queues.agents",
                        rx.flex(
                            rx.foreach(
                                S.members,
                                lambda m: rx.checkbox(
                                    m.label,
                                    checked=S.form_agents.contains(m.value),
                                    on_change=lambda checked: S.toggle_agent(m.value, checked),
                                    data_testid="queue-agent",
                                ),
                            ),
                            wrap="wrap",
                            gap="12px",
                        ),
                    ),
                    spacing="4",
                    width="100%",
                    padding_right="12px",
                ),
                type="auto",
                scrollbars="vertical",
                style={"max_height": "62vh"},
            ),
            rx.cond(
                S.form_error != "",
                rx.callout(
                    S.form_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    margin_top="12px",
                    data_testid="queue-form-error",
                ),
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("queues.save"), on_click=S.save, data_testid="queue-form-save"),
                justify="end",
                width="100%",
                margin_top="12px",
            ),
            max_width="620px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )
