"""The tryout: a sample message, its channel, language and contact, and where it would go and why."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.flow_manager.rows import (
    CHANNELS,
    LANGUAGES,
    CheckRow,
    ScoreRow,
)
from flowstudio.pages.flow_manager.widgets import S, field, section


def _score_row(score: ScoreRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(score.bot_name),
        rx.table.cell(rx.badge(score.score, color_scheme=rx.cond(score.qualified, "green", "gray"))),
        rx.table.cell(score.intent),
        rx.table.cell(score.areas_named),
        data_testid="fm-score",
    )


def _check_row(check: CheckRow) -> rx.Component:
    return rx.hstack(
        rx.cond(
            check.matched,
            rx.icon("circle-check", size=16, color=rx.color("green", 9)),
            rx.icon("circle-x", size=16, color=rx.color("gray", 8)),
        ),
        rx.vstack(
            rx.text(check.name, size="2", weight="medium"),
            rx.text(check.reasons, size="1", color_scheme="gray"),
            spacing="0",
            align="start",
        ),
        spacing="2",
        align="start",
        data_testid="fm-check",
    )


def _result() -> rx.Component:
    return rx.vstack(
        rx.callout(
            rx.vstack(
                rx.hstack(
                    rx.text(t("flowmgr.goes_to")),
                    rx.badge(
                        rx.cond(S.try_owner_type == "bot", t("flowmgr.target_bot"), t("flowmgr.target_queue")),
                        variant="outline",
                    ),
                    rx.text.strong(S.try_owner_name, data_testid="fm-try-owner"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.text(t("flowmgr.matched_rule")),
                    rx.text.strong(
                        rx.cond(S.try_fallback, t("flowmgr.no_rule_matched"), S.try_rule_name),
                        data_testid="fm-try-rule",
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text(S.try_reason, size="1", color_scheme="gray"),
                rx.hstack(
                    rx.cond(S.try_language != "", rx.badge(t("flowmgr.cond_languages"), " ", S.try_language)),
                    rx.cond(
                        S.try_area != "", rx.badge(t("flowmgr.cond_areas"), " ", S.try_area, data_testid="fm-try-area")
                    ),
                    spacing="2",
                ),
                spacing="1",
                align="start",
            ),
            icon="route",
            color_scheme="green",
            width="100%",
            data_testid="fm-try-result",
        ),
        rx.cond(
            S.try_tie != "",
            rx.callout(S.try_tie, icon="scale", color_scheme="amber", size="1", width="100%", data_testid="fm-try-tie"),
        ),
        rx.cond(
            S.try_scores.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t("flowmgr.bot")),
                            rx.table.column_header_cell(t("flowmgr.score")),
                            rx.table.column_header_cell(t("flowmgr.intent")),
                            rx.table.column_header_cell(t("flowmgr.areas_named")),
                        )
                    ),
                    rx.table.body(rx.foreach(S.try_scores, _score_row)),
                    size="1",
                    width="100%",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text(t("flowmgr.no_scores"), size="1", color_scheme="gray"),
        ),
        rx.cond(
            S.try_checks.length() > 0,
            rx.vstack(
                rx.text(t("flowmgr.rules_tried"), size="2", weight="medium"),
                rx.foreach(S.try_checks, _check_row),
                spacing="2",
            ),
        ),
        spacing="3",
        width="100%",
    )


def tryout_section() -> rx.Component:
    return section(
        "flowmgr.try_title",
        "flowmgr.try_hint",
        rx.form(
            rx.vstack(
                rx.text_area(
                    value=S.sample,
                    on_change=S.set_sample,
                    placeholder=t("flowmgr.sample_placeholder"),
                    rows="2",
                    width="100%",
                    data_testid="fm-sample",
                ),
                rx.grid(
                    field(
                        "flowmgr.channel",
                        rx.select.root(
                            rx.select.trigger(width="100%"),
                            rx.select.content(*[rx.select.item(t(f"channel_kind.{c}"), value=c) for c in CHANNELS]),
                            value=S.sample_channel,
                            on_change=S.set_sample_channel,
                            data_testid="fm-sample-channel",
                        ),
                    ),
                    field(
                        "flowmgr.language",
                        rx.select.root(
                            rx.select.trigger(width="100%"),
                            rx.select.content(
                                rx.select.item(t("flowmgr.detect"), value="auto"),
                                *[rx.select.item(t(f"lang.{code}"), value=code) for code in LANGUAGES],
                            ),
                            value=S.sample_language,
                            on_change=S.set_sample_language,
                        ),
                    ),
                    field(
                        "flowmgr.cond_variables",
                        rx.input(
                            value=S.sample_variables,
                            on_change=S.set_sample_variables,
                            width="100%",
                            placeholder="plano = ouro; cidade = Recife",
                            data_testid="fm-sample-variables",
                        ),
                    ),
                    field(
                        "flowmgr.cond_tags",
                        rx.input(
                            value=S.sample_tags,
                            on_change=S.set_sample_tags,
                            width="100%",
                            placeholder="vip",
                            data_testid="fm-sample-tags",
                        ),
                    ),
                    columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                    spacing="3",
                    width="100%",
                ),
                rx.button(rx.icon("play", size=14), t("flowmgr.try"), type="submit", data_testid="fm-try"),
                spacing="3",
                width="100%",
                align="start",
            ),
            on_submit=S.try_sample,
            reset_on_submit=False,
            width="100%",
        ),
        rx.cond(
            S.try_error != "",
            rx.callout(
                S.try_error,
                icon="triangle-alert",
                color_scheme="red",
                size="1",
                width="100%",
                data_testid="fm-try-error",
            ),
        ),
        rx.cond(S.try_done, _result()),
    )
