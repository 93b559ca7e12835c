"""One queue in the list: its strategy, hours, waits, agents and actions."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.queues.rows import QueueRow
from flowstudio.pages.queues.state import S
from flowstudio.state.session import SessionState


def queue_card(queue: QueueRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("users", size=18, color=rx.color("accent", 9)),
                rx.text(queue.name, weight="bold", size="3", data_testid="queue-name"),
                rx.code(queue.key, size="1", variant="ghost"),
                rx.cond(
                    queue.is_default,
                    rx.badge(
                        rx.icon("star", size=12), t("queues.default"), color_scheme="green", data_testid="queue-default"
                    ),
                ),
                rx.spacer(),
                rx.cond(
                    ~queue.is_default,
                    rx.button(
                        rx.icon("star", size=12),
                        t("queues.make_default"),
                        size="1",
                        variant="ghost",
                        on_click=S.make_default(queue.id),
                        data_testid="queue-make-default",
                    ),
                ),
                rx.icon_button(
                    rx.icon("pencil", size=14),
                    size="1",
                    variant="soft",
                    on_click=S.open_edit(queue.id),
                    aria_label=t("queues.edit"),
                    data_testid="queue-edit",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=S.ask_confirm(queue.id, queue.name),
                    aria_label=t("queues.delete"),
                    data_testid="queue-delete",
                ),
                align="center",
                width="100%",
                spacing="2",
                wrap="wrap",
            ),
            rx.hstack(
                rx.badge(
                    rx.icon("shuffle", size=12),
                    SessionState.tr["strategy." + queue.strategy],
                    variant="soft",
                    data_testid="queue-strategy",
                ),
                rx.badge(
                    rx.icon("timer", size=12),
                    t("queues.max_wait"),
                    " ",
                    queue.max_wait,
                    " min",
                    variant="soft",
                    color_scheme="gray",
                ),
                rx.cond(
                    queue.csat_enabled, rx.badge(rx.icon("smile", size=12), "CSAT", variant="soft", color_scheme="gray")
                ),
                rx.cond(
                    queue.return_to_bot,
                    rx.badge(
                        rx.icon("bot", size=12), t("queues.return_to_bot_short"), variant="soft", color_scheme="gray"
                    ),
                ),
                wrap="wrap",
                spacing="2",
            ),
            rx.hstack(
                rx.icon("clock", size=14, color=rx.color("gray", 9)),
                rx.cond(
                    queue.always_open,
                    rx.text(t("queues.always_open"), size="2"),
                    rx.hstack(
                        rx.foreach(
                            queue.days,
                            lambda d: rx.badge(
                                SessionState.tr["weekday." + d.day], " ", d.spans, variant="outline", size="1"
                            ),
                        ),
                        rx.text(queue.timezone, size="1", color_scheme="gray"),
                        wrap="wrap",
                        spacing="1",
                        data_testid="queue-hours",
                    ),
                ),
                align="center",
                spacing="2",
            ),
            rx.hstack(
                rx.icon("headset", size=14, color=rx.color("gray", 9)),
                rx.cond(
                    queue.agents.length() > 0,
                    rx.hstack(
                        rx.foreach(queue.agents, lambda name: rx.badge(name, variant="surface", size="1")),
                        wrap="wrap",
                        spacing="1",
                    ),
                    rx.text(t("queues.no_agents"), size="2", color="var(--amber-11)"),
                ),
                align="center",
                spacing="2",
            ),
            spacing="2",
            align="start",
            width="100%",
        ),
        width="100%",
        data_testid="queue-card",
        data_queue=queue.name,
    )
