"""The queues page's state: the list, the queue dialog and the delete confirmation."""

from __future__ import annotations

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.errors import error_text
from flowstudio.i18n import translate
from flowstudio.pages.admin_forms import (
    WEEKDAYS,
    FormError,
    can_manage,
    hours_to_rows,
    managers_only,
    member_role,
    minutes_to_seconds,
    rows_to_hours,
    seconds_to_minutes,
)
from flowstudio.pages.queues.rows import Member, QueueRow, queue_row
from flowstudio.services.assignment import agents as agent_service
from flowstudio.services.assignment import queues as queue_service
from flowstudio.services.identity import permissions as can
from flowstudio.state.actions import ConfirmDialog, PageActions
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of


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
