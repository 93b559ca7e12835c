"""The inbox's list: the Mine / Queue / All shortcuts, the filters, and one row per conversation."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.inbox.chat import PRIORITIES, tr
from flowstudio.pages.inbox.items import Option
from flowstudio.pages.inbox.state import ANY
from flowstudio.pages.inbox.state import InboxState as S
from flowstudio.pages.inbox.types import inactive_badge
from flowstudio.services.inbox.listing import STATUSES, VIEWS, ConversationRow
from flowstudio.state.session import SessionState


def _duration(seconds: rx.Var) -> rx.Var:
    minutes = (seconds / 60).to(int)
    return rx.cond(seconds >= 3600, (seconds / 3600).to(int).to_string() + "h", minutes.to_string() + "m")


def _row(row: rx.Var[ConversationRow]) -> rx.Component:
    selected = S.selected_id == row.id
    return rx.box(
        rx.hstack(
            rx.text(
                row.contact_name,
                weight="bold",
                size="2",
                trim="both",
                flex="1",
                min_width="0",
                style={"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"},
            ),
            rx.text(row.last_at, size="1", color_scheme="gray"),
            rx.cond(
                (row.unread > 0) & ~selected,
                rx.badge(
                    row.unread, color_scheme="red", variant="solid", radius="full", size="1", data_testid="row-unread"
                ),
            ),
            width="100%",
            align="center",
            spacing="2",
        ),
        rx.text(
            row.preview,
            size="1",
            color_scheme="gray",
            style={"overflow": "hidden", "text_overflow": "ellipsis", "white_space": "nowrap"},
        ),
        rx.flex(
            rx.badge(row.channel, variant="outline", size="1"),
            rx.badge(
                rx.match(
                    row.owner_type,
                    ("bot", rx.icon("bot", size=10)),
                    ("queue", rx.icon("users", size=10)),
                    rx.icon("headset", size=10),
                ),
                row.owner_label,
                size="1",
                variant="soft",
                color_scheme=rx.match(row.owner_type, ("queue", "amber"), ("agent", "grass"), "gray"),
            ),
            rx.cond(
                row.waiting_seconds > 0,
                rx.badge(rx.icon("clock", size=10), _duration(row.waiting_seconds), size="1", color_scheme="amber"),
            ),
            rx.cond(
                row.priority != "normal",
                rx.badge(
                    tr("priority", row.priority),
                    size="1",
                    color_scheme=rx.match(row.priority, ("urgent", "red"), ("high", "orange"), "gray"),
                ),
            ),
            rx.cond(row.status != "open", rx.badge(tr("status", row.status), size="1", variant="outline")),
            rx.cond(row.inactive, inactive_badge("row-inactive")),
            rx.cond(
                row.conversation_type != "",
                rx.badge(
                    rx.icon("folder", size=10), row.conversation_type, size="1", variant="soft", color_scheme="iris"
                ),
            ),
            rx.foreach(row.tags, lambda tag: rx.badge(tag, size="1", variant="surface")),
            gap="4px",
            wrap="wrap",
            margin_top="4px",
        ),
        on_click=S.open_conversation(row.id),
        padding="10px 12px",
        cursor="pointer",
        background=rx.cond(selected, rx.color("accent", 3), "transparent"),
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        _hover={"background": rx.cond(selected, rx.color("accent", 4), rx.color("gray", 3))},
        data_testid="inbox-row",
        data_id=row.id,
    )


def _select(
    name: str, label_key: str, options: rx.Var[list[Option]] | list[tuple[str, rx.Var]], value: rx.Var
) -> rx.Component:
    items = (
        rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value))
        if isinstance(options, rx.Var)
        else [rx.select.item(label, value=v) for v, label in options]
    )
    return rx.vstack(
        rx.text(t(label_key), size="1", color_scheme="gray"),
        rx.select.root(
            rx.select.trigger(width="100%", data_testid=f"filter-{name}"),
            rx.select.content(rx.select.item(t("inbox.any"), value=ANY), items)
            if name != "status"
            else rx.select.content(items),
            value=value,
            on_change=lambda v: S.set_filter(f"{name}_filter", v),
            size="1",
        ),
        spacing="1",
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.grid(
        _select("status", "inbox.filter_status", [(s, t(f"inbox.status_{s}")) for s in STATUSES], S.status_filter),
        _select("queue", "inbox.filter_queue", S.queues, S.queue_filter),
        _select("agent", "inbox.filter_agent", S.agents, S.agent_filter),
        _select("channel", "inbox.filter_channel", S.channels, S.channel_filter),
        _select("tag", "inbox.filter_tag", S.all_tags, S.tag_filter),
        _select(
            "priority", "inbox.filter_priority", [(p, t(f"inbox.priority_{p}")) for p in PRIORITIES], S.priority_filter
        ),
        rx.cond(S.type_options.length() > 0, _select("type", "types.filter", S.type_options, S.type_filter)),
        rx.vstack(
            rx.text(t("inbox.filter_variable"), size="1", color_scheme="gray"),
            rx.hstack(
                rx.input(
                    name="var_name",
                    id="inbox-var-name",
                    placeholder=t("inbox.variable_name"),
                    size="1",
                    default_value=S.var_name,
                    max_length=100,
                    data_testid="filter-var-name",
                ),
                rx.text("=", size="1"),
                rx.input(
                    name="var_value",
                    id="inbox-var-value",
                    placeholder=t("inbox.variable_value"),
                    size="1",
                    default_value=S.var_value,
                    max_length=200,
                    data_testid="filter-var-value",
                ),
                align="center",
                spacing="1",
            ),
            spacing="1",
            grid_column="span 2",
        ),
        rx.hstack(
            rx.switch(checked=S.unread_only, on_change=S.toggle_unread, size="1", data_testid="filter-unread"),
            rx.text(t("inbox.unread_only"), size="1"),
            align="center",
            spacing="2",
        ),
        rx.hstack(
            rx.button(t("inbox.apply"), size="1", type="submit", data_testid="filter-apply"),
            rx.button(
                t("inbox.clear"),
                size="1",
                variant="soft",
                color_scheme="gray",
                type="button",
                on_click=S.clear_filters,
                data_testid="filter-clear",
            ),
            justify="end",
        ),
        columns="2",
        spacing="2",
        width="100%",
        padding="8px 0 0 0",
    )


def list_pane() -> rx.Component:
    return rx.box(
        rx.form(
            rx.hstack(
                rx.input(
                    rx.input.slot(rx.icon("search", size=14)),
                    name="search",
                    id="inbox-search",
                    placeholder=t("inbox.search"),
                    default_value=S.search,
                    size="2",
                    flex="1",
                    max_length=200,
                    data_testid="inbox-search",
                ),
                rx.icon_button(
                    rx.icon("sliders-horizontal", size=16),
                    type="button",
                    variant=rx.cond(S.filters_open, "solid", "soft"),
                    on_click=S.set_filters_open(~S.filters_open),
                    aria_label="filters",
                    data_testid="inbox-filters-toggle",
                ),
                width="100%",
            ),
            rx.cond(S.filters_open, _filters()),
            on_submit=S.apply_text_filters,
            reset_on_submit=False,
            width="100%",
        ),
        class_name="fs-list-head",
        padding="10px 12px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
    ), rx.box(
        rx.cond(
            S.rows.length() > 0,
            rx.foreach(S.rows, _row),
            rx.center(
                rx.cond(
                    S.loaded,
                    rx.text(t("inbox.empty"), size="2", color_scheme="gray", data_testid="inbox-empty"),
                    rx.spinner(),
                ),
                padding="32px",
            ),
        ),
        flex="1",
        overflow_y="auto",
        data_testid="inbox-list",
    )


def view_tabs() -> rx.Component:
    # An agent's "All" is everything they may work (their own and their queues'), as in Chatwoot; the hint
    # says so, since the list never shows them anything else.
    hint = {"all": rx.cond(SessionState.role == "agent", t("inbox.view_all_agent_hint"), t("inbox.view_all_hint"))}
    return rx.hstack(
        *[
            rx.button(
                t(f"inbox.view_{view}"),
                rx.badge(S.counts[view], variant="surface", radius="full", size="1"),
                size="2",
                variant=rx.cond(S.view == view, "solid", "soft"),
                on_click=S.set_view(view),
                title=hint.get(view, ""),
                data_testid=f"view-{view}",
            )
            for view in VIEWS
        ],
        spacing="2",
        wrap="wrap",
    )
