"""The agents page: the table, its dialogs and the CSV import."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.pages.admin_forms import not_allowed
from flowstudio.pages.agents.form import agent_dialog, remove_dialog
from flowstudio.pages.agents.import_dialog import import_button, import_report, new_passwords
from flowstudio.pages.agents.state import S
from flowstudio.pages.agents.table import agents_table


def agents_page() -> rx.Component:
    """The agents of the workspace, for admins and supervisors."""
    return shell(
        t("agents.title"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.allowed,
                rx.vstack(
                    rx.hstack(
                        rx.text(t("agents.subtitle"), size="2", color_scheme="gray"),
                        rx.spacer(),
                        rx.tooltip(import_button(), content=t("agents.csv_format")),
                        rx.button(
                            rx.icon("user-plus", size=14), t("agents.add"), on_click=S.open_add, data_testid="agent-add"
                        ),
                        width="100%",
                        align="center",
                        wrap="wrap",
                        spacing="2",
                    ),
                    rx.text(t("agents.csv_format"), size="1", color_scheme="gray"),
                    rx.cond(
                        S.error != "",
                        rx.callout(
                            S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="agents-error"
                        ),
                    ),
                    new_passwords(),
                    import_report(),
                    agents_table(),
                    agent_dialog(),
                    remove_dialog(),
                    spacing="3",
                    width="100%",
                ),
                not_allowed(t),
            ),
            rx.center(rx.spinner(), width="100%", padding="48px"),
        ),
    )
