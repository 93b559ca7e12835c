"""The studio page: palette and intents on the left, the canvas, and inspector / problems / emulator /
versions on the right (on a phone, under one another: palette, canvas, panels)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import language_select, t
from flowstudio.components.react_flow import flow_canvas, flow_palette
from flowstudio.pages.editor.emulator import emulator_panel
from flowstudio.pages.editor.flow_settings import flow_settings_panel
from flowstudio.pages.editor.inspector import inspector
from flowstudio.pages.editor.state import EditorState
from flowstudio.pages.editor.versions import VersionsState, publish_dialog, tests_panel, versions_panel
from flowstudio.state.session import SessionState

PANEL = {"background": rx.color("gray", 1), "height": "100%", "overflow_y": "auto", "padding": "12px"}
PHONE_PALETTE = {
    "@media (max-width: 29.99em)": {"& .fs-palette-grid": {"gridTemplateColumns": "repeat(4, 1fr) !important"}}
}
"""On a phone the palette spans the screen's width: four blocks a row instead of two."""


def _save_badge() -> rx.Component:
    return rx.match(
        EditorState.save_status,
        (
            "conflict",
            rx.hstack(
                rx.badge(rx.icon("triangle-alert", size=12), t("editor.conflict"), color_scheme="red"),
                rx.button(t("editor.reload"), size="1", variant="soft", on_click=EditorState.load),
                align="center",
                data_testid="save-conflict",
            ),
        ),
        (
            "unsaved",
            rx.badge(
                rx.icon("cloud-off", size=12), t("editor.unsaved"), color_scheme="amber", data_testid="save-unsaved"
            ),
        ),
        rx.badge(
            rx.icon("cloud-check", size=12),
            t("editor.saved"),
            color_scheme="green",
            variant="soft",
            data_testid="save-status",
        ),
    )


def toolbar() -> rx.Component:
    """Back to the bots, the bot's name, history, layout, save and publish."""
    return rx.hstack(
        rx.link(rx.icon("arrow-left", size=18), href="/bots", color=rx.color("gray", 11), aria_label="back"),
        rx.icon("bot", size=18, color=rx.color("accent", 9)),
        rx.heading(EditorState.bot_name, size="4", data_testid="editor-bot-name"),
        _save_badge(),
        rx.spacer(),
        rx.tooltip(
            rx.icon_button(
                rx.icon("undo-2", size=16),
                variant="soft",
                color_scheme="gray",
                on_click=EditorState.undo,
                disabled=~EditorState.can_undo,
                data_testid="undo",
            ),
            content=t("editor.undo"),
        ),
        rx.tooltip(
            rx.icon_button(
                rx.icon("redo-2", size=16),
                variant="soft",
                color_scheme="gray",
                on_click=EditorState.redo,
                disabled=~EditorState.can_redo,
                data_testid="redo",
            ),
            content=t("editor.redo"),
        ),
        rx.tooltip(
            rx.icon_button(
                rx.icon("layout-dashboard", size=16),
                variant="soft",
                color_scheme="gray",
                on_click=EditorState.auto_layout,
                data_testid="auto-layout",
            ),
            content=t("editor.auto_layout"),
        ),
        rx.button(
            rx.icon("save", size=14),
            t("editor.save"),
            variant="soft",
            on_click=EditorState.save_now,
            data_testid="save",
        ),
        rx.button(
            rx.icon("rocket", size=14), t("editor.publish"), on_click=VersionsState.open_publish, data_testid="publish"
        ),
        language_select(on_change=EditorState.change_language),
        align="center",
        spacing="2",
        padding="8px 12px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
        height=rx.breakpoints(initial="auto", xs="52px"),
        flex_wrap=rx.breakpoints(initial="wrap", xs="nowrap"),
    )


def intents_list() -> rx.Component:
    """Topics and their intents, searchable; a click focuses the intent on the canvas."""
    return rx.vstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            placeholder=t("editor.search_intents"),
            value=EditorState.intent_search,
            on_change=EditorState.set_intent_search,
            size="1",
            width="100%",
            data_testid="intent-search",
        ),
        rx.foreach(
            EditorState.filtered_topics,
            lambda topic: rx.vstack(
                rx.text(
                    rx.cond(topic["name"].to(str) != "", topic["name"].to(str), t("editor.no_topic")),
                    size="1",
                    weight="bold",
                    color_scheme="gray",
                ),
                rx.foreach(
                    topic["intents"].to(list[dict[str, str]]),
                    lambda intent: rx.button(
                        rx.icon("message-circle-question", size=12),
                        intent["name"],
                        size="1",
                        variant="ghost",
                        justify="start",
                        width="100%",
                        on_click=EditorState.focus_node(intent["id"]),
                        data_testid="intent-item",
                    ),
                ),
                spacing="1",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def left_panel() -> rx.Component:
    """Palette and intents."""
    return rx.box(
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(t("editor.blocks"), value="blocks"),
                rx.tabs.trigger(t("editor.intents"), value="intents", data_testid="tab-intents"),
                size="1",
            ),
            rx.tabs.content(
                rx.box(flow_palette(groups=EditorState.palette, on_add=EditorState.palette_add), padding_top="10px"),
                value="blocks",
            ),
            rx.tabs.content(rx.box(intents_list(), padding_top="10px"), value="intents"),
            default_value="blocks",
        ),
        width=rx.breakpoints(initial="100%", xs="190px", lg="250px"),
        min_width=rx.breakpoints(initial="0", xs="190px", lg="250px"),
        border_right=f"1px solid {rx.color('gray', 5)}",
        style=PHONE_PALETTE,
        **{**PANEL, "height": rx.breakpoints(initial="200px", xs="100%")},
    )


def problems_panel() -> rx.Component:
    """Every problem of the draft; a click shows the node."""
    return rx.vstack(
        rx.cond(
            EditorState.problems.length() == 0,
            rx.callout(t("editor.no_problems"), icon="circle-check", color_scheme="green", size="1"),
        ),
        rx.foreach(
            EditorState.problems,
            lambda p: rx.card(
                rx.hstack(
                    rx.icon(
                        rx.cond(p["severity"] == "error", "circle-x", "triangle-alert"),
                        size=16,
                        color=rx.cond(p["severity"] == "error", rx.color("red", 10), rx.color("amber", 10)),
                        flex="none",
                    ),
                    rx.vstack(
                        rx.text(p["message"], size="1"),
                        rx.cond(p["node_id"] != "", rx.code(p["node_id"], size="1")),
                        spacing="1",
                    ),
                    align="start",
                ),
                size="1",
                width="100%",
                cursor="pointer",
                on_click=EditorState.focus_node(p["node_id"]),
                background=rx.cond(p["severity"] == "error", rx.color("red", 2), rx.color("amber", 2)),
                border_left=rx.cond(
                    p["severity"] == "error", f"3px solid {rx.color('red', 9)}", f"3px solid {rx.color('amber', 9)}"
                ),
                data_testid="problem-item",
                data_severity=p["severity"],
            ),
        ),
        spacing="2",
        width="100%",
    )


def right_panel() -> rx.Component:
    """Inspector, problems, emulator, versions and tests."""

    def tab(value, label, *extra):
        return rx.tabs.trigger(
            t(label),
            *extra,
            value=value,
            data_testid=f"tab-{value}",
        )

    return rx.box(
        rx.tabs.root(
            rx.tabs.list(
                tab("inspector", "editor.inspector"),
                tab(
                    "problems",
                    "editor.problems",
                    rx.cond(
                        EditorState.error_count > 0,
                        rx.badge(EditorState.error_count, color_scheme="red", margin_left="4px"),
                        rx.cond(
                            EditorState.warning_count > 0,
                            rx.badge(EditorState.warning_count, color_scheme="amber", margin_left="4px"),
                        ),
                    ),
                ),
                tab("emulator", "editor.emulator"),
                tab("versions", "editor.versions"),
                tab("tests", "editor.tests"),
                tab("flow", "editor.flow"),
                size="1",
                style={
                    "flexWrap": "nowrap",
                    "overflowX": "auto",
                    "overflowY": "hidden",
                    "scrollbarWidth": "thin",
                    "& .rt-TabsTrigger": {"paddingLeft": "0", "paddingRight": "0"},
                    "& .rt-TabsTriggerInner, & .rt-TabsTriggerInnerHidden": {
                        "paddingLeft": "5px",
                        "paddingRight": "5px",
                    },
                },
            ),
            rx.tabs.content(rx.box(inspector(), padding_top="12px"), value="inspector"),
            rx.tabs.content(rx.box(problems_panel(), padding_top="12px"), value="problems"),
            rx.tabs.content(rx.box(emulator_panel(), padding_top="12px"), value="emulator"),
            rx.tabs.content(rx.box(versions_panel(), padding_top="12px"), value="versions"),
            rx.tabs.content(rx.box(tests_panel(), padding_top="12px"), value="tests"),
            rx.tabs.content(rx.box(flow_settings_panel(), padding_top="12px"), value="flow"),
            value=EditorState.side_tab,
            on_change=EditorState.set_side_tab,
        ),
        width=rx.breakpoints(initial="100%", xs="320px", lg="400px"),
        min_width=rx.breakpoints(initial="0", xs="300px"),
        border_left=f"1px solid {rx.color('gray', 5)}",
        **{**PANEL, "height": rx.breakpoints(initial="auto", xs="100%")},
    )


def editor_page() -> rx.Component:
    """The studio."""
    return rx.cond(
        SessionState.is_authenticated & EditorState.loaded,
        rx.cond(
            EditorState.missing,
            rx.center(rx.callout(t("editor.missing"), icon="circle-x", color_scheme="red"), height="100vh"),
            rx.vstack(
                toolbar(),
                rx.cond(
                    EditorState.notice != "",
                    rx.callout(
                        rx.text(SessionState.tr[EditorState.notice], " ", EditorState.notice_detail),
                        icon="triangle-alert",
                        color_scheme="amber",
                        size="1",
                        width="100%",
                        data_testid="editor-notice",
                    ),
                ),
                rx.flex(
                    left_panel(),
                    rx.box(
                        flow_canvas(
                            doc=EditorState.canvas_doc,
                            doc_rev=EditorState.doc_rev,
                            patch=EditorState.patch,
                            markers=EditorState.markers,
                            highlight=EditorState.path_glow,
                            diff=EditorState.diff_marks,
                            focus=EditorState.focus,
                            on_change=EditorState.on_canvas_change,
                            on_select=EditorState.on_select,
                        ),
                        flex=rx.breakpoints(initial="none", xs="1"),
                        height=rx.breakpoints(initial="60vh", xs="100%"),
                        min_width="0",
                        background=rx.color("gray", 2),
                    ),
                    right_panel(),
                    spacing="0",
                    width="100%",
                    height=rx.breakpoints(initial="auto", xs="calc(100vh - 52px)"),
                    direction=rx.breakpoints(initial="column", xs="row"),
                    align="stretch",
                ),
                publish_dialog(),
                spacing="0",
                width="100%",
                height=rx.breakpoints(initial="auto", xs="100vh"),
            ),
        ),
        rx.center(rx.spinner(size="3"), height="100vh"),
    )
