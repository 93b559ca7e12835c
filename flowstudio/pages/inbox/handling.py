"""What an agent does with the open conversation: pick it, transfer, close, archive, priority, tags; their
own status."""

from __future__ import annotations

from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import AgentStatus
from flowstudio.pages.inbox.items import Option
from flowstudio.services.assignment import agent_status, conversation_actions, owner_actions
from flowstudio.services.assignment import sweep as queue_sweep
from flowstudio.services.identity import permissions as can
from flowstudio.services.inbox import chat_pane
from flowstudio.services.inbox import tags as inbox_tags
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of


class InboxHandlingState(rx.State, mixin=True):
    """The open conversation's actions (each through `PageActions._perform`, then the page reads again)."""

    new_tag: str = ""
    transfer_open: bool = False
    transfer_type: str = "agent"
    transfer_target: str = ""
    close_open: bool = False

    @rx.event
    @requires(can.INBOX_WORK)
    async def pick(self):
        """Take the open conversation from its queue (or from a bot, for supervisors)."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id
        if not (self.can_take or self.can_pick):
            return None
        if self.can_take:
            toast = await self._perform(
                lambda _session, _workspace_id, _user_id: owner_actions.transfer(
                    conversation_id=conversation_id,
                    to_type="agent",
                    to_id=user_id,
                    actor_type="agent",
                    actor_id=user_id,
                    reason="taken over from the bot",
                    workspace_id=workspace_id,
                ),
                success_key="inbox.picked",
            )
        else:
            toast = await self._perform(
                lambda _session, _workspace_id, _user_id: owner_actions.accept(
                    conversation_id=conversation_id, agent_id=user_id, workspace_id=workspace_id
                ),
                success_key="inbox.picked",
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
        toast = await self._perform(
            lambda _session, _workspace_id, _user_id: owner_actions.transfer(
                conversation_id=conversation_id,
                to_type=to_type,
                to_id=to_id,
                actor_type="agent",
                actor_id=user_id,
                reason="transferred from the inbox",
                workspace_id=workspace_id,
            ),
            success_key="inbox.transferred",
        )
        if not self.error:
            self.transfer_open = False
            with session_scope() as session:
                self.agents = [
                    Option(**o)
                    for o in chat_pane.transfer_options(session=session, workspace_id=workspace_id)["agents"]
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
        return await self._perform(
            lambda _session, _workspace_id, _user_id: conversation_actions.close(
                conversation_id=conversation_id, actor_type="agent", actor_id=user_id, workspace_id=workspace_id
            ),
            success_key="inbox.closed",
        )

    @rx.event
    @requires(can.INBOX_WORK)
    async def archive(self):
        """Archive the open (closed) conversation."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id
        if not self.can_archive:
            return None
        return await self._perform(
            lambda _session, _workspace_id, _user_id: conversation_actions.archive(
                conversation_id=conversation_id, actor_type="agent", actor_id=user_id, workspace_id=workspace_id
            ),
            success_key="inbox.archived",
        )

    @rx.event
    @requires(can.INBOX_WORK)
    async def set_priority(self, value: str):
        """Change the open conversation's priority."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id

        def work(_session, _workspace_id: int, _user_id: int | None) -> None:
            conversation_actions.set_priority(
                conversation_id=conversation_id, priority=value, workspace_id=workspace_id
            )
            with session_scope() as session:
                inbox_tags.record_priority(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    priority=value,
                    actor_id=user_id,
                )

        return await self._perform(work)

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

        def work(_session, _workspace_id: int, _user_id: int | None) -> None:
            with session_scope() as session:
                inbox_tags.add_tag(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    name=name,
                    actor_id=user_id,
                )

        await self._perform(work)
        if not self.error:
            self.new_tag = ""
            with session_scope() as session:
                self.all_tags = [
                    Option(**o) for o in chat_pane.transfer_options(session=session, workspace_id=workspace_id)["tags"]
                ]
            return rx.set_value("inbox-new-tag", "")
        return None

    @rx.event
    @requires(can.INBOX_WORK)
    async def remove_tag(self, name: str):
        """Take a tag off the open conversation."""
        workspace_id, user_id, _ = await scope_of(self)
        conversation_id = self.selected_id

        def work(_session, _workspace_id: int, _user_id: int | None) -> None:
            with session_scope() as session:
                inbox_tags.remove_tag(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    name=name,
                    actor_id=user_id,
                )

        return await self._perform(work)

    @rx.event
    @requires(can.INBOX_WORK)
    async def set_my_status(self, value: str):
        """The agent's own status (online: waiting conversations of their queues may come at once)."""
        workspace_id, user_id, _ = await scope_of(self)
        if value not in {s.value for s in AgentStatus}:
            return None

        def work(_session, _workspace_id: int, _user_id: int | None) -> None:
            with session_scope() as session:
                agent_status.set_status(session=session, workspace_id=workspace_id, user_id=user_id, status=value)
            if value == AgentStatus.ONLINE.value:
                queue_sweep.agent_went_online(workspace_id=workspace_id, user_id=user_id)

        await self._perform(work)
        if not self.error:
            self.my_status = value
        return None
