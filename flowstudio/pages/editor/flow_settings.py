"""Flow-wide settings in the studio: topics, global constants and the not-understood chain."""

from __future__ import annotations

import copy
import re
from typing import Any

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.editor.state import EditorState
from flowstudio.services.identity import permissions as can
from flowstudio.state.guard import requires

DEBOUNCE_MS = 400
SESSION_MINUTES = (5, 30 * 24 * 60)  # the document's bounds


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "topico"


class FlowSettingsState(EditorState):
    """Edits of the document's `topics`, `constants` and `bot.fallback`."""

    async def _edit(self, change) -> None:
        editor = await self.get_state(EditorState)
        document = copy.deepcopy(editor._doc)
        change(document)
        editor._commit(document, full=True)

    @rx.var
    def topic_rows(self) -> list[dict[str, str]]:
        """The topics, with how many intents use each."""
        return [
            {
                "id": str(tp.get("id", "")),
                "name": str(tp.get("name", "")),
                "count": str(sum(len(x["intents"]) for x in self.topics if x["id"] == tp.get("id"))),
            }
            for tp in self.flow_settings.get("topics", [])
        ]

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def add_topic(self):
        """A new topic named after its position."""

        def change(doc: dict[str, Any]) -> None:
            topics = doc.setdefault("topics", [])
            taken = {tp["id"] for tp in topics}
            number = len(topics) + 1
            while f"t_topico_{number}" in taken:
                number += 1
            topics.append({"id": f"t_topico_{number}", "name": f"Tópico {number}"})

        await self._edit(change)

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def rename_topic(self, topic_id: str, name: str):
        """Rename a topic (its id, which intents refer to, stays)."""

        def change(doc: dict[str, Any]) -> None:
            for topic in doc.get("topics", []):
                if topic["id"] == topic_id:
                    topic["name"] = name

        await self._edit(change)

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def remove_topic(self, topic_id: str):
        """Remove a topic; its intents keep working without one."""

        def change(doc: dict[str, Any]) -> None:
            doc["topics"] = [tp for tp in doc.get("topics", []) if tp["id"] != topic_id]
            for node in doc.get("nodes", []):
                if node.get("kind") == "intent" and node.get("topic") == topic_id:
                    node.pop("topic", None)

        await self._edit(change)

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def set_constants(self, text: str):
        """Constants from lines `name = value` (available as `${name}` everywhere)."""

        def change(doc: dict[str, Any]) -> None:
            constants = {}
            for line in text.splitlines():
                if "=" in line:
                    name, _, value = line.partition("=")
                    if name.strip():
                        constants[_slug(name.strip()) if " " in name.strip() else name.strip()] = value.strip()
            doc["constants"] = constants

        await self._edit(change)

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def set_fallback(self, field: str, value: bool):
        """Switch a step of the not-understood chain."""
        if field not in {"related_topic", "related_intents"}:
            return

        def change(doc: dict[str, Any]) -> None:
            doc.setdefault("bot", {}).setdefault("fallback", {})[field] = bool(value)

        await self._edit(change)

    @rx.event
    @requires(can.FLOWS_EDIT)
    async def set_session_timeout(self, text: str):
        """Minutes of silence after which the contact's next message starts the flow again."""
        try:
            minutes = int(str(text).strip())
        except ValueError:
            minutes = 0
        if not SESSION_MINUTES[0] <= minutes <= SESSION_MINUTES[1]:
            return rx.toast.error(
                self._t("settings_panel.session_timeout_invalid").format(
                    low=SESSION_MINUTES[0], high=SESSION_MINUTES[1]
                )
            )

        def change(doc: dict[str, Any]) -> None:
            doc.setdefault("bot", {})["session_timeout_minutes"] = minutes

        await self._edit(change)


def flow_settings_panel() -> rx.Component:
    """Topics, constants and the fallback chain."""
    fallback = EditorState.flow_settings["fallback"].to(dict[str, bool])
    return rx.vstack(
        rx.text(t("settings_panel.topics"), size="2", weight="bold"),
        rx.foreach(
            FlowSettingsState.topic_rows,
            lambda tp: rx.hstack(
                rx.input(
                    default_value=tp["name"],
                    on_blur=lambda v: FlowSettingsState.rename_topic(tp["id"], v),
                    size="1",
                    flex="1",
                    data_testid="topic-name",
                ),
                rx.badge(tp["count"], variant="soft"),
                rx.icon_button(
                    rx.icon("x", size=12),
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=FlowSettingsState.remove_topic(tp["id"]),
                ),
                width="100%",
                align="center",
            ),
        ),
        rx.button(
            rx.icon("plus", size=12),
            t("settings_panel.add_topic"),
            size="1",
            variant="soft",
            on_click=FlowSettingsState.add_topic,
            data_testid="add-topic",
        ),
        rx.divider(),
        rx.text(t("settings_panel.constants"), size="2", weight="bold"),
        rx.text(t("settings_panel.constants_hint"), size="1", color_scheme="gray"),
        rx.text_area(
            default_value=EditorState.flow_settings["constants_text"].to(str),
            key=EditorState.flow_settings["constants_text"].to(str),
            on_blur=FlowSettingsState.set_constants,
            rows="5",
            width="100%",
            font_family="monospace",
            data_testid="constants",
        ),
        rx.divider(),
        rx.text(t("settings_panel.fallback"), size="2", weight="bold"),
        rx.hstack(
            rx.switch(
                checked=fallback["related_topic"],
                on_change=lambda v: FlowSettingsState.set_fallback("related_topic", v),
            ),
            rx.text(t("settings_panel.related_topic"), size="2"),
            align="center",
        ),
        rx.hstack(
            rx.switch(
                checked=fallback["related_intents"],
                on_change=lambda v: FlowSettingsState.set_fallback("related_intents", v),
            ),
            rx.text(t("settings_panel.related_intents"), size="2"),
            align="center",
        ),
        rx.divider(),
        rx.text(t("settings_panel.session_timeout"), size="2", weight="bold"),
        rx.text(t("settings_panel.session_timeout_hint"), size="1", color_scheme="gray"),
        rx.hstack(
            rx.input(
                default_value=EditorState.flow_settings["session_timeout_minutes"].to(str),
                key=EditorState.flow_settings["session_timeout_minutes"].to(str),
                on_blur=FlowSettingsState.set_session_timeout,
                type="number",
                min=SESSION_MINUTES[0],
                max=SESSION_MINUTES[1],
                size="1",
                width="7em",
                data_testid="session-timeout",
            ),
            rx.text(t("settings_panel.minutes"), size="2"),
            align="center",
        ),
        spacing="2",
        width="100%",
    )
