"""The human queues of the workspace: business hours, assignment strategy, waits, customer messages, CSAT and
the agents who serve each one; which queue is the default."""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.errors import error_text
from flowstudio.i18n import translate
from flowstudio.models import AssignmentStrategy
from flowstudio.pages.admin_forms import (
    WEEKDAYS,
    FormError,
    can_manage,
    hours_to_rows,
    managers_only,
    member_role,
    minutes_to_seconds,
    not_allowed,
    rows_to_hours,
    seconds_to_minutes,
)
from flowstudio.services.assignment import agents as agent_service
from flowstudio.services.assignment import queues as queue_service
from flowstudio.services.identity import permissions as can
from flowstudio.state.actions import ConfirmDialog, PageActions
from flowstudio.state.guard import requires
from flowstudio.state.session import SessionState, scope_of

STRATEGIES = tuple(s.value for s in AssignmentStrategy)
TIMEZONES = (
    "America/Sao_Paulo",
    "America/Manaus",
    "America/Argentina/Buenos_Aires",
    "America/Mexico_City",
    "America/Bogota",
    "America/Santiago",
    "America/New_York",
    "Europe/Madrid",
    "Europe/Lisbon",
    "Europe/Paris",
    "UTC",
)


@dataclass
class DayHours:
    """A weekday's opening hours as the list shows them."""

    day: str
    spans: str


@dataclass
class QueueRow:
    """One queue in the list."""

    id: int
    key: str
    name: str
    is_default: bool
    strategy: str
    always_open: bool
    timezone: str
    days: list[DayHours] = field(default_factory=list)
    max_wait: str = ""
    agents: list[str] = field(default_factory=list)
    csat_enabled: bool = False
    return_to_bot: bool = True


@dataclass
class Member:
    """A workspace member who may serve a queue."""

    value: str
    label: str


def queue_row(view: queue_service.QueueView, names: dict[int, str]) -> QueueRow:
    """A queue's settings as the list shows them (open days only)."""
    always_open, zone, rows = hours_to_rows(view.business_hours)
    return QueueRow(
        id=view.id,
        key=view.key,
        name=view.name,
        is_default=view.is_default,
        strategy=view.strategy,
        always_open=always_open,
        timezone=zone,
        days=[DayHours(day=row["day"], spans=row["spans"]) for row in rows if row["open"]],
        max_wait=seconds_to_minutes(view.max_wait_seconds),
        agents=[names[user_id] for user_id in view.agent_ids if user_id in names],
        csat_enabled=view.csat_enabled,
        return_to_bot=view.return_to_bot_on_close,
    )


class QueuesState(PageActions, ConfirmDialog, rx.State):
    """The queues list and the queue dialog."""

    loaded: bool = False
    allowed: bool = False
    queues: list[QueueRow] = []
    members: list[Member] = []

    form_open: bool = False
    form_id: int = 0
    form_name: str = ""
    form_key: str = ""
    form_strategy: str = "round_robin"
    form_always_open: bool = True
    form_timezone: str = "America/Sao_Paulo"
    form_days: list[dict[str, str]] = []
    form_max_wait: str = "5"
    form_position: str = ""
    form_closed: str = ""
    form_return_to_bot: bool = True
    form_csat: bool = False
    form_csat_question: str = ""
    form_agents: list[str] = []
    form_error: str = ""

    def _refresh(self, session, workspace_id: int) -> None:
        agents = agent_service.list_agents(session=session, workspace_id=workspace_id)
        names = {a.user_id: a.name for a in agents}
        self.members = [Member(value=str(a.user_id), label=a.name) for a in agents]
        views = queue_service.list_queues(session=session, workspace_id=workspace_id)
        self.queues = [queue_row(view, names) for view in views]

    @rx.event
    @requires(can.QUEUES_MANAGE)
    async def load(self):
        """Read the workspace's queues (nothing for a user who may not manage them)."""
        workspace_id, user_id, _ = await scope_of(self)
        if workspace_id is None:
            return
        with session_scope() as session:
            self.allowed = can_manage(member_role(session=session, workspace_id=workspace_id, user_id=user_id))
            if self.allowed:
                self._refresh(session, workspace_id)
        self.loaded = True

    def _error_text(self, error: Exception, lang: str) -> str:
        """A form error naming a weekday names it in the reader's language."""
        if isinstance(error, FormError) and error.detail in WEEKDAYS:
            return translate(error.key, lang) + f": {translate('weekday.' + error.detail, lang)}"
        return error_text(error, lang)

    async def _after_action(self, workspace_id: int, user_id: int | None, lang: str) -> None:
        with session_scope() as session:
            self._refresh(session, workspace_id)

    # --------------------------------------------------------------------------------- the dialog

    @rx.event
    def open_new(self):
        """Open the dialog for a new queue (always open, round robin, 5 minutes)."""
        always_open, zone, rows = hours_to_rows({})
        self.form_id, self.form_name, self.form_key, self.form_strategy = 0, "", "", "round_robin"
        self.form_always_open, self.form_timezone, self.form_days = always_open, zone, rows
        self.form_max_wait, self.form_position, self.form_closed = "5", "", ""
        self.form_return_to_bot, self.form_csat, self.form_csat_question = True, False, ""
        self.form_agents, self.form_error, self.form_open = [], "", True

    @rx.event
    @requires(can.QUEUES_MANAGE)
    async def open_edit(self, queue_id: int):
        """Open the dialog on a queue's stored settings."""
        workspace_id, _, _ = await scope_of(self)
        with session_scope() as session:
            view = next(
                (q for q in queue_service.list_queues(session=session, workspace_id=workspace_id) if q.id == queue_id),
                None,
            )
        if view is None:
            return
        always_open, zone, rows = hours_to_rows(view.business_hours)
        self.form_id, self.form_name, self.form_key, self.form_strategy = view.id, view.name, view.key, view.strategy
        self.form_always_open, self.form_timezone, self.form_days = always_open, zone, rows
        self.form_max_wait = seconds_to_minutes(view.max_wait_seconds)
        self.form_position, self.form_closed = view.position_message, view.closed_message
        self.form_return_to_bot, self.form_csat = view.return_to_bot_on_close, view.csat_enabled
        self.form_csat_question = view.csat_question
        self.form_agents = [str(user_id) for user_id in view.agent_ids]
        self.form_error, self.form_open = "", True

    @rx.event
    def set_form_open(self, value: bool):
        """Close the dialog."""
        self.form_open = value

    @rx.event
    def set_field(self, name: str, value: str | bool):
        """One of the dialog's plain fields (name, key, strategy, time zone, texts, switches)."""
        if name in {
            "name",
            "key",
            "strategy",
            "always_open",
            "timezone",
            "max_wait",
            "position",
            "closed",
            "return_to_bot",
            "csat",
            "csat_question",
        }:
            setattr(self, f"form_{name}", value)

    @rx.event
    def set_day_open(self, index: int, checked: bool):
        """Open or close a weekday."""
        rows = [dict(row) for row in self.form_days]
        rows[index]["open"] = "1" if checked else ""
        self.form_days = rows

    @rx.event
    def set_day_spans(self, index: int, value: str):
        """A weekday's hours, e.g. ``09:00-12:00, 13:00-18:00``."""
        rows = [dict(row) for row in self.form_days]
        rows[index]["spans"] = value
        self.form_days = rows

    @rx.event
    def toggle_agent(self, user_id: str, checked: bool):
        """Serve the queue or not."""
        current = [a for a in self.form_agents if a != user_id]
        self.form_agents = [*current, user_id] if checked else current

    @rx.event
    @requires(can.QUEUES_MANAGE)
    async def save(self):
        """Create or update the queue and its agents, all or nothing."""
        queue_id, name, key = self.form_id, self.form_name, self.form_key
        always_open, zone, rows = self.form_always_open, self.form_timezone, [dict(r) for r in self.form_days]
        wait_text, agent_ids = self.form_max_wait, [int(a) for a in self.form_agents]
        settings = {
            "strategy": self.form_strategy,
            "position_message": self.form_position,
            "closed_message": self.form_closed,
            "return_to_bot_on_close": self.form_return_to_bot,
            "csat_enabled": self.form_csat,
            "csat_question": self.form_csat_question,
        }

        def save(session, workspace_id: int, _user_id: int | None) -> None:
            values = {
                **settings,
                "name": name,
                "business_hours": rows_to_hours(always_open, zone, rows),
                "max_wait_seconds": minutes_to_seconds(wait_text),
            }
            if queue_id:
                queue = queue_service.update_queue(
                    session=session, workspace_id=workspace_id, queue_id=queue_id, **values
                )
            else:
                queue = queue_service.create_queue(
                    session=session, workspace_id=workspace_id, key=key.strip() or None, **values
                )
            queue_service.set_queue_agents(
                session=session, workspace_id=workspace_id, queue_id=queue.id, user_ids=agent_ids
            )

        result = await self._perform(save, permit=managers_only, error_field="form_error", success_key="queues.saved")
        if self.form_error:
            return None
        self.form_open = False
        return result

    # ----------------------------------------------------------------------------- list actions

    @rx.event
    @requires(can.QUEUES_MANAGE)
    async def make_default(self, queue_id: int):
        """Make this the queue customers go to when nothing else says where."""
        return await self._perform(
            lambda session, workspace_id, _user: queue_service.set_default_queue(
                session=session, workspace_id=workspace_id, queue_id=queue_id
            ),
            permit=managers_only,
            success_key="queues.default_set",
        )

    @rx.event
    @requires(can.QUEUES_MANAGE)
    async def delete(self):
        """Delete the queue being confirmed (refused for the default queue or one with conversations)."""
        queue_id = self._take_confirmed()
        return await self._perform(
            lambda session, workspace_id, _user: queue_service.delete_queue(
                session=session, workspace_id=workspace_id, queue_id=queue_id
            ),
            permit=managers_only,
            success_key="queues.deleted",
        )


S = QueuesState


# --------------------------------------------------------------------------------------- components


def _queue_card(queue: QueueRow) -> rx.Component:
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


def _field(label_key: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="2", weight="medium"), *children, spacing="1", width="100%", align="start"
    )


def _day_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.el.label(
            rx.checkbox(
                checked=row["open"] != "",
                on_change=lambda checked: S.set_day_open(index, checked),
                data_testid="queue-day-open",
            ),
            rx.text(SessionState.tr["weekday." + row["day"]], size="2"),
            style={
                "display": "flex",
                "gap": "8px",
                "align_items": "center",
                "width": "112px",
                "flex_shrink": "0",
                "cursor": "pointer",
            },
        ),
        rx.input(
            value=row["spans"],
            on_change=lambda value: S.set_day_spans(index, value),
            disabled=row["open"] == "",
            placeholder="09:00-12:00, 13:00-18:00",
            size="1",
            flex="1",
            data_testid="queue-day-spans",
        ),
        align="center",
        width="100%",
        spacing="2",
        data_day=row["day"],
    )


def _hours_editor() -> rx.Component:
    return rx.vstack(
        rx.checkbox(
            t("queues.always_open"),
            checked=S.form_always_open,
            on_change=lambda v: S.set_field("always_open", v),
            data_testid="queue-always-open",
        ),
        rx.cond(
            ~S.form_always_open,
            rx.vstack(
                rx.hstack(
                    rx.text(t("queues.timezone"), size="2"),
                    rx.select(
                        list(TIMEZONES), value=S.form_timezone, on_change=lambda v: S.set_field("timezone", v), size="1"
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.foreach(S.form_days, _day_row),
                rx.text(t("queues.hours_hint"), size="1", color_scheme="gray"),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _text(name: str, value: rx.Var, placeholder: rx.Var | str = "", rows: str = "2") -> rx.Component:
    return rx.text_area(
        value=value,
        on_change=lambda v: S.set_field(name, v),
        rows=rows,
        width="100%",
        placeholder=placeholder,
        data_testid=f"queue-{name}",
    )


def _form_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.form_id > 0, t("queues.edit"), t("queues.new"))),
            rx.scroll_area(
                rx.vstack(
                    rx.grid(
                        _field(
                            "queues.name",
                            rx.input(
                                value=S.form_name,
                                on_change=lambda v: S.set_field("name", v),
                                width="100%",
                                data_testid="queue-form-name",
                            ),
                        ),
                        _field(
                            "queues.key",
                            rx.input(
                                value=S.form_key,
                                on_change=lambda v: S.set_field("key", v),
                                disabled=S.form_id > 0,
                                placeholder=t("queues.key_hint"),
                                width="100%",
                            ),
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    _field(
                        "queues.strategy",
                        rx.radio_group.root(
                            rx.vstack(
                                *[
                                    rx.el.label(
                                        rx.radio_group.item(value=s, data_testid=f"queue-strategy-{s}"),
                                        rx.vstack(
                                            rx.text(t(f"strategy.{s}"), size="2"),
                                            rx.text(t(f"strategy_hint.{s}"), size="1", color_scheme="gray"),
                                            spacing="0",
                                        ),
                                        style={
                                            "display": "flex",
                                            "gap": "8px",
                                            "align_items": "start",
                                            "cursor": "pointer",
                                        },
                                    )
                                    for s in STRATEGIES
                                ],
                                spacing="2",
                            ),
                            value=S.form_strategy,
                            on_change=lambda v: S.set_field("strategy", v),
                        ),
                    ),
                    _field("queues.hours", _hours_editor()),
                    _field(
                        "queues.max_wait_minutes",
                        rx.input(
                            value=S.form_max_wait,
                            on_change=lambda v: S.set_field("max_wait", v),
                            type="number",
                            min="1",
                            step="1",
                            width="120px",
                            data_testid="queue-max-wait",
                        ),
                    ),
                    _field("queues.position_message", _text("position", S.form_position, t("queues.position_hint"))),
                    _field("queues.closed_message", _text("closed", S.form_closed, t("queues.closed_hint"))),
                    rx.checkbox(
                        t("queues.return_to_bot"),
                        checked=S.form_return_to_bot,
                        on_change=lambda v: S.set_field("return_to_bot", v),
                    ),
                    rx.checkbox(
                        t("queues.csat"),
                        checked=S.form_csat,
                        on_change=lambda v: S.set_field("csat", v),
                        data_testid="queue-csat",
                    ),
                    rx.cond(S.form_csat, _text("csat_question", S.form_csat_question, t("queues.csat_hint"))),
                    _field(
                        "queues.agents",
                        rx.flex(
                            rx.foreach(
                                S.members,
                                lambda m: rx.checkbox(
                                    m.label,
                                    checked=S.form_agents.contains(m.value),
                                    on_change=lambda checked: S.toggle_agent(m.value, checked),
                                    data_testid="queue-agent",
                                ),
                            ),
                            wrap="wrap",
                            gap="12px",
                        ),
                    ),
                    spacing="4",
                    width="100%",
                    padding_right="12px",
                ),
                type="auto",
                scrollbars="vertical",
                style={"max_height": "62vh"},
            ),
            rx.cond(
                S.form_error != "",
                rx.callout(
                    S.form_error,
                    icon="triangle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    margin_top="12px",
                    data_testid="queue-form-error",
                ),
            ),
            rx.hstack(
                rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                rx.button(t("queues.save"), on_click=S.save, data_testid="queue-form-save"),
                justify="end",
                width="100%",
                margin_top="12px",
            ),
            max_width="620px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def _delete_dialog() -> rx.Component:
    return confirm_delete_dialog(
        title_key="queues.delete",
        text_key="queues.delete_text",
        name=S.confirm_name,
        on_confirm=S.delete,
        open=S.confirm_id > 0,
        on_open_change=S.close_confirm,
        testid="queue-confirm-delete",
    )


def queues_page() -> rx.Component:
    """The workspace's queues, for admins and supervisors."""
    return shell(
        t("queues.title"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.allowed,
                rx.vstack(
                    rx.hstack(
                        rx.text(t("queues.subtitle"), size="2", color_scheme="gray"),
                        rx.spacer(),
                        rx.button(
                            rx.icon("plus", size=14), t("queues.new"), on_click=S.open_new, data_testid="queue-new"
                        ),
                        width="100%",
                        align="center",
                        wrap="wrap",
                        spacing="2",
                    ),
                    rx.cond(
                        S.error != "",
                        rx.callout(
                            S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="queues-error"
                        ),
                    ),
                    rx.grid(
                        rx.foreach(S.queues, _queue_card),
                        columns=rx.breakpoints(initial="1", lg="2"),
                        spacing="3",
                        width="100%",
                    ),
                    _form_dialog(),
                    _delete_dialog(),
                    spacing="3",
                    width="100%",
                ),
                not_allowed(t),
            ),
            rx.center(rx.spinner(), width="100%", padding="48px"),
        ),
    )
