"""The bots of the workspace: create, rename, duplicate, delete, import, export, open the studio."""

from __future__ import annotations

import json

import reflex as rx

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import BOT_LANGUAGES, User
from flowstudio.services.identity import permissions as can
from flowstudio.services.studio import bots as bot_service
from flowstudio.services.studio.bots import BotSummary, list_bots
from flowstudio.state.actions import ConfirmDialog, PageActions
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of

IMPORT_ID = "bot-import"


class BotsState(PageActions, ConfirmDialog, rx.State):
    """The bots list and its dialogs."""

    bots: list[BotSummary] = []
    loaded: bool = False
    create_open: bool = False
    rename_id: int = 0
    rename_value: str = ""

    @rx.event
    @requires(can.BOTS_VIEW)
    async def load(self):
        """Read the logged-in workspace's bots."""
        workspace_id, _, _ = await scope_of(self)
        if workspace_id is None:
            return
        with session_scope() as session:
            self.bots = list_bots(session=session, workspace_id=workspace_id)
        self.loaded = True

    async def _after_action(self, workspace_id: int, user_id: int | None, lang: str) -> None:
        with session_scope() as session:
            self.bots = list_bots(session=session, workspace_id=workspace_id)

    @rx.event
    def set_create_open(self, value: bool):
        """Open or close the new-bot dialog."""
        self.create_open, self.error = value, ""

    @rx.event
    @requires(can.BOTS_MANAGE)
    async def create(self, form: dict[str, str]):
        """Create a bot from the dialog's form."""
        toast = await self._perform(
            lambda s, ws, user: bot_service.create_bot(
                session=s,
                workspace_id=ws,
                name=form.get("name", ""),
                description=form.get("description", ""),
                language=form.get("language") or "pt",
                author_id=user,
            ),
            success_key="bots.created",
        )
        if not self.error:
            self.create_open = False
        return toast

    @rx.event
    def ask_rename(self, bot_id: int, name: str):
        """Open the rename dialog."""
        self.rename_id, self.rename_value, self.error = bot_id, name, ""

    @rx.event
    def set_rename_value(self, value: str):
        """The new name being typed."""
        self.rename_value = value

    @rx.event
    def close_rename(self, open_: bool = False):
        """Close the rename dialog."""
        if not open_:
            self.rename_id = 0

    @rx.event
    @requires(can.BOTS_MANAGE)
    async def rename(self):
        """Apply the new name."""
        bot_id, name = self.rename_id, self.rename_value
        toast = await self._perform(
            lambda s, ws, _: bot_service.rename_bot(session=s, workspace_id=ws, bot_id=bot_id, name=name),
            success_key="bots.renamed",
        )
        if not self.error:
            self.rename_id = 0
        return toast

    @rx.event
    @requires(can.BOTS_MANAGE)
    async def duplicate(self, bot_id: int):
        """Copy a bot and its draft."""
        _, _, lang = await scope_of(self)
        suffix = translate("bots.copy_suffix", lang)
        return await self._perform(
            lambda s, ws, _: bot_service.duplicate_bot(session=s, workspace_id=ws, bot_id=bot_id, copy_suffix=suffix),
            success_key="bots.duplicated",
        )

    @rx.event
    @requires(can.BOTS_MANAGE)
    async def delete(self):
        """Delete the bot being confirmed."""
        bot_id = self._take_confirmed()
        return await self._perform(
            lambda s, ws, _: bot_service.delete_bot(session=s, workspace_id=ws, bot_id=bot_id),
            success_key="bots.deleted",
        )

    @rx.event
    @requires(can.BOTS_VIEW)
    async def export(self, bot_id: int):
        """Download the bot's draft as a flow document."""
        exported = await self._perform(
            lambda s, ws, user: bot_service.export_document(
                session=s, workspace_id=ws, bot_id=bot_id, actor=s.get(User, user) if user else None
            )
        )
        if exported is None:
            return None
        filename, document = exported
        return rx.download(
            data=json.dumps(document, ensure_ascii=False, indent=2), filename=filename, mime_type="application/json"
        )

    @rx.event
    @requires(can.BOTS_MANAGE)
    async def import_files(self, files: list[rx.UploadFile]):
        """Create bots from uploaded flow documents; a file that does not load is refused with its reasons."""
        for upload in files:
            raw = (await upload.read()).decode("utf-8", errors="replace")
            toast = await self._perform(
                lambda s, ws, user, raw=raw: bot_service.import_bot(
                    session=s, workspace_id=ws, raw=raw, author_id=user
                ),
                success_key="bots.imported",
            )
            if self.error:
                return rx.clear_selected_files(IMPORT_ID)
        return [rx.clear_selected_files(IMPORT_ID), toast]


def _menu(bot: rx.Var[BotSummary]) -> rx.Component:
    return rx.dropdown_menu.root(
        rx.dropdown_menu.trigger(
            rx.icon_button(rx.icon("ellipsis", size=16), variant="ghost", color_scheme="gray", data_testid="bot-menu")
        ),
        rx.dropdown_menu.content(
            rx.dropdown_menu.item(
                rx.icon("pencil", size=14),
                t("bots.rename"),
                on_click=BotsState.ask_rename(bot.id, bot.name),
                data_testid="bot-rename",
            ),
            rx.dropdown_menu.item(
                rx.icon("copy", size=14),
                t("bots.duplicate"),
                on_click=BotsState.duplicate(bot.id),
                data_testid="bot-duplicate",
            ),
            rx.dropdown_menu.item(
                rx.icon("download", size=14),
                t("bots.export"),
                on_click=BotsState.export(bot.id),
                data_testid="bot-export",
            ),
            rx.dropdown_menu.separator(),
            rx.dropdown_menu.item(
                rx.icon("trash-2", size=14),
                t("bots.delete"),
                color="red",
                on_click=BotsState.ask_confirm(bot.id, bot.name),
                data_testid="bot-delete",
            ),
        ),
    )


def _bot_card(bot: rx.Var[BotSummary]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("bot", size=20, color=rx.color("accent", 9)),
                rx.heading(bot.name, size="4", data_testid="bot-name"),
                rx.cond(bot.is_default, rx.badge(t("bots.default"), color_scheme="green", variant="soft")),
                rx.spacer(),
                rx.badge(bot.language.upper(), variant="outline"),
                _menu(bot),
                align="center",
                width="100%",
            ),
            rx.text(bot.description, size="2", color_scheme="gray"),
            rx.hstack(
                rx.foreach(bot.knowledge_areas, lambda area: rx.badge(area, variant="soft", color_scheme="gray")),
                wrap="wrap",
                spacing="1",
            ),
            rx.hstack(
                rx.cond(
                    bot.published_number,
                    rx.badge(
                        rx.icon("circle-check", size=12),
                        t("bots.published_version"),
                        " v",
                        bot.published_number,
                        color_scheme="blue",
                        variant="surface",
                    ),
                    rx.badge(t("bots.not_published"), color_scheme="amber", variant="surface"),
                ),
                rx.text(bot.node_count, " ", t("bots.nodes"), size="1", color_scheme="gray"),
                rx.spacer(),
                rx.link(
                    rx.button(rx.icon("pencil-ruler", size=14), t("editor.open"), size="2"),
                    href="/bots/" + bot.id.to_string() + "/editor",
                    data_testid="open-editor",
                ),
                align="center",
                spacing="3",
                width="100%",
            ),
            spacing="2",
            align="start",
        ),
        width="100%",
        data_testid="bot-card",
    )


def _create_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", size=14), t("bots.new"), data_testid="new-bot")),
        rx.dialog.content(
            rx.dialog.title(t("bots.new")),
            rx.form(
                rx.vstack(
                    rx.input(
                        name="name", placeholder=t("bots.name"), required=True, width="100%", data_testid="new-bot-name"
                    ),
                    rx.text_area(name="description", placeholder=t("bots.description"), width="100%"),
                    rx.select(list(BOT_LANGUAGES), name="language", default_value="pt", width="100%"),
                    rx.cond(
                        BotsState.error != "",
                        rx.callout(BotsState.error, icon="triangle-alert", color_scheme="red", size="1"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(t("common.cancel"), variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(t("bots.create"), type="submit", data_testid="create-bot"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=BotsState.create,
                reset_on_submit=False,
            ),
        ),
        open=BotsState.create_open,
        on_open_change=BotsState.set_create_open,
    )


def _rename_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("bots.rename")),
            rx.input(
                value=BotsState.rename_value,
                on_change=BotsState.set_rename_value,
                width="100%",
                data_testid="rename-input",
            ),
            rx.cond(
                BotsState.error != "",
                rx.callout(BotsState.error, icon="triangle-alert", color_scheme="red", size="1", margin_top="8px"),
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("bots.rename"), on_click=BotsState.rename, data_testid="confirm-rename"),
                justify="end",
                margin_top="12px",
            ),
        ),
        open=BotsState.rename_id > 0,
        on_open_change=BotsState.close_rename,
    )


def _delete_dialog() -> rx.Component:
    return confirm_delete_dialog(
        title_key="bots.delete_title",
        text_key="bots.delete_text",
        name=BotsState.confirm_name,
        on_confirm=BotsState.delete,
        open=BotsState.confirm_id > 0,
        on_open_change=BotsState.close_confirm,
        testid="confirm-delete",
        confirm_key="bots.delete",
    )


def _import_button() -> rx.Component:
    return rx.upload.root(
        rx.button(rx.icon("upload", size=14), t("bots.import"), variant="soft", data_testid="import-bot"),
        id=IMPORT_ID,
        accept={"application/json": [".json"]},
        multiple=False,
        no_drag=True,
        on_drop=BotsState.import_files(rx.upload_files(upload_id=IMPORT_ID)),
        padding="0",
        border="none",
    )


def bots_page() -> rx.Component:
    """Cards of the workspace's bots, with their actions."""
    return shell(
        t("bots.title"),
        rx.hstack(
            rx.text(t("bots.subtitle"), color_scheme="gray", size="2"),
            rx.spacer(),
            _import_button(),
            _create_dialog(),
            width="100%",
            align="center",
            margin_bottom="16px",
        ),
        rx.cond(
            (BotsState.error != "") & ~BotsState.create_open & (BotsState.rename_id == 0),
            rx.callout(
                BotsState.error,
                icon="triangle-alert",
                color_scheme="red",
                margin_bottom="12px",
                data_testid="bots-error",
            ),
        ),
        rx.cond(
            BotsState.bots.length() > 0,
            rx.grid(
                rx.foreach(BotsState.bots, _bot_card),
                columns=rx.breakpoints(initial="1", md="2", xl="3"),
                spacing="4",
                width="100%",
            ),
            rx.cond(BotsState.loaded, rx.callout(t("bots.empty"), icon="info"), rx.spinner()),
        ),
        _rename_dialog(),
        _delete_dialog(),
    )
