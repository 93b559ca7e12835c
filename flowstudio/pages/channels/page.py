"""/channels: the workspace's channels as cards (kind, name, status, bot, the address to paste at the provider
or the webchat's script tag), with create/configure, "Test connection", disable/enable and delete."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.models import ChannelKind
from flowstudio.pages.channels.state import DEFAULT_BOT, ChannelRow, ChannelsState
from flowstudio.state.session import SessionState

S = ChannelsState
ICONS = {"webchat": "message-circle", "whatsapp": "phone", "telegram": "send", "rest": "webhook"}


def _copyable(text: rx.Var, testid: str) -> rx.Component:
    return rx.hstack(
        rx.code(text, size="1", word_break="break-all", data_testid=testid),
        rx.icon_button(
            rx.icon("copy", size=14),
            size="1",
            variant="soft",
            on_click=[rx.set_clipboard(text), rx.toast.success(t("chanpage.copied"))],
            aria_label=t("chanpage.copy"),
            data_testid=f"{testid}-copy",
        ),
        align="center",
        spacing="2",
        width="100%",
    )


def _address(row: rx.Var[ChannelRow]) -> rx.Component:
    return rx.cond(
        row.kind == "webchat",
        rx.vstack(
            rx.text(t("chanpage.script"), size="1", weight="medium"),
            _copyable(row.script, "channel-script"),
            spacing="1",
            width="100%",
        ),
        rx.vstack(
            rx.text(t("chanpage.col.address"), size="1", weight="medium"),
            _copyable(row.address, "channel-address"),
            rx.text(SessionState.tr[row.address_hint].replace("{path}", row.address), size="1", color_scheme="gray"),
            spacing="1",
            width="100%",
        ),
    )


def _card(row: rx.Var[ChannelRow]) -> rx.Component:
    testing = S.testing_id == row.id
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.match(
                    row.kind,
                    *[(kind, rx.icon(icon, size=18)) for kind, icon in ICONS.items()],
                    rx.icon("radio", size=18),
                ),
                rx.text(row.name, weight="bold", size="3", data_testid="channel-name"),
                rx.badge(SessionState.tr["channel_kind." + row.kind], variant="soft"),
                rx.spacer(),
                rx.badge(
                    rx.cond(row.is_active, t("chanpage.active"), t("chanpage.disabled")),
                    color_scheme=rx.cond(row.is_active, "green", "gray"),
                    data_testid="channel-status",
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.text(
                t("chanpage.col.bot"),
                ": ",
                rx.cond(row.bot != "", row.bot, t("chanpage.default_bot")),
                size="1",
                color_scheme="gray",
            ),
            _address(row),
            rx.cond(
                S.test_id == row.id,
                rx.callout(
                    S.test_text,
                    icon=rx.cond(S.test_ok, "circle-check", "triangle-alert"),
                    color_scheme=rx.cond(S.test_ok, "green", "red"),
                    size="1",
                    width="100%",
                    data_testid="channel-test-result",
                ),
            ),
            rx.flex(
                rx.button(
                    rx.icon("settings-2", size=14),
                    t("chanpage.edit"),
                    size="1",
                    variant="soft",
                    on_click=S.edit(row.id),
                    data_testid="channel-edit",
                ),
                rx.button(
                    rx.cond(testing, rx.spinner(size="1"), rx.icon("plug-zap", size=14)),
                    rx.cond(testing, t("chanpage.testing"), t("chanpage.test")),
                    size="1",
                    variant="soft",
                    disabled=testing,
                    on_click=S.test(row.id),
                    data_testid="channel-test",
                ),
                rx.cond(
                    row.is_active,
                    rx.button(
                        t("chanpage.disable"),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=S.ask(row.id, "disable", row.name),
                        data_testid="channel-disable",
                    ),
                    rx.button(
                        t("chanpage.enable"),
                        size="1",
                        variant="ghost",
                        color_scheme="green",
                        on_click=S.enable(row.id),
                        data_testid="channel-enable",
                    ),
                ),
                rx.spacer(),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=S.ask(row.id, "delete", row.name),
                    aria_label=t("chanpage.delete"),
                    data_testid="channel-delete",
                ),
                gap="8px",
                wrap="wrap",
                width="100%",
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="channel-card",
    )


def _field(field: rx.Var) -> rx.Component:
    label = rx.hstack(
        rx.text(SessionState.tr[field["label"].to(str)], size="2", weight="medium"),
        rx.text(
            rx.cond(field["required"], t("chanpage.required"), t("chanpage.optional")), size="1", color_scheme="gray"
        ),
        rx.cond(
            field["secret"],
            rx.badge(
                rx.cond(field["is_set"], t("chanpage.secret_set"), t("chanpage.secret_not_set")),
                color_scheme=rx.cond(field["is_set"], "green", "amber"),
                size="1",
                data_testid="secret-state",
            ),
        ),
        align="center",
        spacing="2",
    )
    control = rx.cond(
        field["secret"],
        rx.input(
            name="secret." + field["name"].to(str),
            type="password",
            auto_complete="new-password",
            placeholder=rx.cond(field["is_set"], t("chanpage.secret_keep"), t("chanpage.secret_type")),
            width="100%",
            data_testid="field-" + field["name"].to(str),
        ),
        rx.input(
            name="config." + field["name"].to(str),
            default_value=field["value"].to(str),
            placeholder=field["placeholder"].to(str),
            width="100%",
            data_testid="field-" + field["name"].to(str),
        ),
    )
    return rx.vstack(label, control, spacing="1", width="100%")


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(
                S.form_id == 0,
                rx.vstack(
                    rx.text(t("chanpage.kind"), size="2", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(width="100%", data_testid="channel-kind"),
                        rx.select.content(
                            *[rx.select.item(t(f"channel_kind.{k.value}"), value=k.value) for k in ChannelKind]
                        ),
                        value=S.form_kind,
                        on_change=S.set_form_kind,
                    ),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.vstack(
                rx.text(t("chanpage.name"), size="2", weight="medium"),
                rx.input(name="name", default_value=S.form_name, width="100%", data_testid="channel-form-name"),
                spacing="1",
                width="100%",
            ),
            rx.vstack(
                rx.text(t("chanpage.bot"), size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(width="100%", data_testid="channel-bot"),
                    rx.select.content(
                        rx.select.item(t("chanpage.default_bot"), value=DEFAULT_BOT),
                        rx.foreach(S.bots, lambda bot: rx.select.item(bot["name"], value=bot["id"])),
                    ),
                    name="bot",
                    default_value=S.form_bot,
                ),
                spacing="1",
                width="100%",
            ),
            rx.foreach(S.fields, _field),
            rx.cond(S.fields.length() > 0, rx.text(t("chanpage.secrets_hint"), size="1", color_scheme="gray")),
            rx.cond(
                (S.form_kind == "webchat") & (S.form_script != ""),
                rx.vstack(
                    rx.text(t("chanpage.script"), size="2", weight="medium"),
                    _copyable(S.form_script, "form-script"),
                    spacing="1",
                    width="100%",
                ),
            ),
            rx.cond(
                S.form_error != "",
                rx.callout(
                    S.form_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    data_testid="channel-form-error",
                ),
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("chanpage.cancel"), type="button", variant="soft", color_scheme="gray")),
                rx.button(rx.icon("save", size=14), t("chanpage.save"), type="submit", data_testid="channel-save"),
                justify="end",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save,
        reset_on_submit=False,
        key=S.form_revision.to(str) + S.form_kind,
    )


def _form_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.form_id == 0, t("chanpage.form_new"), t("chanpage.form_edit"))),
            _form(),
            max_width="560px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def _confirm_dialog() -> rx.Component:
    deleting = S.confirm_action == "delete"
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(rx.cond(deleting, t("chanpage.delete"), t("chanpage.disable_title"))),
            rx.alert_dialog.description(
                rx.text(
                    rx.cond(deleting, t("chanpage.delete_text"), t("chanpage.disable_text")),
                    " ",
                    rx.text.strong(S.confirm_name),
                )
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("chanpage.cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        rx.cond(deleting, t("chanpage.delete"), t("chanpage.disable")),
                        color_scheme="red",
                        on_click=S.confirm,
                        data_testid="channel-confirm",
                    )
                ),
                justify="end",
                margin_top="12px",
            ),
        ),
        open=S.confirm_id != 0,
        on_open_change=S.set_confirm_open,
    )


def channels_page() -> rx.Component:
    """The channels page."""
    return shell(
        t("chanpage.title"),
        rx.vstack(
            rx.flex(
                rx.text(t("chanpage.intro"), size="2", color_scheme="gray", flex="1", min_width="240px"),
                rx.button(rx.icon("plus", size=14), t("chanpage.new"), on_click=S.new, data_testid="channel-new"),
                gap="12px",
                wrap="wrap",
                align="center",
                width="100%",
            ),
            rx.cond(
                S.loaded,
                rx.cond(
                    S.rows.length() > 0,
                    rx.grid(
                        rx.foreach(S.rows, _card), columns=rx.breakpoints(initial="1", lg="2"), gap="16px", width="100%"
                    ),
                    rx.text(t("chanpage.empty"), size="2", color_scheme="gray"),
                ),
                rx.center(rx.spinner(), width="100%", padding="48px"),
            ),
            _form_dialog(),
            _confirm_dialog(),
            spacing="4",
            width="100%",
            max_width="1100px",
        ),
    )
