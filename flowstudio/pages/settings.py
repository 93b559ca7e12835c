"""Settings (Botmaker's "general configuration"): the workspace's time zone, default language, inactivity
markers, conversation types and privacy policy (retention, encryption at rest), links to the security
pages, the user's account and language, and the system status. Administrators edit; others read."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import language_select, shell, t
from flowstudio.i18n import LANGUAGES
from flowstudio.pages.settings_state import RunRow, SettingsState
from flowstudio.services.system.workspace_settings import timezones
from flowstudio.state.session import SessionState

S = SettingsState
__all__ = ["SettingsState", "settings_page"]


def _row(label_key: str, value: rx.Component | rx.Var) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(t(label_key)), rx.data_list.value(value))


def _status(kind: rx.Var, ok: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.code(kind),
        rx.badge(rx.cond(ok, t("status.ok"), t("status.down")), color_scheme=rx.cond(ok, "green", "red")),
        spacing="2",
    )


def _field(label_key: str, control: rx.Component, hint_key: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"),
        control,
        rx.text(t(hint_key), size="1", color_scheme="gray") if hint_key else rx.fragment(),
        spacing="1",
        width="100%",
        align="start",
    )


def _number(name: str, value: rx.Var, unit_key: str, placeholder_key: str) -> rx.Component:
    return rx.hstack(
        rx.input(
            name=name,
            default_value=value,
            placeholder=t(placeholder_key),
            inputmode="numeric",
            width="140px",
            disabled=~S.can_edit,
            data_testid=f"settings-{name}",
        ),
        rx.text(t(unit_key), size="2", color_scheme="gray"),
        align="center",
        spacing="2",
    )


def _general() -> rx.Component:
    return rx.card(
        rx.heading(t("config.general"), size="3", margin_bottom="12px"),
        rx.vstack(
            _field(
                "config.timezone",
                rx.box(
                    rx.input(
                        name="timezone",
                        default_value=S.timezone,
                        placeholder=t("config.timezone_default"),
                        list="settings-timezones",
                        disabled=~S.can_edit,
                        width="320px",
                        data_testid="settings-timezone",
                    ),
                    rx.el.datalist(*[rx.el.option(value=zone) for zone in timezones()], id="settings-timezones"),
                ),
            ),
            _field(
                "config.default_language",
                rx.select.root(
                    rx.select.trigger(width="320px", data_testid="settings-default-language"),
                    rx.select.content(*[rx.select.item(label, value=code) for code, label in LANGUAGES.items()]),
                    name="default_language",
                    default_value=S.default_language,
                    disabled=~S.can_edit,
                ),
            ),
            rx.flex(
                _field(
                    "config.inactive_after",
                    _number("inactive_after_minutes", S.inactive_after_minutes, "config.minutes", "config.never"),
                ),
                _field(
                    "config.close_after",
                    _number("close_after_minutes", S.close_after_minutes, "config.minutes", "config.never"),
                ),
                gap="24px",
                wrap="wrap",
                width="100%",
            ),
            rx.text(t("config.inactivity_hint"), size="1", color_scheme="gray"),
            _field(
                "config.types",
                rx.input(
                    name="conversation_types",
                    default_value=S.conversation_types,
                    placeholder="vendas, suporte, cobrança",
                    disabled=~S.can_edit,
                    width="100%",
                    data_testid="settings-types",
                ),
                "config.types_hint",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _run(run: rx.Var[RunRow]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(run.when),
        rx.table.cell(
            rx.match(
                run.trigger,
                ("schedule", t("privacy.trigger_schedule")),
                ("manual", t("privacy.trigger_manual")),
                ("cli", t("privacy.trigger_cli")),
                run.trigger,
            )
        ),
        rx.table.cell(rx.text(run.contacts, " · ", run.messages, " · ", run.files, size="2")),
    )


def _privacy() -> rx.Component:
    return rx.card(
        rx.heading(t("privacy.title"), size="3", margin_bottom="12px"),
        rx.vstack(
            _field(
                "privacy.retention_days",
                _number("retention_days", S.retention_days, "privacy.days", "privacy.forever"),
                "privacy.retention_hint",
            ),
            _field(
                "privacy.file_retention_days",
                _number("file_retention_days", S.file_retention_days, "privacy.days", "privacy.forever"),
                "privacy.file_retention_hint",
            ),
            rx.hstack(
                rx.switch(
                    name="encrypt_messages",
                    default_checked=S.encrypt_messages,
                    disabled=~S.can_edit,
                    data_testid="settings-encrypt",
                ),
                rx.text(t("privacy.encrypt"), size="2", weight="medium"),
                align="center",
                spacing="2",
            ),
            rx.text(t("privacy.encrypt_hint"), size="1", color_scheme="gray"),
            _field(
                "privacy.sensitive",
                rx.input(
                    name="sensitive_variables",
                    default_value=S.sensitive_variables,
                    placeholder="cpf, email",
                    disabled=~S.can_edit,
                    width="100%",
                    data_testid="settings-sensitive",
                ),
                "privacy.sensitive_hint",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _runs() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(t("privacy.runs"), size="3"),
            rx.spacer(),
            rx.cond(
                S.can_edit,
                rx.button(
                    rx.icon("eraser", size=14),
                    t("privacy.run_now"),
                    size="1",
                    variant="soft",
                    type="button",
                    on_click=S.run_retention,
                    data_testid="settings-run",
                ),
            ),
            width="100%",
            align="center",
            margin_bottom="8px",
        ),
        rx.cond(
            S.runs.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("privacy.run_when")),
                        rx.table.column_header_cell(t("privacy.run_trigger")),
                        rx.table.column_header_cell(t("privacy.run_counts")),
                    )
                ),
                rx.table.body(rx.foreach(S.runs, _run)),
                size="1",
                width="100%",
                data_testid="settings-runs",
            ),
            rx.text(t("privacy.no_runs"), size="2", color_scheme="gray"),
        ),
        width="100%",
    )


def _link(route: str, icon: str, title_key: str, hint_key: str) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=18, color=rx.color("accent", 9)),
            rx.vstack(
                rx.text(t(title_key), size="2", weight="medium"),
                rx.text(t(hint_key), size="1", color_scheme="gray"),
                spacing="0",
                align="start",
            ),
            spacing="3",
            align="center",
        ),
        href=route,
        underline="none",
        color="inherit",
        padding="8px",
        border_radius="8px",
        _hover={"background": rx.color("gray", 3)},
        data_testid=f"settings-link-{route.rsplit('/', 1)[-1]}",
    )


def _security() -> rx.Component:
    return rx.card(
        rx.heading(t("config.security"), size="3", margin_bottom="8px"),
        rx.vstack(
            _link("/settings/security", "shield-check", "config.security_signin", "config.security_signin_hint"),
            _link("/settings/audit", "scroll-text", "config.security_audit", "config.security_audit_hint"),
            _link("/settings/ip-rules", "network", "config.security_ip", "config.security_ip_hint"),
            rx.cond(S.can_edit, _link("/settings/tokens", "key-round", "apitokens.nav", "apitokens.nav_hint")),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _workspace_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _general(),
            _privacy(),
            rx.cond(
                S.error != "",
                rx.callout(
                    S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="settings-error"
                ),
            ),
            rx.cond(
                S.can_edit,
                rx.button(rx.icon("save", size=14), t("config.save"), type="submit", data_testid="settings-save"),
                rx.text(t("config.read_only"), size="2", color_scheme="gray", data_testid="settings-read-only"),
            ),
            spacing="4",
            width="100%",
            align="start",
        ),
        on_submit=S.save,
        reset_on_submit=False,
        width="100%",
        key=S.revision,
    )


def _account() -> rx.Component:
    return rx.card(
        rx.heading(t("settings.account"), size="3", margin_bottom="12px"),
        rx.data_list.root(
            _row("settings.name", SessionState.user_name),
            _row("login.email", SessionState.user_email),
            _row("settings.role", SessionState.tr["role." + SessionState.role]),
            _row("settings.workspace", SessionState.workspace_name),
            _row("settings.language", language_select(data_testid="settings-language")),
        ),
        width="100%",
    )


def _system() -> rx.Component:
    return rx.card(
        rx.heading(t("settings.system"), size="3", margin_bottom="12px"),
        rx.data_list.root(
            _row("settings.version", rx.code(S.version)),
            _row("settings.database", _status(S.database_kind, S.database_ok)),
            _row("settings.broker", _status(S.broker_kind, S.broker_ok)),
            _row("settings.api_docs", rx.link("/api/docs", href="/api/docs", is_external=True)),
        ),
        width="100%",
    )


def settings_page() -> rx.Component:
    """The settings page."""
    return shell(
        t("settings.title"),
        rx.vstack(
            _account(),
            rx.cond(S.loaded, _workspace_form()),
            _runs(),
            _security(),
            _system(),
            spacing="4",
            max_width="760px",
            width="100%",
        ),
    )
