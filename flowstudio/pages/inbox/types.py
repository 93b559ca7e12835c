"""The open conversation's type in the inbox: a select of the workspace's conversation types (plus "none")
in the side panel; `conversation_types.set_type` stores it."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.db import session_scope
from flowstudio.errors import error_text
from flowstudio.i18n import translate
from flowstudio.pages.inbox.state import InboxState
from flowstudio.services.conversations import types as conversation_types
from flowstudio.services.identity import permissions as can
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of

NO_TYPE = "__none__"  # the select's "none" (Radix selects cannot hold an empty value)


class ConversationTypeState(rx.State):
    """Setting the open conversation's type."""

    @rx.event
    @requires(can.INBOX_WORK)
    async def set_type(self, value: str):
        """Give the open conversation a type (or none); an unknown type is refused with a message."""
        workspace_id, user_id, lang = await scope_of(self)
        inbox_state = await self.get_state(InboxState)
        conversation_id = inbox_state.selected_id
        if workspace_id is None or not conversation_id:
            return None
        name = None if value == NO_TYPE else str(value)[:200]
        try:
            with session_scope() as session:
                conversation_types.set_type(
                    session=session,
                    workspace_id=workspace_id,
                    conversation_id=conversation_id,
                    name=name,
                    actor_id=user_id,
                )
        except conversation_types.ConversationTypeError as error:
            await inbox_state._reload()
            return rx.toast.error(error_text(error, lang))
        await inbox_state._reload()
        return rx.toast.success(translate("types.saved", lang))


def type_select() -> rx.Component:
    """The side panel's "Type" select (the workspace's types; hidden when it has none)."""
    S = InboxState
    return rx.cond(
        S.type_options.length() > 0,
        rx.vstack(
            rx.text(t("types.label"), size="2", weight="bold"),
            rx.select.root(
                rx.select.trigger(width="100%", aria_label="type", data_testid="chat-type"),
                rx.select.content(
                    rx.select.item(t("types.none"), value=NO_TYPE),
                    rx.foreach(S.type_options, lambda o: rx.select.item(o.label, value=o.value)),
                ),
                value=rx.cond(S.conversation_type == "", NO_TYPE, S.conversation_type),
                on_change=ConversationTypeState.set_type,
                size="1",
            ),
            spacing="1",
            width="100%",
        ),
    )


def inactive_badge(testid: str) -> rx.Component:
    """The "inactive" badge of a conversation whose customer went silent (the workspace's marker)."""
    return rx.badge(
        rx.icon("moon", size=10), t("inbox.inactive"), size="1", color_scheme="gray", variant="soft", data_testid=testid
    )
