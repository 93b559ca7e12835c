"""The agents table: one row per agent with inline status, capacity and encrypted-access controls."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.agents.rules import AgentRow
from flowstudio.pages.agents.state import STATUSES, S
from flowstudio.state.session import SessionState

STATUS_COLORS = {"online": "green", "away": "amber", "offline": "gray"}


def _status_select(agent: AgentRow) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            variant="soft",
            color_scheme=rx.match(agent.status, *STATUS_COLORS.items(), "gray"),
            data_testid="agent-status",
        ),
        rx.select.content(*[rx.select.item(t(f"agent_status.{s}"), value=s) for s in STATUSES]),
        value=agent.status,
        on_change=lambda status: S.change_status(agent.user_id, status),
        size="1",
    )


def _row(agent: AgentRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(agent.name, weight="medium"),
            rx.cond(agent.is_me, rx.badge(t("agents.you"), size="1", margin_left="6px")),
        ),
        rx.table.cell(agent.email),
        rx.table.cell(
            rx.badge(
                SessionState.tr["role." + agent.role],
                variant="soft",
                color_scheme=rx.match(agent.role, ("admin", "crimson"), ("supervisor", "violet"), "gray"),
            )
        ),
        rx.table.cell(_status_select(agent)),
        rx.table.cell(
            rx.input(
                default_value=agent.capacity.to_string(),
                type="number",
                min="0",
                max="100",
                size="1",
                width="64px",
                key=agent.user_id.to_string() + "-" + agent.capacity.to_string(),
                on_blur=lambda value: S.change_capacity(agent.user_id, value),
                aria_label=t("agents.capacity"),
                data_testid="agent-capacity",
            )
        ),
        rx.table.cell(
            rx.text(
                agent.load,
                " / ",
                agent.capacity,
                size="2",
                color=rx.cond(agent.load >= agent.capacity, rx.color("red", 11), rx.color("gray", 12)),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.foreach(agent.queues, lambda q: rx.badge(q, variant="outline", size="1")), wrap="wrap", spacing="1"
            )
        ),
        rx.table.cell(
            rx.tooltip(
                rx.switch(
                    checked=agent.can_read_encrypted,
                    size="1",
                    disabled=SessionState.role != "admin",
                    on_change=lambda value: S.change_encrypted_access(agent.user_id, value),
                    aria_label=t("agents.read_encrypted"),
                    data_testid="agent-decrypt",
                ),
                content=t("agents.read_encrypted_hint"),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.icon_button(
                    rx.icon("pencil", size=14),
                    size="1",
                    variant="ghost",
                    on_click=S.open_edit(agent.user_id),
                    aria_label=t("agents.edit"),
                    data_testid="agent-edit",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=S.ask_confirm(agent.user_id, agent.name),
                    aria_label=t("agents.remove"),
                    disabled=agent.is_me,
                    data_testid="agent-remove",
                ),
                spacing="2",
            )
        ),
        data_testid="agent-row",
        data_email=agent.email,
    )


def agents_table() -> rx.Component:
    headers = [
        "agents.name",
        "login.email",
        "settings.role",
        "agents.status",
        "agents.capacity",
        "agents.load",
        "agents.queues",
        "agents.read_encrypted",
        "",
    ]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h) if h else "") for h in headers])),
            rx.table.body(rx.foreach(S.agents, _row)),
            variant="surface",
            size="2",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )
