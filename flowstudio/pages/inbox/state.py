"""The inbox's state: the list and the open conversation, and a background task that reads the database when
the workspace's inbox is nudged (`services.system.live`; a poll as fallback) and pushes changes to the page.

`InboxState` is one state made of its sections: the list's filters (`filters.py`), the message box and quick
replies (`compose.py`), the conversation's actions (`handling.py`), each a mixin; actions run through
`PageActions` (`flowstudio.state.actions`)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.pages.inbox.compose import UPLOAD_ID, InboxComposeState
from flowstudio.pages.inbox.filters import ANY, InboxFilterState
from flowstudio.pages.inbox.handling import InboxHandlingState
from flowstudio.pages.inbox.items import ChatMessage, Option, QuickReply, Variable
from flowstudio.services.assignment import agent_status
from flowstudio.services.assignment import agents as agent_service
from flowstudio.services.identity import permissions as can
from flowstudio.services.inbox import chat_pane, live_updates
from flowstudio.services.inbox import listing as inbox
from flowstudio.services.inbox import quick_replies as canned
from flowstudio.services.inbox.listing import ConversationRow, InboxFilters
from flowstudio.services.system import live
from flowstudio.services.system.workspace_settings import conversation_types
from flowstudio.state.actions import PageActions
from flowstudio.state.connections import connected
from flowstudio.state.guard import authorize, requires
from flowstudio.state.session import scope_of

POLL_SECONDS = 1.5
"""Without nudges from other processes (no Redis: `services.system.live`), the inbox reads this often."""
PUSHED_POLL_SECONDS = 5.0
"""With them, it reads when nudged (a message, an action) and at least this often (what nothing nudges)."""
MIN_GAP_SECONDS = 0.2
"""Nudges closer than this are read together (a busy workspace nudges on every message)."""
FULL_REFRESH_SECONDS = 15  # waiting times and clocks move even when nothing happened
TOUCH_SECONDS = 30
ROUTE = "/inbox"
_FLAGS = ("can_write", "can_pick", "can_take", "can_close", "can_transfer", "can_archive")

__all__ = ["ANY", "UPLOAD_ID", "InboxState"]


class InboxState(PageActions, InboxFilterState, InboxComposeState, InboxHandlingState, rx.State):
    """The agent's inbox: the list and the open conversation, read again after every change and pushed live."""

    rows: list[ConversationRow] = []
    counts: dict[str, int] = {"mine": 0, "queue": 0, "all": 0, "unread": 0}
    loaded: bool = False

    selected_id: int = 0
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    channel: str = ""
    status: str = ""
    owner_type: str = ""
    owner_label: str = ""
    queue_name: str = ""
    priority: str = "normal"
    csat: int = 0
    conversation_type: str = ""
    inactive: bool = False
    messages: list[ChatMessage] = []
    variables: list[Variable] = []
    tags: list[str] = []
    flow_tags: list[str] = []
    can_write: bool = False
    can_pick: bool = False
    can_take: bool = False
    can_close: bool = False
    can_transfer: bool = False
    can_archive: bool = False
    show_info: bool = False

    queues: list[Option] = []
    agents: list[Option] = []
    bots: list[Option] = []
    channels: list[Option] = []
    all_tags: list[Option] = []
    type_options: list[Option] = []  # the workspace's conversation types (pages/inbox/types.py sets them)

    my_status: str = "offline"

    _signature: str = ""
    _generation: int = 0
    _last_full: float = 0.0
    _last_touch: float = 0.0

    # ------------------------------------------------------------------------------------------- helpers

    @staticmethod
    def _read(
        workspace_id: int, user_id: int, filters: InboxFilters, selected_id: int, since: str | None, lang: str = "pt-BR"
    ) -> dict[str, Any] | None:
        """Everything the page shows, read in one go (off the event loop); None when nothing changed."""
        with session_scope() as session:
            signature = live_updates.signature(session=session, workspace_id=workspace_id)
            if since is not None and signature == since:
                return None
            if selected_id and chat_pane.read_open(
                session=session, workspace_id=workspace_id, user_id=user_id, conversation_id=selected_id
            ):
                signature = live_updates.signature(session=session, workspace_id=workspace_id)
            data: dict[str, Any] = {"signature": signature}
            try:
                data["rows"] = inbox.list_conversations(
                    session=session, workspace_id=workspace_id, user_id=user_id, filters=filters, language=lang
                )
            except inbox.InboxError as error:
                data["rows"], data["error"] = [], error.text(lang)
            data["counts"] = inbox.counts(session=session, workspace_id=workspace_id, user_id=user_id)
            data["detail"] = None
            if selected_id:
                try:
                    data["detail"] = chat_pane.conversation_detail(
                        session=session,
                        workspace_id=workspace_id,
                        user_id=user_id,
                        conversation_id=selected_id,
                        language=lang,
                    )
                except inbox.InboxError:
                    data["detail"] = None
            return data

    def _apply(self, data: dict[str, Any]) -> None:
        self._signature = data["signature"]
        rows = data["rows"]
        if rows != self.rows:
            self.rows = rows
        if data["counts"] != self.counts:
            self.counts = data["counts"]
        if data.get("error"):
            self.error = data["error"]
        detail = data["detail"]
        if detail is None:
            if self.selected_id:
                self.selected_id = 0
            for name in _FLAGS:
                if getattr(self, name):
                    setattr(self, name, False)
            return
        messages = [ChatMessage(**m) for m in detail["messages"]]
        if messages != self.messages:
            self.messages = messages
        variables = [Variable(**v) for v in detail["variables"]]
        if variables != self.variables:
            self.variables = variables
        for name in (
            "contact_name",
            "contact_phone",
            "contact_email",
            "channel",
            "status",
            "owner_type",
            "owner_label",
            "queue_name",
            "priority",
            "csat",
            "tags",
            "flow_tags",
            "can_write",
            "can_pick",
            "can_take",
            "can_close",
            "can_transfer",
            "can_archive",
            "conversation_type",
            "inactive",
        ):
            if getattr(self, name) != detail[name]:
                setattr(self, name, detail[name])

    async def _reload(self) -> None:
        """Read again now (after the agent's own actions and filter changes)."""
        workspace_id, user_id, lang = await scope_of(self)
        if workspace_id is None:
            return
        data = self._read(workspace_id, user_id, self._filters(), self.selected_id, None, lang)
        self._apply(data)
        self.loaded = True

    def _load_options(self, workspace_id: int, user_id: int, lang: str) -> None:
        with session_scope() as session:
            options = chat_pane.transfer_options(session=session, workspace_id=workspace_id)
            me = agent_service.get_agent(session=session, workspace_id=workspace_id, user_id=user_id)
            types = conversation_types(session=session, workspace_id=workspace_id)
        self.type_options = [Option(value=name, label=name) for name in types]
        self.queues = [Option(**o) for o in options["queues"]]
        self.agents = [Option(**o) for o in options["agents"]]
        self.bots = [Option(**o) for o in options["bots"]]
        self.channels = [Option(**o) for o in options["channels"]]
        self.all_tags = [Option(**o) for o in options["tags"]]
        self.my_status = me.status
        self.quick_replies = [
            QuickReply(**q) for q in canned.quick_replies(workspace_id=workspace_id, language=lang[:2])
        ]

    async def _after_action(self, workspace_id: int, user_id: int | None, lang: str) -> None:
        await self._reload()

    # ---------------------------------------------------------------------------------------- page life

    @rx.event
    @requires(can.INBOX_WORK)
    async def load(self):
        """On opening the inbox: options, the list, and the live updates."""
        workspace_id, user_id, lang = await scope_of(self)
        if workspace_id is None:
            return None
        selected = self.router.url.query_parameters.get("c", "")
        if selected.isdigit():
            self.selected_id = int(selected)
        self._load_options(workspace_id, user_id, lang)
        self.error = ""
        await self._reload()
        return InboxState.watch

    @rx.event(background=True)
    async def watch(self):
        """Read the changes when the workspace's inbox is nudged (`services.system.live`), else every
        `POLL_SECONDS` (`PUSHED_POLL_SECONDS` while nudges reach this process), while this tab shows the inbox;
        push what changed."""
        async with self:
            self._generation += 1
            generation = self._generation
            token = self.router.session.client_token
            workspace_id, _, _ = await scope_of(self)
        gone, read_at = 0, 0.0
        while True:
            topic = live.inbox_topic(workspace_id or 0)
            await live.wait(topic, PUSHED_POLL_SECONDS if live.pushed() else POLL_SECONDS)
            await asyncio.sleep(max(0.0, read_at + MIN_GAP_SECONDS - time.monotonic()))
            read_at = time.monotonic()
            async with self:
                if self._generation != generation or self.router.url.path.rstrip("/") != ROUTE:
                    return
                gone = 0 if connected(token) else gone + 1
                if gone >= 3:
                    return
                workspace_id, user_id, lang = await scope_of(self)
                if workspace_id is None or not (await authorize(self, can.INBOX_WORK)).ok:
                    return  # logged out, demoted or now from a refused address: stop pushing
                now = time.monotonic()
                full = now - self._last_full > FULL_REFRESH_SECONDS
                since = None if full else self._signature
                filters, selected = self._filters(), self.selected_id
                touch = now - self._last_touch > TOUCH_SECONDS
            data = await rx.run_in_thread(lambda: self._read(workspace_id, user_id, filters, selected, since, lang))  # noqa: B023 - awaited at once
            if touch:
                await rx.run_in_thread(lambda: _touch(workspace_id, user_id))  # noqa: B023 - awaited at once
            async with self:
                if self._generation != generation:
                    return
                if touch:
                    self._last_touch = now
                if full:
                    self._last_full = now
                if data is not None and filters == self._filters() and selected == self.selected_id:
                    self._apply(data)

    # ---------------------------------------------------------------------------------------- the chat

    @rx.event
    @requires(can.INBOX_WORK)
    async def open_conversation(self, conversation_id: int):
        """Open a conversation the member may see (`inbox_scope`; any other id is refused as not found); the
        agent's own is marked read as it is read."""
        _, _, lang = await scope_of(self)
        self.selected_id, self.draft, self.error, self.show_info = conversation_id, "", "", False
        self.file_open, self._typing_at = False, 0.0
        await self._reload()
        if self.selected_id != conversation_id:
            self.error = translate("inbox.not_visible", lang)
            return None
        return rx.call_script(
            "setTimeout(() => {const l = document.getElementById('inbox-messages');"
            " if (l) l.scrollTop = l.scrollHeight;}, 150)"
        )

    @rx.event
    def back_to_list(self):
        """Phone: back from the chat to the list."""
        self.selected_id = 0

    @rx.event
    def toggle_info(self):
        """Show or hide the contact's variables and tags (small screens)."""
        self.show_info = not self.show_info


def _touch(workspace_id: int, user_id: int) -> None:
    try:
        with session_scope() as session:
            agent_status.touch(session=session, workspace_id=workspace_id, user_id=user_id)
    except ValueError:
        pass
