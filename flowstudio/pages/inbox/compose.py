"""Writing to the customer from the inbox: the draft (with the typing signal), files, quick replies."""

from __future__ import annotations

import asyncio
import logging
import time

import reflex as rx

from flowstudio.i18n import translate
from flowstudio.pages.inbox.items import QuickReply
from flowstudio.services.assignment import conversation_actions
from flowstudio.services.conversations import typing_indicator
from flowstudio.services.identity import permissions as can
from flowstudio.services.inbox import files as inbox_files
from flowstudio.services.inbox import quick_replies as canned
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of

log = logging.getLogger("flowstudio.inbox")
TYPING_EVERY_S = 4.0  # a tab's typing signals (a little over the service's own interval per conversation)
UPLOAD_ID = "inbox-file"
_MEDIA_EXT = {".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".webp": "image"}


class InboxComposeState(rx.State, mixin=True):
    """The message box of the open conversation and the workspace's quick replies."""

    draft: str = ""
    _typing_at: float = 0.0  # when this tab last told the customer the agent is typing
    file_url: str = ""
    file_open: bool = False
    quick_replies: list[QuickReply] = []
    quick_edit_open: bool = False
    quick_edit_text: str = ""

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
        result = await self._perform(
            lambda _session, _workspace_id, _user_id: conversation_actions.send_agent_message(
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
            conversation_actions.mark_read(
                conversation_id=self.selected_id, agent_id=user_id, workspace_id=workspace_id
            )
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
        return conversation_actions.send_agent_message(
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
        await self._perform(
            lambda _session, _workspace_id, _user_id: self._send_media(
                workspace_id, user_id, url, _MEDIA_EXT.get(suffix, "document"), name[:200]
            )
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
            stored = await self._perform(
                lambda _session, ws, _user, name=name, data=data: inbox_files.store_file(
                    workspace_id=ws, filename=name, data=data
                )
            )
            if stored is None:
                return rx.clear_selected_files(UPLOAD_ID)
            await self._perform(
                lambda _session, _workspace_id, _user_id, stored=stored: self._send_media(
                    workspace_id, user_id, origin + stored["path"], stored["media_type"], stored["filename"]
                )
            )
            if self.error:
                return rx.clear_selected_files(UPLOAD_ID)
        self.draft, self.file_open = "", False
        return rx.clear_selected_files(UPLOAD_ID)

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
        saved = await self._perform(
            lambda _session, ws, _user: canned.save_quick_replies(workspace_id=ws, items=items),
        )
        if saved is None:
            return None
        self.quick_replies = [QuickReply(**q) for q in saved]
        self.quick_edit_open = False
        return rx.toast.success(translate("inbox.quick_saved", lang))
