"""The flow manager page: drag bots onto knowledge areas, choose the default bot, order routing rules, and try a
sample message to see where it would go.

Drag and drop is plain HTML5: a bot card puts ``bot:<id>`` in the drag's data and an area column sends it to
Python on drop (one event per drag). Each bot card also has a select to give it an area without a mouse.
"""

from __future__ import annotations

import reflex as rx

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import shell, t
from flowstudio.pages.admin_forms import not_allowed
from flowstudio.pages.flow_manager.state import (
    CHANNELS,
    DRAG_PREFIX,
    LANGUAGES,
    AreaColumn,
    BotCard,
    CheckRow,
    FlowManagerState,
    RuleRow,
    ScoreRow,
)

S = FlowManagerState
_CLEAR_OVER = "document.querySelectorAll('[data-over]').forEach((el) => el.removeAttribute('data-over'))"


def _dropped(e: rx.Var) -> tuple[rx.Var[str]]:
    """The drop event's payload (what the dragged card put in `dataTransfer`)."""
    return (rx.Var(f"{e!s}.dataTransfer.getData('text/plain')").to(str),)


class DropZone(rx.el.Div):
    """A div that reports what is dropped on it."""

    on_drop: rx.EventHandler[_dropped]


def _drop_zone(*children: rx.Component, on_drop, **props) -> rx.Component:
    return DropZone.create(
        *children,
        on_drop=on_drop,
        custom_attrs={
            "onDragOver": rx.Var("((e) => { e.preventDefault(); e.dataTransfer.dropEffect = 'move'; })"),
            "onDragEnter": rx.Var("((e) => { e.preventDefault(); e.currentTarget.setAttribute('data-over', '1'); })"),
            "onDragLeave": rx.Var(
                "((e) => { if (!e.currentTarget.contains(e.relatedTarget)) "
                "e.currentTarget.removeAttribute('data-over'); })"
            ),
        },
        **props,
    )


def _draggable(bot_id: rx.Var, *children: rx.Component, **props) -> rx.Component:
    start = (
        f"((e) => {{ e.dataTransfer.setData('text/plain', '{DRAG_PREFIX}' + {bot_id!s}); "
        "e.dataTransfer.effectAllowed = 'move'; })"
    )
    return rx.box(
        *children,
        draggable=True,
        custom_attrs={"onDragStart": rx.Var(start), "onDragEnd": rx.Var(f"(() => {_CLEAR_OVER})")},
        **props,
    )


def _section(
    title_key: str, hint_key: str, *children: rx.Component, action: rx.Component | None = None, **props
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(t(title_key), size="4"),
                    rx.text(t(hint_key), size="2", color_scheme="gray"),
                    spacing="1",
                    align="start",
                ),
                rx.spacer(),
                action or rx.fragment(),
                width="100%",
                align="start",
                wrap="wrap",
                spacing="2",
            ),
            *children,
            spacing="3",
            width="100%",
            align="start",
        ),
        width="100%",
        **props,
    )


# ------------------------------------------------------------------------------------- bots and areas


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
    return _draggable(
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
    return _drop_zone(
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
        on_drop=lambda payload: [rx.call_script(_CLEAR_OVER), S.drop_on_area(column.name, payload)],
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


def _board() -> rx.Component:
    return _section(
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


# ------------------------------------------------------------------------------------------- rules


def _chips(label_key: str, values: rx.Var) -> rx.Component:
    return rx.cond(
        values.length() > 0,
        rx.hstack(
            rx.text(t(label_key), size="1", color_scheme="gray"),
            rx.foreach(values, lambda value: rx.badge(value, variant="outline", size="1")),
            spacing="1",
            align="center",
            wrap="wrap",
        ),
    )


def _rule_row(rule: RuleRow) -> rx.Component:
    target_icon = rx.match(
        rule.target_type,
        ("bot", rx.icon("bot", size=12)),
        ("queue", rx.icon("users", size=12)),
        rx.icon("sparkles", size=12),
    )
    no_conditions = (
        rule.channels.length()
        + rule.languages.length()
        + rule.variables.length()
        + rule.tags.length()
        + rule.areas.length()
    ) == 0
    return rx.card(
        rx.hstack(
            rx.vstack(
                rx.icon_button(
                    rx.icon("chevron-up", size=14),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    disabled=rule.first,
                    on_click=S.move_rule(rule.id, -1),
                    aria_label=t("flowmgr.up"),
                    data_testid="fm-rule-up",
                ),
                rx.icon_button(
                    rx.icon("chevron-down", size=14),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    disabled=rule.last,
                    on_click=S.move_rule(rule.id, 1),
                    aria_label=t("flowmgr.down"),
                    data_testid="fm-rule-down",
                ),
                spacing="1",
            ),
            rx.badge(rule.number, radius="full", size="2", variant="solid", color_scheme="gray"),
            rx.vstack(
                rx.hstack(
                    rx.text(rule.name, weight="bold", data_testid="fm-rule-name"),
                    rx.icon("arrow-right", size=14, color=rx.color("gray", 9)),
                    rx.badge(target_icon, rule.target_name, color_scheme="indigo", data_testid="fm-rule-target"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(no_conditions, rx.text(t("flowmgr.always"), size="1", color_scheme="gray")),
                _chips("flowmgr.cond_channels", rule.channels),
                _chips("flowmgr.cond_languages", rule.languages),
                _chips("flowmgr.cond_variables", rule.variables),
                _chips("flowmgr.cond_tags", rule.tags),
                _chips("flowmgr.cond_areas", rule.areas),
                spacing="1",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.hstack(
                rx.tooltip(
                    rx.switch(
                        checked=rule.enabled,
                        on_change=lambda on: S.toggle_rule(rule.id, on),
                        size="1",
                        data_testid="fm-rule-enabled",
                    ),
                    content=t("flowmgr.enabled"),
                ),
                rx.icon_button(
                    rx.icon("pencil", size=14),
                    size="1",
                    variant="ghost",
                    on_click=S.open_edit_rule(rule.id),
                    aria_label=t("flowmgr.edit_rule"),
                    data_testid="fm-rule-edit",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=S.ask_confirm(rule.id, rule.name),
                    aria_label=t("flowmgr.delete_rule"),
                    data_testid="fm-rule-delete",
                ),
                spacing="2",
                align="center",
            ),
            spacing="3",
            align="center",
            width="100%",
        ),
        width="100%",
        opacity=rx.cond(rule.enabled, "1", "0.55"),
        data_testid="fm-rule",
    )


def _rules() -> rx.Component:
    return _section(
        "flowmgr.rules_title",
        "flowmgr.rules_hint",
        rx.cond(
            S.rules.length() > 0,
            rx.vstack(rx.foreach(S.rules, _rule_row), spacing="2", width="100%"),
            rx.callout(t("flowmgr.no_rules"), icon="info", width="100%"),
        ),
        action=rx.button(
            rx.icon("plus", size=14), t("flowmgr.new_rule"), on_click=S.open_new_rule, data_testid="fm-new-rule"
        ),
    )


def _checks(kind: str, values: tuple[str, ...] | rx.Var, selected: rx.Var, label_prefix: str = "") -> rx.Component:
    def box(value) -> rx.Component:
        label = t(label_prefix + value) if label_prefix and isinstance(value, str) else value
        return rx.checkbox(
            label,
            checked=selected.contains(value),
            on_change=lambda checked: S.toggle_rule_value(kind, value, checked),
            data_testid=f"fm-rule-{kind}",
        )

    items = [box(v) for v in values] if isinstance(values, tuple) else [rx.foreach(values, box)]
    return rx.flex(*items, wrap="wrap", gap="12px")


def _field(label_key: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"), *children, spacing="1", width="100%", align="start"
    )


def _radio(value: str, label_key: str) -> rx.Component:
    return rx.el.label(
        rx.radio_group.item(value=value),
        rx.text(t(label_key), size="2"),
        style={"display": "flex", "gap": "6px", "align_items": "center", "cursor": "pointer"},
    )


def _rule_dialog() -> rx.Component:
    target_options = rx.cond(S.rule_target_type == "bot", S.bot_options, S.queue_options)
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.rule_id > 0, t("flowmgr.edit_rule"), t("flowmgr.new_rule"))),
            rx.vstack(
                _field(
                    "flowmgr.rule_name",
                    rx.input(
                        value=S.rule_name, on_change=S.set_rule_name, width="100%", data_testid="fm-rule-name-input"
                    ),
                ),
                _field(
                    "flowmgr.target",
                    rx.radio_group.root(
                        rx.flex(
                            _radio("bot", "flowmgr.target_bot"),
                            _radio("queue", "flowmgr.target_queue"),
                            _radio("knowledge", "flowmgr.best_bot"),
                            gap="16px",
                            align="center",
                            wrap="wrap",
                        ),
                        value=S.rule_target_type,
                        on_change=S.set_rule_target_type,
                        data_testid="fm-rule-target-type",
                    ),
                    rx.cond(
                        S.rule_target_type != "knowledge",
                        rx.select.root(
                            rx.select.trigger(width="100%", data_testid="fm-rule-target-select"),
                            rx.select.content(
                                rx.foreach(target_options, lambda o: rx.select.item(o.label, value=o.value))
                            ),
                            value=S.rule_target_id,
                            on_change=S.set_rule_target_id,
                        ),
                    ),
                ),
                rx.text(t("flowmgr.conditions_hint"), size="1", color_scheme="gray"),
                _field("flowmgr.cond_channels", _checks("channels", CHANNELS, S.rule_channels, "channel_kind.")),
                _field("flowmgr.cond_languages", _checks("languages", LANGUAGES, S.rule_languages, "lang.")),
                _field(
                    "flowmgr.cond_areas",
                    rx.cond(
                        S.area_names.length() > 0,
                        _checks("areas", S.area_names, S.rule_areas),
                        rx.text(t("flowmgr.no_areas"), size="1", color_scheme="gray"),
                    ),
                ),
                _field(
                    "flowmgr.cond_variables",
                    rx.text_area(
                        value=S.rule_variables,
                        on_change=S.set_rule_variables,
                        rows="2",
                        width="100%",
                        placeholder="plano = ouro",
                        data_testid="fm-rule-variables",
                    ),
                ),
                _field(
                    "flowmgr.cond_tags",
                    rx.input(
                        value=S.rule_tags,
                        on_change=S.set_rule_tags,
                        width="100%",
                        placeholder="vip, reclamação",
                        data_testid="fm-rule-tags",
                    ),
                ),
                rx.checkbox(t("flowmgr.enabled"), checked=S.rule_enabled, on_change=S.set_rule_enabled),
                rx.cond(
                    S.rule_error != "",
                    rx.callout(
                        S.rule_error,
                        icon="triangle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        data_testid="fm-rule-error",
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("flowmgr.save"), on_click=S.save_rule, data_testid="fm-rule-save"),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="560px",
        ),
        open=S.rule_open,
        on_open_change=S.set_rule_open,
    )


def _delete_dialog() -> rx.Component:
    return confirm_delete_dialog(
        title_key="flowmgr.delete_rule",
        text_key="flowmgr.delete_rule_text",
        name=S.confirm_name,
        on_confirm=S.delete_rule,
        open=S.confirm_id > 0,
        on_open_change=S.close_confirm,
        testid="fm-confirm-delete",
    )


# ------------------------------------------------------------------------------------------ tryout


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


def _tryout() -> rx.Component:
    return _section(
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
                    _field(
                        "flowmgr.channel",
                        rx.select.root(
                            rx.select.trigger(width="100%"),
                            rx.select.content(*[rx.select.item(t(f"channel_kind.{c}"), value=c) for c in CHANNELS]),
                            value=S.sample_channel,
                            on_change=S.set_sample_channel,
                            data_testid="fm-sample-channel",
                        ),
                    ),
                    _field(
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
                    _field(
                        "flowmgr.cond_variables",
                        rx.input(
                            value=S.sample_variables,
                            on_change=S.set_sample_variables,
                            width="100%",
                            placeholder="plano = ouro; cidade = Recife",
                            data_testid="fm-sample-variables",
                        ),
                    ),
                    _field(
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


def flow_manager_page() -> rx.Component:
    """Bots on knowledge areas, the routing rules in order, and the sample-message tryout."""
    return shell(
        t("nav.flow_manager"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.allowed,
                rx.vstack(
                    rx.cond(
                        S.error != "",
                        rx.callout(
                            S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="fm-error"
                        ),
                    ),
                    _board(),
                    _rules(),
                    _tryout(),
                    _rule_dialog(),
                    _delete_dialog(),
                    spacing="4",
                    width="100%",
                ),
                not_allowed(t),
            ),
            rx.center(rx.spinner(), width="100%", padding="48px"),
        ),
    )
