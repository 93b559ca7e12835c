"""The bots of the workspace."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.services.bots import BotSummary, list_bots
from flowstudio.state.session import SessionState


class BotsState(rx.State):
    """The bots list."""

    bots: list[BotSummary] = []
    loaded: bool = False

    @rx.event
    async def load(self):
        """Read the logged-in workspace's bots."""
        session_state = await self.get_state(SessionState)
        if session_state._workspace_id is None:
            return
        with session_scope() as session:
            self.bots = list_bots(session=session, workspace_id=session_state._workspace_id)
        self.loaded = True


def _bot_card(bot: rx.Var[BotSummary]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("bot", size=20, color=rx.color("accent", 9)),
                rx.heading(bot.name, size="4", data_testid="bot-name"),
                rx.cond(bot.is_default, rx.badge(t("bots.default"), color_scheme="green", variant="soft")),
                rx.spacer(),
                rx.badge(bot.language.upper(), variant="outline"),
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
                    rx.badge(rx.icon("circle-check", size=12), t("bots.published_version"), " v", bot.published_number,
                             color_scheme="blue", variant="surface"),
                    rx.badge(t("bots.not_published"), color_scheme="amber", variant="surface"),
                ),
                rx.text(bot.node_count, " ", t("bots.nodes"), size="1", color_scheme="gray"),
                align="center",
                spacing="3",
            ),
            spacing="2",
            align="start",
        ),
        width="100%",
        data_testid="bot-card",
    )


def bots_page() -> rx.Component:
    """Cards of the workspace's bots."""
    return shell(
        t("bots.title"),
        rx.text(t("bots.subtitle"), color_scheme="gray", size="2", margin_bottom="16px"),
        rx.cond(
            BotsState.bots.length() > 0,
            rx.grid(rx.foreach(BotsState.bots, _bot_card), columns=rx.breakpoints(initial="1", md="2", xl="3"),
                    spacing="4", width="100%"),
            rx.cond(BotsState.loaded, rx.callout(t("bots.empty"), icon="info"), rx.spinner()),
        ),
    )
