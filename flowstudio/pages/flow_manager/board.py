"""The board: bot cards (default bot, knowledge areas; a select gives an area without a mouse) and one
column per knowledge area to drop bots on.
"""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.flow_manager.rows import (
    AreaColumn,
    BotCard,
)
from flowstudio.pages.flow_manager.widgets import CLEAR_OVER, S, draggable, drop_zone, section


def _area_badge(bot: BotCard, area: rx.Var) -> rx.Component:
    return rx.badge(
        area,
        rx.icon_button(
            rx.icon("x", size=10),
            size="1",
            variant="ghost",
            color_scheme="gray",
            radius="full",
            on_click=S.remove_area(bot.id, area),
            aria_label=t("flowmgr.remove_area"),
            data_testid="bot-area-remove",
        ),
        variant="soft",
        color_scheme="gray",
        data_testid="bot-area",
    )


def _bot_card(bot: BotCard) -> rx.Component:
    return draggable(
        bot.id,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("grip-vertical", size=16, color=rx.color("gray", 8), cursor="grab"),
                    rx.icon("bot", size=18, color=rx.color("accent", 9)),
                    rx.text(bot.name, weight="bold", size="3", data_testid="fm-bot-name"),
                    rx.badge(bot.language.upper(), variant="outline"),
                    rx.spacer(),
                    rx.cond(
                        bot.is_default,
                        rx.badge(
                            rx.icon("star", size=12),
                            t("bots.default"),
                            color_scheme="green",
                            data_testid="fm-default-badge",
                        ),
                        rx.button(
                            rx.icon("star", size=12),
                            t("flowmgr.make_default"),
                            size="1",
                            variant="ghost",
                            on_click=S.make_default(bot.id),
                            data_testid="fm-make-default",
                        ),
                    ),
                    align="center",
                    width="100%",
                    spacing="2",
                    wrap="wrap",
                ),
                rx.cond(
                    bot.published_number > 0,
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
                rx.hstack(
                    rx.foreach(bot.areas, lambda area: _area_badge(bot, area)),
                    rx.cond(bot.areas.length() == 0, rx.text(t("flowmgr.no_areas"), size="1", color_scheme="gray")),
                    wrap="wrap",
                    spacing="1",
                ),
                rx.select.root(
                    rx.select.trigger(
                        placeholder=t("flowmgr.give_area"), variant="soft", width="100%", data_testid="fm-give-area"
                    ),
                    rx.select.content(rx.foreach(S.area_names, lambda name: rx.select.item(name, value=name))),
                    value="",
                    on_change=lambda area: S.add_area_to_bot(bot.id, area),
                    size="1",
                ),
                spacing="2",
                align="start",
                width="100%",
            ),
            width="100%",
        ),
        width="100%",
        cursor="grab",
        data_testid="fm-bot-card",
        data_bot=bot.name,
    )


def _area_column(column: AreaColumn) -> rx.Component:
    return drop_zone(
        rx.hstack(
            rx.icon("book-open", size=14),
            rx.text(column.name, weight="bold", size="2"),
            rx.spacer(),
            rx.badge(column.bots.length(), variant="soft", radius="full"),
            align="center",
            width="100%",
        ),
        rx.vstack(
            rx.foreach(
                column.bots,
                lambda bot: rx.badge(
                    rx.icon("bot", size=12),
                    bot.name,
                    rx.icon_button(
                        rx.icon("x", size=10),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        radius="full",
                        on_click=S.remove_area(bot.id, column.name),
                        aria_label=t("flowmgr.remove_area"),
                    ),
                    size="2",
                    variant="surface",
                    data_testid="fm-area-bot",
                ),
            ),
            rx.cond(column.bots.length() == 0, rx.text(t("flowmgr.drop_here"), size="1", color_scheme="gray")),
            spacing="1",
            align="start",
            width="100%",
        ),
        on_drop=lambda payload: [rx.call_script(CLEAR_OVER), S.drop_on_area(column.name, payload)],
        style={
            "border": f"2px dashed {rx.color('gray', 6)}",
            "border_radius": "10px",
            "padding": "10px",
            "min_height": "96px",
            "width": "100%",
            "display": "flex",
            "flex_direction": "column",
            "gap": "8px",
            "background": rx.color("gray", 2),
            "transition": "background 120ms, border-color 120ms",
            "&[data-over='1']": {"background": rx.color("accent", 3), "border_color": rx.color("accent", 8)},
        },
        data_testid="fm-area",
        data_area=column.name,
    )


def _new_area() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(t("flowmgr.new_area"), weight="bold", size="2"),
            rx.input(
                value=S.new_area,
                on_change=S.set_new_area,
                placeholder=t("flowmgr.area_name"),
                width="100%",
                data_testid="fm-new-area",
            ),
            rx.button(
                rx.icon("plus", size=14),
                t("flowmgr.create_area"),
                size="1",
                type="submit",
                data_testid="fm-create-area",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        on_submit=S.create_area,
        reset_on_submit=False,
        style={
            "border": f"2px dashed {rx.color('gray', 5)}",
            "border_radius": "10px",
            "padding": "10px",
            "min_height": "96px",
            "width": "100%",
        },
    )


def board_section() -> rx.Component:
    return section(
        "flowmgr.board_title",
        "flowmgr.board_hint",
        rx.cond(
            S.bots.length() > 0,
            rx.grid(
                rx.foreach(S.bots, _bot_card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="3",
                width="100%",
            ),
            rx.callout(t("bots.empty"), icon="info"),
        ),
        rx.heading(t("bots.knowledge_areas"), size="3", margin_top="8px"),
        rx.grid(
            rx.foreach(S.areas, _area_column),
            _new_area(),
            columns=rx.breakpoints(initial="2", md="3", xl="4"),
            spacing="3",
            width="100%",
        ),
    )
