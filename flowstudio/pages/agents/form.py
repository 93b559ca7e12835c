"""The add/edit agent dialog and the removal confirmation."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import t
from flowstudio.pages.agents.rules import ROLES
from flowstudio.pages.agents.state import S


def _field(label_key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(t(label_key), size="2", weight="medium"), control, spacing="1", width="100%")


def agent_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.form_id > 0, t("agents.edit"), t("agents.add"))),
            rx.vstack(
                _field(
                    "agents.name",
                    rx.input(value=S.form_name, on_change=S.set_form_name, width="100%", data_testid="agent-form-name"),
                ),
                _field(
                    "login.email",
                    rx.input(
                        value=S.form_email,
                        on_change=S.set_form_email,
                        type="email",
                        width="100%",
                        data_testid="agent-form-email",
                    ),
                ),
                rx.grid(
                    _field(
                        "settings.role",
                        rx.select.root(
                            rx.select.trigger(width="100%", data_testid="agent-form-role"),
                            rx.select.content(*[rx.select.item(t(f"role.{r}"), value=r) for r in ROLES]),
                            value=S.form_role,
                            on_change=S.set_form_role,
                        ),
                    ),
                    _field(
                        "agents.capacity",
                        rx.input(
                            value=S.form_capacity,
                            on_change=S.set_form_capacity,
                            type="number",
                            min="0",
                            max="100",
                            width="100%",
                            data_testid="agent-form-capacity",
                        ),
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                _field(
                    "agents.queues",
                    rx.flex(
                        rx.foreach(
                            S.queue_choices,
                            lambda q: rx.checkbox(
                                q.label,
                                checked=S.form_queues.contains(q.value),
                                on_change=lambda checked: S.toggle_form_queue(q.value, checked),
                            ),
                        ),
                        wrap="wrap",
                        gap="12px",
                    ),
                ),
                rx.cond(
                    (S.form_role == "agent") & (S.form_queues.length() == 0),
                    rx.text(
                        t("agents.no_queue_hint"), size="1", color_scheme="amber", data_testid="agent-form-no-queue"
                    ),
                ),
                rx.cond(S.form_id == 0, rx.text(t("agents.password_hint"), size="1", color_scheme="gray")),
                rx.cond(
                    S.form_error != "",
                    rx.callout(
                        S.form_error,
                        icon="triangle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        data_testid="agent-form-error",
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("agents.save"), on_click=S.save, data_testid="agent-form-save"),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="480px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def remove_dialog() -> rx.Component:
    return confirm_delete_dialog(
        title_key="agents.remove",
        text_key="agents.remove_text",
        name=S.confirm_name,
        on_confirm=S.remove,
        open=S.confirm_id > 0,
        on_open_change=S.close_confirm,
        testid="agent-confirm-remove",
    )
