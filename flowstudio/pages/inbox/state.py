"""The inbox's state: the list's filters, the open conversation, and a background task that polls the
database for changes and pushes them to the page while it is open."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.errors import error_text
from flowstudio.i18n import translate
from flowstudio.models import AgentStatus
from flowstudio.pages.inbox.items import ChatMessage, Option, QuickReply, Variable
from flowstudio.pages.inbox.items import connected as _connected
from flowstudio.services.assignment import agents as agent_service
from flowstudio.services.assignment import handling as assignment
from flowstudio.services.conversations import typing_indicator
from flowstudio.services.identity import permissions as can
from flowstudio.services.inbox import listing as inbox
from flowstudio.services.inbox import quick_replies as canned
from flowstudio.services.inbox.listing import ConversationRow, InboxFilters
from flowstudio.services.system.workspace_settings import conversation_types
from flowstudio.state.guard import authorize, requires
from flowstudio.state.session import scope_of

log = logging.getLogger("flowstudio.inbox")
POLL_SECONDS = 1.5
TYPING_EVERY_S = 4.0  # a tab's typing signals (a little over the service's own interval per conversation)
FULL_REFRESH_SECONDS = 15  # waiting times and clocks move even when nothing happened
TOUCH_SECONDS = 30
ANY = "any"  # a select's "no filter" (Radix selects cannot hold an empty value)
UPLOAD_ID = "inbox-file"
ROUTE = "/inbox"
_FLAGS = ("can_write", "can_pick", "can_take", "can_close", "can_transfer", "can_archive")
_MEDIA_EXT = {".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".webp": "image"}


class InboxState(rx.State):
    """The agent's inbox."""

    view: str = "mine"
    status_filter: str = "active"
    queue_filter: str = ANY
    agent_filter: str = ANY
    channel_filter: str = ANY
    tag_filter: str = ANY
    priority_filter: str = ANY
    type_filter: str = ANY
    var_name: str = ""
    var_value: str = ""
    unread_only: bool = False
    search: str = ""
    filters_open: bool = False

    rows: list[ConversationRow] = []
    counts: dict[str, int] = {"mine": 0, "queue": 0, "all": 0, "unread": 0}
    loaded: bool = False
    error: str = ""

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

    draft: str = ""
    _typing_at: float = 0.0  # when this tab last told the customer the agent is typing
    new_tag: str = ""
    file_url: str = ""
    file_open: bool = False
    quick_replies: list[QuickReply] = []
    quick_edit_open: bool = False
    quick_edit_text: str = ""

    queues: list[Option] = []
    agents: list[Option] = []
    bots: list[Option] = []
    channels: list[Option] = []
    all_tags: list[Option] = []
    type_options: list[Option] = []  # the workspace's conversation types (pages/inbox/types.py sets them)
    transfer_open: bool = False
    transfer_type: str = "agent"
    transfer_target: str = ""
    close_open: bool = False

    my_status: str = "offline"

    _signature: str = ""
    _generation: int = 0
    _last_full: float = 0.0
    _last_touch: float = 0.0

    # ------------------------------------------------------------------------------------------- helpers

    def _filters(self) -> InboxFilters:
        def number(value: str) -> int | None:
            return int(value) if value not in ("", ANY) and value.isdigit() else None

        return InboxFilters(
            view=self.view,
            status=self.status_filter,
            queue_id=number(self.queue_filter),
            agent_id=number(self.agent_filter),
            channel="" if self.channel_filter == ANY else self.channel_filter,
            tag="" if self.tag_filter == ANY else self.tag_filter,
            variable_name=self.var_name,
            variable_value=self.var_value,
            priority="" if self.priority_filter == ANY else self.priority_filter,
            unread_only=self.unread_only,
            search=self.search,
            conversation_type="" if self.type_filter == ANY else self.type_filter,
        )

    @staticmethod
    def _read(
        workspace_id: int, user_id: int, filters: InboxFilters, selected_id: int, since: str | None, lang: str = "pt-BR"
    ) -> dict[str, Any] | None:
        """Everything the page shows, read in one go (off the event loop); None when nothing changed."""
        with session_scope() as session:
            signature = inbox.signature(session=session, workspace_id=workspace_id)
            if since is not None and signature == since:
                return None
            if selected_id and inbox.read_open(
                session=session, workspace_id=workspace_id, user_id=user_id, conversation_id=selected_id
            ):
                signature = inbox.signature(session=session, workspace_id=workspace_id)
            data: dict[str, Any] = {"signature": signature}
            try:
                data["rows"] = inbox.list_conversations(
                    session=session, workspace_id=workspace_id, user_id=user_id, filters=filters, language=lang
                )
            except inbox.InboxError as error:
                data["rows"], data["error"] = [], str(error)
            data["counts"] = inbox.counts(session=session, workspace_id=workspace_id, user_id=user_id)
            data["detail"] = None
            if selected_id:
                try:
                    data["detail"] = inbox.conversation_detail(
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
            options = inbox.transfer_options(session=session, workspace_id=workspace_id)
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

    async def _act(self, action, success_key: str = ""):
        """Run an action; a refusal (a ValueError from the services) becomes a visible message."""
        _, _, lang = await scope_of(self)
        try:
            result = action()
        except ValueError as error:
            self.error = str(error)
            await self._reload()
            return None
        self.error = ""
        await self._reload()
        return rx.toast.success(translate(success_key, lang)) if success_key else result

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
        """Poll for changes every `POLL_SECONDS` while this tab shows the inbox; push what changed."""
        async with self:
            self._generation += 1
            generation = self._generation
            token = self.router.session.client_token
        gone = 0
        while True:
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                if self._generation != generation or self.router.url.path.rstrip("/") != ROUTE:
                    return
                gone = 0 if _connected(token) else gone + 1
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

    # ------------------------------------------------------------------------------------------ filters

    @rx.event
    @requires(can.INBOX_WORK)
    async def set_view(self, view: str):
        """Mine / Queue / All."""
        if view in inbox.VIEWS:
            self.view = view
            await self._reload()

    @rx.event
    @requires(can.INBOX_WORK)
    async def set_filter(self, name: str, value: str):
        """One select filter changed."""
        if name in (
            "status_filter",
            "queue_filter",
            "agent_filter",
            "channel_filter",
            "tag_filter",
            "priority_filter",
            "type_filter",
        ):
            setattr(self, name, value)
            await self._reload()

    @rx.event
    @requires(can.INBOX_WORK)
    async def toggle_unread(self, value: bool):
        """Only conversations with unread messages."""
        self.unread_only = bool(value)
        await self._reload()

    @rx.event
    @requires(can.INBOX_WORK)
    async def apply_text_filters(self, form: dict[str, Any]):
        """The search box and the variable filter (submitted with Enter or the button)."""
        self.search = str(form.get("search", ""))[: inbox.MAX_SEARCH]
        self.var_name = str(form.get("var_name", "")).strip()[:100]
        self.var_value = str(form.get("var_value", "")).strip()[:200]
        await self._reload()

    @rx.event
    @requires(can.INBOX_WORK)
    async def clear_filters(self):
        """Back to the shortcut alone."""
        self.status_filter, self.unread_only = "active", False
        self.queue_filter = self.agent_filter = self.channel_filter = self.tag_filter = self.priority_filter = ANY
        self.type_filter = ANY
        self.search = self.var_name = self.var_value = ""
        await self._reload()
        return [
            rx.set_value("inbox-search", ""),
            rx.set_value("inbox-var-name", ""),
            rx.set_value("inbox-var-value", ""),
        ]

    @rx.event
    def set_filters_open(self, value: bool):
        """Show or hide the filter panel."""
        self.filters_open = value

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

    @rx.event
    @requires(can.INBOX_WORK)
    async def set_draft(self, value: str):
        """The message being typed; the customer sees the agent typing (at most one signal every few seconds
        per tab, and the service throttles per conversation)."""
        self.draft = value
        now = time.time()
        if not value.strip() or not self.can_write or now - self._typing_at < TYPING_EVERY_S:
            return
        self._typing_at = now
        _, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id
        try:
            await asyncio.to_thread(typing_indicator.agent_typing, conversation_id=conversation_id, user_id=user_id)
        except Exception:
            log.warning("typing.signal_failed", extra={"conversation_id": conversation_id}, exc_info=True)

    @rx.event
    def use_quick_reply(self, text: str):
        """Put a canned answer in the message box (to edit before sending)."""
        self.draft = text

    @rx.event
    @requires(can.INBOX_WORK)
    async def send(self):
        """Send the typed text to the customer."""
        workspace_id, user_id, _ = await scope_of(self)
        text, conversation_id = self.draft, self.selected_id
        result = await self._act(
            lambda: assignment.send_agent_message(
                conversation_id=conversation_id, agent_id=user_id, text=text, workspace_id=workspace_id
            )
        )
        if not self.error:
            self.draft, self._typing_at = "", 0.0
            await self._mark_read(workspace_id, user_id)
            return rx.call_script(
                "setTimeout(() => {const l = document.getElementById('inbox-messages');"
                " if (l) l.scrollTop = l.scrollHeight;}, 150)"
            )
        return result

    async def _mark_read(self, workspace_id: int, user_id: int) -> None:
        try:
            assignment.mark_read(conversation_id=self.selected_id, agent_id=user_id, workspace_id=workspace_id)
        except ValueError:
            pass

    @rx.event
    def set_file_open(self, value: bool):
        """Show or hide the attach panel."""
        self.file_open, self.error = value, ""

    @rx.event
    def set_file_url(self, value: str):
        """A file's address typed by the agent."""
        self.file_url = value

    def _send_media(self, workspace_id: int, user_id: int, url: str, media_type: str, filename: str):
        return assignment.send_agent_message(
            conversation_id=self.selected_id,
            agent_id=user_id,
            kind="media",
            workspace_id=workspace_id,
            text=self.draft.strip(),
            payload={"media_type": media_type, "url": url, "filename": filename, "caption": self.draft.strip() or None},
        )

    @rx.event
    @requires(can.INBOX_WORK)
    async def send_url(self):
        """Send a file by its address (http or https)."""
        workspace_id, user_id, lang = await scope_of(self)
        url = self.file_url.strip()
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2000 or " " in url:
            self.error = translate("inbox.bad_url", lang)
            return None
        name = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1] or "file"
        suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        await self._act(
            lambda: self._send_media(workspace_id, user_id, url, _MEDIA_EXT.get(suffix, "document"), name[:200])
        )
        if not self.error:
            self.file_url, self.draft, self.file_open = "", "", False
        return None

    @rx.event
    @requires(can.INBOX_WORK)
    async def upload(self, files: list[rx.UploadFile]):
        """Send uploaded files: kept in the data folder and sent by their address."""
        workspace_id, user_id, _ = await scope_of(self)
        origin = (self.router.url.origin if self.router.url.scheme else self.router.headers.origin or "").rstrip("/")
        for upload in files:
            data = await upload.read()
            name = upload.name or getattr(upload, "filename", "") or "file"
            try:
                stored = inbox.store_file(workspace_id=workspace_id, filename=name, data=data)
            except ValueError as error:
                self.error = str(error)
                return rx.clear_selected_files(UPLOAD_ID)
            await self._act(
                lambda stored=stored: self._send_media(
                    workspace_id, user_id, origin + stored["path"], stored["media_type"], stored["filename"]
                )
            )
            if self.error:
                return rx.clear_selected_files(UPLOAD_ID)
        self.draft, self.file_open = "", False
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    @requires(can.INBOX_WORK)
    async def pick(self):
        """Take the open conversation from its queue (or from a bot, for supervisors)."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id
        if not (self.can_take or self.can_pick):
            return None
        if self.can_take:
            toast = await self._act(
                lambda: assignment.transfer(
                    conversation_id=conversation_id,
                    to_type="agent",
                    to_id=user_id,
                    actor_type="agent",
                    actor_id=user_id,
                    reason="taken over from the bot",
                    workspace_id=workspace_id,
                ),
                "inbox.picked",
            )
        else:
            toast = await self._act(
                lambda: assignment.accept(conversation_id=conversation_id, agent_id=user_id, workspace_id=workspace_id),
                "inbox.picked",
            )
        if not self.error and self.view != "mine":
            self.view = "mine"  # the open chat is now the agent's: show it among theirs, not in a list it left
            await self._reload()
        return toast

    @rx.event
    def set_transfer_open(self, value: bool):
        """Open or close the transfer dialog."""
        self.transfer_open, self.error = value, ""
        if value:
            self.transfer_type, self.transfer_target = "agent", ""

    @rx.event
    def set_transfer_type(self, value: str | list[str]):
        """Transfer to an agent, a queue or a bot."""
        self.transfer_type, self.transfer_target = value if isinstance(value, str) else (value or ["agent"])[0], ""

    @rx.event
    def set_transfer_target(self, value: str):
        """The agent, queue or bot chosen."""
        self.transfer_target = value

    @rx.event
    @requires(can.INBOX_WORK)
    async def transfer(self):
        """Transfer the open conversation."""
        workspace_id, user_id, lang = await scope_of(self)
        if not self.can_transfer:
            return None
        if self.transfer_type not in ("agent", "queue", "bot") or not self.transfer_target.isdigit():
            self.error = translate("inbox.choose_target", lang)
            return None
        to_type, to_id, conversation_id = self.transfer_type, int(self.transfer_target), self.selected_id
        toast = await self._act(
            lambda: assignment.transfer(
                conversation_id=conversation_id,
                to_type=to_type,
                to_id=to_id,
                actor_type="agent",
                actor_id=user_id,
                reason="transferred from the inbox",
                workspace_id=workspace_id,
            ),
            "inbox.transferred",
        )
        if not self.error:
            self.transfer_open = False
            with session_scope() as session:
                self.agents = [
                    Option(**o) for o in inbox.transfer_options(session=session, workspace_id=workspace_id)["agents"]
                ]
        return toast

    @rx.event
    def set_close_open(self, value: bool):
        """Open or close the close confirmation."""
        self.close_open, self.error = value, ""

    @rx.event
    @requires(can.INBOX_WORK)
    async def close(self):
        """End the human handling (the queue's CSAT question is sent when enabled; back to the bot)."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id
        self.close_open = False
        if not self.can_close:
            return None
        return await self._act(
            lambda: assignment.close(
                conversation_id=conversation_id, actor_type="agent", actor_id=user_id, workspace_id=workspace_id
            ),
            "inbox.closed",
        )

    @rx.event
    @requires(can.INBOX_WORK)
    async def archive(self):
        """Archive the open (closed) conversation."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id
        if not self.can_archive:
            return None
        return await self._act(
            lambda: assignment.archive(
                conversation_id=conversation_id, actor_type="agent", actor_id=user_id, workspace_id=workspace_id
            ),
            "inbox.archived",
        )

    @rx.event
    @requires(can.INBOX_WORK)
    async def set_priority(self, value: str):
        """Change the open conversation's priority."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id

        def work() -> None:
            assignment.set_priority(conversation_id=conversation_id, priority=value, workspace_id=workspace_id)
            with session_scope() as session:
                inbox.record_priority(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    priority=value,
                    actor_id=user_id,
                )

        return await self._act(work)

    @rx.event
    def set_new_tag(self, value: str):
        """The tag being typed."""
        self.new_tag = value

    @rx.event
    @requires(can.INBOX_WORK)
    async def add_tag(self, form: dict[str, Any] | None = None):
        """Tag the open conversation."""
        workspace_id, user_id, _ = await scope_of(self)
        name, conversation_id = str((form or {}).get("tag", self.new_tag)), self.selected_id

        def work() -> None:
            with session_scope() as session:
                inbox.add_tag(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    name=name,
                    actor_id=user_id,
                )

        await self._act(work)
        if not self.error:
            self.new_tag = ""
            with session_scope() as session:
                self.all_tags = [
                    Option(**o) for o in inbox.transfer_options(session=session, workspace_id=workspace_id)["tags"]
                ]
            return rx.set_value("inbox-new-tag", "")
        return None

    @rx.event
    @requires(can.INBOX_WORK)
    async def remove_tag(self, name: str):
        """Take a tag off the open conversation."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id

        def work() -> None:
            with session_scope() as session:
                inbox.remove_tag(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    name=name,
                    actor_id=user_id,
                )

        return await self._act(work)

    @rx.event
    @requires(can.INBOX_WORK)
    async def set_my_status(self, value: str):
        """The agent's own status (online: waiting conversations of their queues may come at once)."""
        workspace_id, user_id, _ = await scope_of(self)
        if value not in {s.value for s in AgentStatus}:
            return None

        def work() -> None:
            with session_scope() as session:
                agent_service.set_status(session=session, workspace_id=workspace_id, user_id=user_id, status=value)
            if value == AgentStatus.ONLINE.value:
                assignment.agent_went_online(workspace_id=workspace_id, user_id=user_id)

        await self._act(work)
        if not self.error:
            self.my_status = value
        return None

    # ------------------------------------------------------------------------------------ quick replies

    @rx.event
    async def set_quick_edit_open(self, value: bool):
        """Open the quick replies editor (one per line: ``title | text``)."""
        self.quick_edit_open, self.error = value, ""
        if value:
            self.quick_edit_text = "\n".join(f"{q.title} | {q.text}" for q in self.quick_replies)

    @rx.event
    def set_quick_edit_text(self, value: str):
        """The quick replies being edited."""
        self.quick_edit_text = value

    @rx.event
    @requires(can.INBOX_WORK)
    async def save_quick_replies(self):
        """Save the workspace's quick replies; a line without ``title | text`` is refused, nothing lost."""
        workspace_id, _, lang = await scope_of(self)
        items = []
        for line in self.quick_edit_text.splitlines():
            if not line.strip():
                continue
            if "|" not in line:
                self.error = translate("inbox.quick_line_error", lang, line=line.strip()[:60])
                return None
            title, text = line.split("|", 1)
            items.append({"title": title, "text": text})
        try:
            saved = canned.save_quick_replies(workspace_id=workspace_id, items=items)
        except ValueError as error:
            self.error = error_text(error, lang)
            return None
        self.quick_replies = [QuickReply(**q) for q in saved]
        self.quick_edit_open, self.error = False, ""
        return rx.toast.success(translate("inbox.quick_saved", lang))


def _touch(workspace_id: int, user_id: int) -> None:
    try:
        with session_scope() as session:
            agent_service.touch(session=session, workspace_id=workspace_id, user_id=user_id)
    except ValueError:
        pass
