"""Account, interface language and system status."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import language_select, shell, t
from flowstudio.services import health
from flowstudio.state.session import SessionState


class SettingsState(rx.State):
    """The system status shown to administrators."""

    version: str = ""
    database_kind: str = ""
    database_ok: bool = False
    broker_kind: str = ""
    broker_ok: bool = False

    @rx.event(background=True)
    async def load(self):
        """Check the components off the event loop's critical path."""
        result = await rx.run_in_thread(health.check)
        async with self:
            self.version = result.version
            self.database_kind, self.database_ok = result.database.kind, result.database.ok
            self.broker_kind, self.broker_ok = result.broker.kind, result.broker.ok


def _row(label_key: str, value: rx.Component | rx.Var) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(t(label_key)), rx.data_list.value(value))


def _status(kind: rx.Var, ok: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.code(kind),
        rx.badge(rx.cond(ok, t("status.ok"), t("status.down")), color_scheme=rx.cond(ok, "green", "red")),
        spacing="2",
    )


def settings_page() -> rx.Component:
    """The settings page."""
    return shell(
        t("settings.title"),
        rx.vstack(
            rx.card(
                rx.heading(t("settings.account"), size="3", margin_bottom="12px"),
                rx.data_list.root(
                    _row("settings.name", SessionState.user_name),
                    _row("login.email", SessionState.user_email),
                    _row("settings.role", SessionState.tr["role." + SessionState.role]),
                    _row("settings.workspace", SessionState.workspace_name),
                    _row("settings.language", language_select(data_testid="settings-language")),
                ),
                width="100%",
            ),
            rx.card(
                rx.heading(t("settings.system"), size="3", margin_bottom="12px"),
                rx.data_list.root(
                    _row("settings.version", rx.code(SettingsState.version)),
                    _row("settings.database", _status(SettingsState.database_kind, SettingsState.database_ok)),
                    _row("settings.broker", _status(SettingsState.broker_kind, SettingsState.broker_ok)),
                    _row("settings.api_docs", rx.link("/api/docs", href="/api/docs", is_external=True)),
                ),
                width="100%",
            ),
            spacing="4",
            max_width="720px",
        ),
    )
