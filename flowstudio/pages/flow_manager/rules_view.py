"""The routing rules: the ordered list, the rule dialog and the delete confirmation."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import t
from flowstudio.pages.flow_manager.rows import (
    CHANNELS,
    LANGUAGES,
    RuleRow,
)
from flowstudio.pages.flow_manager.widgets import S, checks, field, radio, section


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


def rules_section() -> rx.Component:
    return section(
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


def rule_dialog() -> rx.Component:
    target_options = rx.cond(S.rule_target_type == "bot", S.bot_options, S.queue_options)
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.rule_id > 0, t("flowmgr.edit_rule"), t("flowmgr.new_rule"))),
            rx.vstack(
                field(
                    "flowmgr.rule_name",
                    rx.input(
                        value=S.rule_name, on_change=S.set_rule_name, width="100%", data_testid="fm-rule-name-input"
                    ),
                ),
                field(
                    "flowmgr.target",
                    rx.radio_group.root(
                        rx.flex(
                            radio("bot", "flowmgr.target_bot"),
                            radio("queue", "flowmgr.target_queue"),
                            radio("knowledge", "flowmgr.best_bot"),
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
                field("flowmgr.cond_channels", checks("channels", CHANNELS, S.rule_channels, "channel_kind.")),
                field("flowmgr.cond_languages", checks("languages", LANGUAGES, S.rule_languages, "lang.")),
                field(
                    "flowmgr.cond_areas",
                    rx.cond(
                        S.area_names.length() > 0,
                        checks("areas", S.area_names, S.rule_areas),
                        rx.text(t("flowmgr.no_areas"), size="1", color_scheme="gray"),
                    ),
                ),
                field(
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
                field(
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


def delete_rule_dialog() -> rx.Component:
    return confirm_delete_dialog(
        title_key="flowmgr.delete_rule",
        text_key="flowmgr.delete_rule_text",
        name=S.confirm_name,
        on_confirm=S.delete_rule,
        open=S.confirm_id > 0,
        on_open_change=S.close_confirm,
        testid="fm-confirm-delete",
    )
