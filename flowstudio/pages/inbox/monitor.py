"""The queue monitor: per queue who waits and for how long, agents online and their load, conversations in
progress, average first response and handling time (TMA), SLA breaches; live, like the inbox."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.pages.inbox.chat import tr
from flowstudio.services.assignment import monitor as assignment
from flowstudio.services.identity import permissions as can
from flowstudio.state.connections import connected as _connected
from flowstudio.state.guard import authorize, requires
from flowstudio.state.session import SessionState

ROUTE = "/inbox/monitor"
POLL_SECONDS = 2.0


def duration(seconds: float | int | None) -> str:
    """Seconds as ``1h 02m``, ``3m 05s`` or ``42s``; ``-`` when there is no figure."""
    if seconds is None:
        return "-"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"


@dataclasses.dataclass
class QueueFigures:
    """One queue's line of the monitor (durations already as text)."""

    id: int = 0
    name: str = ""
    open: bool = True
    waiting: int = 0
    longest_wait: str = "-"
    late: bool = False
    in_progress: int = 0
    agents_online: int = 0
    agents_total: int = 0
    first_response: str = "-"
    handling: str = "-"
    sla_breaches: int = 0
    csat: str = "-"


@dataclasses.dataclass
class AgentFigures:
    """One agent's line of the monitor."""

    user_id: int = 0
    name: str = ""
    status: str = "offline"
    load: int = 0
    capacity: int = 0
    percent: int = 0
    queues: str = ""


def figures(data: dict[str, Any]) -> tuple[list[QueueFigures], list[AgentFigures], QueueFigures]:
    """`assignment.monitor`'s dicts as the page's rows and totals."""

    def queue_row(row: dict[str, Any], **extra: Any) -> QueueFigures:
        late = bool(row.get("max_wait_seconds")) and row["longest_wait_seconds"] > row["max_wait_seconds"]
        return QueueFigures(
            waiting=row["waiting"],
            longest_wait=duration(row["longest_wait_seconds"]) if row["waiting"] else "-",
            late=late,
            in_progress=row["in_progress"],
            agents_online=row["agents_online"],
            agents_total=row["agents_total"],
            first_response=duration(row["avg_first_response_seconds"]),
            handling=duration(row["avg_handling_seconds"]),
            sla_breaches=row["sla_breaches"],
            csat=f"{row['csat_average']:.1f} ({row['csat_count']})" if row["csat_average"] else "-",
            **extra,
        )

    queues = [queue_row(q, id=q["id"], name=q["name"], open=q["open"]) for q in data["queues"]]
    agents = [
        AgentFigures(
            user_id=a["user_id"],
            name=a["name"],
            status=a["status"],
            load=a["load"],
            capacity=a["capacity"],
            percent=min(100, int(100 * a["load"] / a["capacity"])) if a["capacity"] else 0,
            queues=", ".join(a["queues"]),
        )
        for a in data["agents"]
    ]
    return queues, agents, queue_row(data["totals"])


def _read(workspace_id: int) -> dict[str, Any]:
    with session_scope() as session:
        return assignment.monitor(session=session, workspace_id=workspace_id)


class MonitorState(rx.State):
    """The monitor's figures, refreshed every `POLL_SECONDS` while the page is open."""

    queues: list[QueueFigures] = []
    agents: list[AgentFigures] = []
    totals: QueueFigures = QueueFigures()
    loaded: bool = False
    allowed: bool = True
    _generation: int = 0

    def _apply(self, data: dict[str, Any]) -> None:
        queues, agents, totals = figures(data)
        if queues != self.queues:
            self.queues = queues
        if agents != self.agents:
            self.agents = agents
        if totals != self.totals:
            self.totals = totals
        self.loaded = True

    @rx.event
    @requires(can.INBOX_SUPERVISE)
    async def load(self):
        """Read the figures and start the live updates (supervisors and admins only)."""
        session_state = await self.get_state(SessionState)
        workspace_id = session_state._workspace_id
        self.allowed = True  # @requires checked the role now
        if workspace_id is None or not self.allowed:
            return None
        self._apply(_read(workspace_id))
        return MonitorState.watch

    @rx.event(background=True)
    async def watch(self):
        """Poll while this tab shows the monitor."""
        async with self:
            self._generation += 1
            generation = self._generation
            token = self.router.session.client_token
            workspace_id = (await self.get_state(SessionState))._workspace_id
        gone = 0
        while workspace_id is not None:
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                if self._generation != generation or self.router.url.path.rstrip("/") != ROUTE:
                    return
                gone = 0 if _connected(token) else gone + 1
                if gone >= 3 or not (await authorize(self, can.INBOX_SUPERVISE)).ok:
                    return
            data = await rx.run_in_thread(lambda: _read(workspace_id))
            async with self:
                if self._generation != generation:
                    return
                self._apply(data)


S = MonitorState


def _stat(label_key: str, value: rx.Var, testid: str, color: rx.Var | str = "gray") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(t(label_key), size="1", color_scheme="gray"),
            rx.heading(value, size="6", color_scheme=color, data_testid=testid),
            spacing="1",
        ),
        width="100%",
    )


def _queue_row(queue: rx.Var[QueueFigures]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.text(queue.name, weight="medium"),
                rx.cond(~queue.open, rx.badge(t("monitor.closed_now"), color_scheme="gray", size="1")),
                spacing="2",
            )
        ),
        rx.table.cell(rx.text(queue.waiting, data_testid="queue-waiting")),
        rx.table.cell(rx.text(queue.longest_wait, color=rx.cond(queue.late, rx.color("red", 11), "inherit"))),
        rx.table.cell(rx.text(queue.in_progress, data_testid="queue-in-progress")),
        rx.table.cell(queue.agents_online, " / ", queue.agents_total),
        rx.table.cell(queue.first_response),
        rx.table.cell(queue.handling),
        rx.table.cell(rx.cond(queue.sla_breaches > 0, rx.badge(queue.sla_breaches, color_scheme="red"), "0")),
        rx.table.cell(queue.csat),
        data_testid="monitor-queue",
    )


def _agent_row(agent: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(agent.name),
        rx.table.cell(
            rx.badge(
                tr("agent", agent.status),
                color_scheme=rx.match(agent.status, ("online", "grass"), ("away", "amber"), "gray"),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.progress(value=agent.percent, width="80px"),
                rx.text(agent.load, " / ", agent.capacity, size="2", data_testid="agent-load"),
                align="center",
                spacing="2",
            )
        ),
        rx.table.cell(rx.text(agent.queues, size="2", color_scheme="gray")),
        data_testid="monitor-agent",
    )


def _header(*keys: str) -> rx.Component:
    return rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(key)) for key in keys]))


def monitor_page() -> rx.Component:
    """The queue monitor page."""
    return shell(
        t("monitor.title"),
        rx.cond(
            S.allowed,
            rx.vstack(
                rx.hstack(
                    rx.link(
                        rx.button(rx.icon("arrow-left", size=14), t("nav.inbox"), variant="soft", size="2"),
                        href="/inbox",
                    ),
                    rx.text(t("monitor.subtitle"), size="2", color_scheme="gray"),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                rx.grid(
                    _stat(
                        "monitor.waiting",
                        S.totals.waiting,
                        "total-waiting",
                        rx.cond(S.totals.waiting > 0, "amber", "gray"),
                    ),
                    _stat(
                        "monitor.longest_wait",
                        S.totals.longest_wait,
                        "total-longest",
                        rx.cond(S.totals.late, "red", "gray"),
                    ),
                    _stat("monitor.in_progress", S.totals.in_progress, "total-in-progress"),
                    _stat("monitor.agents_online", S.totals.agents_online, "total-online", "grass"),
                    _stat("monitor.first_response", S.totals.first_response, "total-first-response"),
                    _stat("monitor.handling", S.totals.handling, "total-handling"),
                    _stat(
                        "monitor.sla_breaches",
                        S.totals.sla_breaches,
                        "total-sla",
                        rx.cond(S.totals.sla_breaches > 0, "red", "gray"),
                    ),
                    columns=rx.breakpoints(initial="2", sm="4", xl="7"),
                    spacing="3",
                    width="100%",
                ),
                rx.heading(t("monitor.queues"), size="4", margin_top="8px"),
                rx.box(
                    rx.table.root(
                        _header(
                            "monitor.queue",
                            "monitor.waiting",
                            "monitor.longest_wait",
                            "monitor.in_progress",
                            "monitor.agents_online",
                            "monitor.first_response",
                            "monitor.handling",
                            "monitor.sla_breaches",
                            "monitor.csat",
                        ),
                        rx.table.body(rx.foreach(S.queues, _queue_row)),
                        variant="surface",
                        size="1",
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.heading(t("monitor.agents"), size="4", margin_top="8px"),
                rx.box(
                    rx.table.root(
                        _header("monitor.agent", "monitor.status", "monitor.load", "monitor.agent_queues"),
                        rx.table.body(rx.foreach(S.agents, _agent_row)),
                        variant="surface",
                        size="1",
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.text(t("monitor.period"), size="1", color_scheme="gray"),
                spacing="3",
                width="100%",
            ),
            rx.callout(t("monitor.not_allowed"), icon="lock", color_scheme="amber"),
        ),
    )
