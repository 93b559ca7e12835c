"""The inbox list's filters: the shortcut (mine, queue, all), the selects, the search and the variable filter."""

from __future__ import annotations

from typing import Any

import reflex as rx

from flowstudio.services.identity import permissions as can
from flowstudio.services.inbox import listing as inbox
from flowstudio.services.inbox.listing import InboxFilters
from flowstudio.state.guard import requires

ANY = "any"  # a select's "no filter" (Radix selects cannot hold an empty value)


class InboxFilterState(rx.State, mixin=True):
    """What the list shows; every change reads the list again (`_reload`, in `InboxState`)."""

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
