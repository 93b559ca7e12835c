"""The code action form: name, parameters table, outcomes, allowed hosts, code, and the test-run panel."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.code_editor import code_editor
from flowstudio.components.layout import t
from flowstudio.pages.developers.actions_state import TYPES, ActionsState

S = ActionsState


def _field(label: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(t(label), size="2", weight="medium"),
        control,
        rx.text(t(hint), size="1", color=rx.color("gray", 10)) if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def _param_row(param: rx.Var, index: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.input(
                value=param.name,
                on_change=lambda v: S.set_param(index, "name", v),
                size="1",
                placeholder="order_id",
                data_testid="param-name",
            )
        ),
        rx.table.cell(rx.select(TYPES, value=param.type, on_change=lambda v: S.set_param(index, "type", v), size="1")),
        rx.table.cell(rx.checkbox(checked=param.required, on_change=lambda v: S.set_param(index, "required", v))),
        rx.table.cell(rx.input(value=param.default, on_change=lambda v: S.set_param(index, "default", v), size="1")),
        rx.table.cell(
            rx.icon_button(
                rx.icon("x", size=12),
                variant="ghost",
                color_scheme="gray",
                size="1",
                on_click=S.remove_param(index),
                aria_label=t("developers.delete"),
            )
        ),
    )


def _mono(value: rx.Var, field: str, rows: str, testid: str) -> rx.Component:
    return rx.text_area(
        value=value,
        on_change=lambda v: S.set_field(field, v),
        rows=rows,
        width="100%",
        font_family="ui-monospace, SFMono-Regular, Menlo, monospace",
        font_size="13px",
        spell_check=False,
        data_testid=testid,
    )


def _test_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("developers.actions.test_title"), size="3"),
            rx.text(t("developers.actions.test_hint"), size="1", color=rx.color("gray", 10)),
            rx.grid(
                _field("developers.actions.sample_params", _mono(S.sample_params, "sample_params", "3", "test-params")),
                _field(
                    "developers.actions.sample_variables",
                    _mono(S.sample_variables, "sample_variables", "3", "test-variables"),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                gap="12px",
                width="100%",
            ),
            rx.button(
                rx.icon("play", size=14),
                t("developers.actions.run"),
                on_click=S.test_run,
                variant="soft",
                data_testid="action-test-run",
            ),
            rx.cond(
                S.run_done,
                rx.vstack(
                    rx.hstack(
                        rx.text(t("developers.actions.outcome"), size="2"),
                        rx.badge(
                            S.run_outcome,
                            color_scheme=rx.cond(S.run_outcome == "error", "red", "green"),
                            data_testid="test-outcome",
                        ),
                        align="center",
                    ),
                    rx.cond(
                        S.run_error != "",
                        rx.callout(
                            S.run_error,
                            icon="triangle-alert",
                            color_scheme="red",
                            size="1",
                            width="100%",
                            data_testid="test-error",
                        ),
                    ),
                    rx.foreach(
                        S.run_messages,
                        lambda m: rx.hstack(
                            rx.icon("message-square", size=14),
                            rx.text(m, size="2"),
                            align="center",
                            data_testid="test-message",
                        ),
                    ),
                    rx.text(t("developers.actions.variables"), size="2", weight="medium"),
                    rx.code_block(S.run_variables, language="json", width="100%"),
                    width="100%",
                    spacing="2",
                    data_testid="test-result",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def action_form() -> rx.Component:
    python = S.flavour == "python"
    return rx.vstack(
        rx.hstack(
            rx.heading(rx.cond(S.original_key != "", S.original_key, t("developers.actions.new")), size="4"),
            rx.spacer(),
            rx.button(t("developers.cancel"), variant="soft", color_scheme="gray", on_click=S.close),
            rx.button(rx.icon("save", size=14), t("developers.save"), on_click=S.save, data_testid="action-save"),
            width="100%",
            align="center",
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="action-error"),
        ),
        rx.grid(
            _field(
                "developers.actions.key",
                rx.input(
                    value=S.key,
                    on_change=lambda v: S.set_field("key", v),
                    placeholder="lookup-order",
                    width="100%",
                    data_testid="action-key",
                ),
                "developers.actions.key_hint",
            ),
            _field(
                "developers.actions.name",
                rx.input(
                    value=S.name, on_change=lambda v: S.set_field("name", v), width="100%", data_testid="action-name"
                ),
            ),
            _field(
                "developers.actions.flavour",
                rx.select.root(
                    rx.select.trigger(width="100%"),
                    rx.select.content(
                        rx.select.item(t("developers.actions.python"), value="python"),
                        rx.select.item(t("developers.actions.rasa"), value="rasa"),
                    ),
                    value=S.flavour,
                    on_change=lambda v: S.set_field("flavour", v),
                ),
            ),
            _field(
                "developers.actions.timeout",
                rx.input(value=S.timeout, type="number", width="100%", on_change=lambda v: S.set_field("timeout", v)),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="12px",
            width="100%",
        ),
        _field(
            "developers.actions.description",
            rx.input(value=S.description, width="100%", on_change=lambda v: S.set_field("description", v)),
        ),
        _field(
            "developers.actions.parameters",
            rx.vstack(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(t(f"developers.param.{c}"))
                                for c in ("name", "type", "required", "default")
                            ],
                            rx.table.column_header_cell(""),
                        )
                    ),
                    rx.table.body(rx.foreach(S.params, _param_row)),
                    size="1",
                    width="100%",
                ),
                rx.button(
                    rx.icon("plus", size=12),
                    t("developers.actions.add_param"),
                    size="1",
                    variant="soft",
                    on_click=S.add_param,
                    data_testid="param-add",
                ),
                width="100%",
            ),
        ),
        rx.cond(
            python,
            rx.vstack(
                rx.grid(
                    _field(
                        "developers.actions.outcomes",
                        _mono(S.outcomes, "outcomes", "2", "action-outcomes"),
                        "developers.actions.outcomes_hint",
                    ),
                    _field(
                        "developers.actions.hosts",
                        _mono(S.hosts, "hosts", "2", "action-hosts"),
                        "developers.actions.hosts_hint",
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    gap="12px",
                    width="100%",
                ),
                rx.cond(
                    S.inward_hosts != "",
                    rx.callout(
                        rx.text(t("developers.actions.hosts_inward"), " ", rx.code(S.inward_hosts)),
                        icon="shield-alert",
                        color_scheme="amber",
                        size="1",
                        width="100%",
                        data_testid="hosts-inward",
                    ),
                ),
                _field(
                    "developers.actions.code",
                    code_editor(
                        value=S.code, on_change=lambda v: S.set_field("code", v), height="280px", testid="action-code"
                    ),
                    "developers.actions.code_hint",
                ),
                width="100%",
            ),
            rx.grid(
                _field(
                    "developers.actions.server_url",
                    rx.input(
                        value=S.server_url,
                        on_change=lambda v: S.set_field("server_url", v),
                        placeholder="http://actions:5055",
                        width="100%",
                    ),
                ),
                _field(
                    "developers.actions.rasa_action",
                    rx.input(
                        value=S.rasa_action,
                        on_change=lambda v: S.set_field("rasa_action", v),
                        placeholder="action_check_order",
                        width="100%",
                    ),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                gap="12px",
                width="100%",
            ),
        ),
        _test_panel(),
        spacing="3",
        width="100%",
        data_testid="action-form",
    )
