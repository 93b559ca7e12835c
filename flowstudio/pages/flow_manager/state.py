"""The flow manager's state: the board of bots and knowledge areas, the routing rules and the tryout.

Every change re-reads the board and the rules from the services (the page never keeps its own truth), and
checks that the user may manage routing (admins and supervisors) at that moment.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.pages.admin_forms import can_manage, managers_only, member_role
from flowstudio.pages.flow_manager.rows import (
    DRAG_PREFIX,
    AreaColumn,
    BotCard,
    Option,
    RuleRow,
    board,
    moved,
    rule_rows,
    tie_text,
)
from flowstudio.pages.flow_manager.rule_dialog_state import RuleDialogState
from flowstudio.pages.flow_manager.tryout_state import TryoutState
from flowstudio.services.assignment import queues as queue_service
from flowstudio.services.flow_manager import rules as routing
from flowstudio.services.identity import permissions as can
from flowstudio.services.studio.bots import list_bots
from flowstudio.state.actions import ConfirmDialog, PageActions
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of

__all__ = ["FlowManagerState", "board", "moved", "rule_rows", "tie_text"]


class FlowManagerState(PageActions, ConfirmDialog, RuleDialogState, TryoutState, rx.State):
    """Bots, knowledge areas, routing rules and the sample-message tryout of the user's workspace."""

    loaded: bool = False
    allowed: bool = False
    bots: list[BotCard] = []
    areas: list[AreaColumn] = []
    area_names: list[str] = []
    rules: list[RuleRow] = []
    bot_options: list[Option] = []
    queue_options: list[Option] = []
    new_area: str = ""
    _extra_areas: list[str] = []

    def _refresh(self, session, workspace_id: int, lang: str) -> None:
        summaries = list_bots(session=session, workspace_id=workspace_id)
        views = routing.list_rules(session=session, workspace_id=workspace_id)
        self.bots = [
            BotCard(
                id=b.id,
                name=b.name,
                language=b.language,
                is_default=b.is_default,
                published_number=b.published_number or 0,
                areas=list(b.knowledge_areas),
            )
            for b in summaries
        ]
        rule_areas = [area for view in views for area in (view.conditions or {}).get("knowledge_areas", [])]
        self.areas = board(summaries, self._extra_areas, rule_areas)
        self.area_names = [column.name for column in self.areas]
        self.rules = rule_rows(views, translate("flowmgr.best_bot", lang))
        self.bot_options = [Option(value=str(b.id), label=b.name) for b in summaries]
        self.queue_options = [
            Option(value=str(q.id), label=q.name)
            for q in queue_service.list_queues(session=session, workspace_id=workspace_id)
        ]

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def load(self):
        """Read the workspace's bots, areas and rules (nothing for a user who may not manage them)."""
        workspace_id, user_id, lang = await scope_of(self)
        if workspace_id is None:
            return
        with session_scope() as session:
            self.allowed = can_manage(member_role(session=session, workspace_id=workspace_id, user_id=user_id))
            if self.allowed:
                self._refresh(session, workspace_id, lang)
        self.loaded = True

    async def _after_action(self, workspace_id: int, user_id: int | None, lang: str) -> None:
        with session_scope() as session:
            self._refresh(session, workspace_id, lang)

    # ------------------------------------------------------------------ bots and knowledge areas

    async def _give_area(self, bot_id: int, area: str):
        area = (area or "").strip()
        if not area:
            return None

        def give(session, workspace_id: int, _user_id: int | None) -> None:
            bot = next((b for b in self.bots if b.id == bot_id), None)
            if bot is None:
                raise routing.RoutingNotFound("errors.routing.bot_not_found")
            routing.set_bot_areas(session=session, workspace_id=workspace_id, bot_id=bot_id, areas=[*bot.areas, area])

        return await self._perform(give, permit=managers_only)

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def drop_on_area(self, area: str, payload: str):
        """A bot card dropped on an area column (the drag carries ``bot:<id>``)."""
        if not (payload or "").startswith(DRAG_PREFIX) or not payload[len(DRAG_PREFIX) :].isdigit():
            return None
        await self._give_area(int(payload[len(DRAG_PREFIX) :]), area)

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def add_area_to_bot(self, bot_id: int, area: str):
        """The keyboard way: pick an area from the bot card's select."""
        await self._give_area(bot_id, area)

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def remove_area(self, bot_id: int, area: str):
        """Take a knowledge area away from a bot."""

        def take(session, workspace_id: int, _user_id: int | None) -> None:
            bot = next((b for b in self.bots if b.id == bot_id), None)
            if bot is None:
                raise routing.RoutingNotFound("errors.routing.bot_not_found")
            routing.set_bot_areas(
                session=session,
                workspace_id=workspace_id,
                bot_id=bot_id,
                areas=[a for a in bot.areas if a.casefold() != area.casefold()],
            )

        await self._perform(take, permit=managers_only)

    @rx.event
    def set_new_area(self, value: str):
        """The name of the area being created."""
        self.new_area = value

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def create_area(self, _form: dict[str, Any] | None = None):
        """Add an empty area column (kept once a bot is dropped on it or a rule names it)."""
        name = self.new_area.strip()
        _, _, lang = await scope_of(self)
        if not name:
            self.error = translate("flowmgr.area_needs_name", lang)
            return
        if name.casefold() in {a.casefold() for a in self.area_names}:
            self.error = translate("flowmgr.area_exists", lang)
            return
        self._extra_areas = [*self._extra_areas, name]
        self.new_area = ""
        await self._perform(lambda session, workspace_id, _user: None, permit=managers_only)

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def make_default(self, bot_id: int):
        """Make a bot the workspace's default bot."""
        return await self._perform(
            lambda session, workspace_id, _user: routing.set_default_bot(
                session=session, workspace_id=workspace_id, bot_id=bot_id
            ),
            permit=managers_only,
            success_key="flowmgr.default_set",
        )
