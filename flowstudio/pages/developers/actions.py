"""The code actions tab: the workspace's library, the action form (parameters table, outcomes, hosts, code)
and a test-run panel that runs the form's action through the real sandbox (state: actions_state.py, form:
actions_form.py).
"""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.developers.actions_form import action_form
from flowstudio.pages.developers.actions_state import ActionsState

__all__ = ["ActionsState", "actions_tab"]

S = ActionsState


def _row(action: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(action.key)),
        rx.table.cell(rx.text(action.name, weight="medium")),
        rx.table.cell(rx.badge(action.flavour, color_scheme=rx.cond(action.flavour == "rasa", "purple", "blue"))),
        rx.table.cell(rx.text(action.parameters, size="1")),
        rx.table.cell(rx.text(action.outcomes, size="1")),
        rx.table.cell(rx.text(action.updated_at, size="1", color=rx.color("gray", 10))),
        rx.table.cell(
            rx.hstack(
                rx.icon_button(
                    rx.icon("pencil", size=14),
                    variant="ghost",
                    on_click=S.edit(action.key),
                    aria_label=t("developers.edit"),
                    data_testid="action-edit",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    variant="ghost",
                    color_scheme="red",
                    on_click=S.delete(action.key),
                    aria_label=t("developers.delete"),
                    data_testid="action-delete",
                ),
                justify="end",
            ),
            text_align="right",
        ),
        data_testid="action-row",
    )


def _sandbox_notice() -> rx.Component:
    return rx.cond(
        S.sandbox_problem != "",
        rx.callout(
            rx.vstack(
                rx.text(t("developers.actions.sandbox_unavailable"), weight="medium"),
                rx.text(S.sandbox_problem, size="1", font_family="monospace"),
                spacing="1",
            ),
            icon="shield-off",
            color_scheme="red",
            width="100%",
            data_testid="sandbox-unavailable",
        ),
    )


def actions_tab() -> rx.Component:
    """The library, or the form of the action being edited (under a notice when code cannot run here)."""
    return rx.vstack(_sandbox_notice(), _actions_body(), spacing="3", width="100%")


def _actions_body() -> rx.Component:
    return rx.cond(
        S.editing,
        action_form(),
        rx.vstack(
            rx.hstack(
                rx.text(t("developers.actions.intro"), size="2", color=rx.color("gray", 11)),
                rx.spacer(),
                rx.button(
                    rx.icon("plus", size=14), t("developers.actions.new"), on_click=S.new, data_testid="action-new"
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                S.actions.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(t(f"developers.col.{c}"))
                                for c in ("key", "name", "flavour", "parameters", "outcomes", "updated")
                            ],
                            rx.table.column_header_cell(""),
                        )
                    ),
                    rx.table.body(rx.foreach(S.actions, _row)),
                    width="100%",
                ),
                rx.text(t("developers.actions.empty"), size="2", color=rx.color("gray", 10)),
            ),
            spacing="3",
            width="100%",
        ),
    )
