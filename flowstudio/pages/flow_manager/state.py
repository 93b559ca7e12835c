"""The flow manager's state: the board of bots and knowledge areas, the routing rules and the tryout.

Every change re-reads the board and the rules from the services (the page never keeps its own truth), and
checks that the user may manage routing (admins and supervisors) at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import BOT_LANGUAGES, ChannelKind
from flowstudio.pages.admin_forms import (
    FormError,
    can_manage,
    managers_only,
    member_role,
    pairs_text,
    parse_list,
    parse_pairs,
)
from flowstudio.services.assignment import queues as queue_service
from flowstudio.services.flow_manager import deciding, placement
from flowstudio.services.flow_manager import rules as routing
from flowstudio.services.identity import permissions as can
from flowstudio.services.studio.bots import list_bots
from flowstudio.state.actions import ConfirmDialog, PageActions
from flowstudio.state.guard import requires
from flowstudio.state.session import scope_of

CHANNELS = tuple(kind.value for kind in ChannelKind)
LANGUAGES = tuple(BOT_LANGUAGES)
DRAG_PREFIX = "bot:"


@dataclass
class BotCard:
    """A bot on the board."""

    id: int
    name: str
    language: str
    is_default: bool
    published_number: int
    areas: list[str] = field(default_factory=list)


@dataclass
class AreaBot:
    """A bot inside a knowledge-area column."""

    id: int
    name: str


@dataclass
class AreaColumn:
    """A knowledge area and the bots that own it."""

    name: str
    bots: list[AreaBot] = field(default_factory=list)


@dataclass
class RuleRow:
    """A routing rule as the ordered list shows it (`number` counts from 1)."""

    id: int
    number: int
    name: str
    enabled: bool
    target_type: str
    target_name: str
    channels: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    variables: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    first: bool = False
    last: bool = False


@dataclass
class Option:
    """A choice of a select."""

    value: str
    label: str


@dataclass
class ScoreRow:
    """One bot's score for the sample message."""

    bot_name: str
    score: str
    intent: str
    areas_named: str
    qualified: bool


def tie_text(tied: list[str], owner_type: str, owner_name: str, lang: str) -> str:
    """What to say when bots tied on score: who was taken (the oldest), or whose knowledge area was read."""
    if not tied:
        return ""
    names = ", ".join(tied)
    if owner_type == "bot" and owner_name in tied:
        return translate("flowmgr.tie_taken", lang, names=names, name=owner_name)
    return translate("flowmgr.tie_scores", lang, names=names, name=tied[0])


@dataclass
class CheckRow:
    """One rule tried on the sample message."""

    name: str
    matched: bool
    reasons: str


def board(bots: list, extra_areas: list[str], rule_areas: list[str]) -> list[AreaColumn]:
    """The knowledge-area columns: every area a bot owns, a rule names or the user just created, by name."""
    names: dict[str, str] = {}
    for name in [area for bot in bots for area in bot.knowledge_areas] + list(rule_areas) + list(extra_areas):
        names.setdefault(name.casefold(), name)
    columns = []
    for folded, name in sorted(names.items()):
        owners = [
            AreaBot(id=bot.id, name=bot.name)
            for bot in bots
            if folded in {area.casefold() for area in bot.knowledge_areas}
        ]
        columns.append(AreaColumn(name=name, bots=owners))
    return columns


def rule_rows(views: list[routing.RuleView], best_bot_label: str) -> list[RuleRow]:
    """The rules as rows of the ordered list."""
    rows = []
    for index, view in enumerate(views):
        conditions = view.conditions or {}
        rows.append(
            RuleRow(
                id=view.id,
                number=index + 1,
                name=view.name,
                enabled=view.enabled,
                target_type=view.target_type,
                target_name=best_bot_label if view.target_type == "knowledge" else view.target_name,
                channels=list(conditions.get("channels", [])),
                languages=list(conditions.get("languages", [])),
                variables=[f"{k} = {v}" for k, v in (conditions.get("variables") or {}).items()],
                tags=list(conditions.get("tags", [])),
                areas=list(conditions.get("knowledge_areas", [])),
                first=index == 0,
                last=index == len(views) - 1,
            )
        )
    return rows


def moved(ids: list[int], rule_id: int, delta: int) -> list[int]:
    """The rule ids with one rule moved `delta` places (clamped at the ends)."""
    order = list(ids)
    if rule_id not in order:
        return order  # not a rule of this workspace (or gone meanwhile)
    index = order.index(rule_id)
    target = max(0, min(len(order) - 1, index + delta))
    order.insert(target, order.pop(index))
    return order


class FlowManagerState(PageActions, ConfirmDialog, rx.State):
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

    # the rule dialog
    rule_open: bool = False
    rule_id: int = 0
    rule_name: str = ""
    rule_target_type: str = "bot"
    rule_target_id: str = ""
    rule_channels: list[str] = []
    rule_languages: list[str] = []
    rule_variables: str = ""
    rule_tags: str = ""
    rule_areas: list[str] = []
    rule_enabled: bool = True
    rule_error: str = ""

    # the tryout
    sample: str = ""
    sample_channel: str = "webchat"
    sample_language: str = "auto"
    sample_variables: str = ""
    sample_tags: str = ""
    try_done: bool = False
    try_error: str = ""
    try_owner_type: str = ""
    try_owner_name: str = ""
    try_rule_name: str = ""
    try_fallback: bool = False
    try_reason: str = ""
    try_language: str = ""
    try_area: str = ""
    try_tie: str = ""  # bots tied on score, said out loud (the oldest one is taken)
    try_scores: list[ScoreRow] = []
    try_checks: list[CheckRow] = []

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

    # ---------------------------------------------------------------------------------- rules

    @rx.event
    def open_new_rule(self):
        """Open the rule dialog for a new rule."""
        self.rule_id, self.rule_name, self.rule_error = 0, "", ""
        self.rule_target_type = "bot"
        self.rule_target_id = self.bot_options[0].value if self.bot_options else ""
        self.rule_channels, self.rule_languages, self.rule_areas = [], [], []
        self.rule_variables = self.rule_tags = ""
        self.rule_enabled = True
        self.rule_open = True

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def open_edit_rule(self, rule_id: int):
        """Open the rule dialog on an existing rule."""
        workspace_id, _, _ = await scope_of(self)
        with session_scope() as session:
            view = next(
                (v for v in routing.list_rules(session=session, workspace_id=workspace_id) if v.id == rule_id), None
            )
        if view is None:
            return
        conditions = view.conditions or {}
        self.rule_id, self.rule_name, self.rule_error = view.id, view.name, ""
        self.rule_target_type, self.rule_target_id = view.target_type, str(view.target_id or "")
        self.rule_channels = list(conditions.get("channels", []))
        self.rule_languages = list(conditions.get("languages", []))
        self.rule_areas = list(conditions.get("knowledge_areas", []))
        self.rule_variables = pairs_text(conditions.get("variables") or {})
        self.rule_tags = ", ".join(conditions.get("tags", []))
        self.rule_enabled = view.enabled
        self.rule_open = True

    @rx.event
    def set_rule_open(self, value: bool):
        """Close the rule dialog (Escape, outside click, cancel)."""
        self.rule_open = value

    @rx.event
    def set_rule_name(self, value: str):
        """The rule's name."""
        self.rule_name = value

    @rx.event
    def set_rule_target_type(self, value: str):
        """Send matches to a bot, a queue or the best bot for the message."""
        self.rule_target_type = value
        options = self.bot_options if value == "bot" else self.queue_options if value == "queue" else []
        if options and self.rule_target_id not in {o.value for o in options}:
            self.rule_target_id = options[0].value

    @rx.event
    def set_rule_target_id(self, value: str):
        """The bot or queue matches go to."""
        self.rule_target_id = value

    @rx.event
    def toggle_rule_value(self, kind: str, value: str, checked: bool):
        """Tick or untick a channel, language or knowledge area of the rule."""
        attribute = {"channels": "rule_channels", "languages": "rule_languages", "areas": "rule_areas"}[kind]
        current = [v for v in getattr(self, attribute) if v != value]
        setattr(self, attribute, [*current, value] if checked else current)

    @rx.event
    def set_rule_variables(self, value: str):
        """``name = value`` lines the contact's variables must equal."""
        self.rule_variables = value

    @rx.event
    def set_rule_tags(self, value: str):
        """Tags (any of them) the contact must have."""
        self.rule_tags = value

    @rx.event
    def set_rule_enabled(self, value: bool):
        """Whether the rule is tried."""
        self.rule_enabled = value

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def save_rule(self):
        """Create or update the rule from the dialog."""
        rule_id, target_type = self.rule_id, self.rule_target_type
        target_id = int(self.rule_target_id) if target_type != "knowledge" and self.rule_target_id.isdigit() else None
        name, enabled = self.rule_name, self.rule_enabled
        channels, languages, areas = list(self.rule_channels), list(self.rule_languages), list(self.rule_areas)
        variables_text, tags_text = self.rule_variables, self.rule_tags

        def save(session, workspace_id: int, _user_id: int | None) -> None:
            conditions = {
                "channels": channels,
                "languages": languages,
                "knowledge_areas": areas,
                "variables": parse_pairs(variables_text),
                "tags": parse_list(tags_text),
            }
            if rule_id:
                routing.update_rule(
                    session=session,
                    workspace_id=workspace_id,
                    rule_id=rule_id,
                    name=name,
                    conditions=conditions,
                    target_type=target_type,
                    target_id=target_id,
                    enabled=enabled,
                )
            else:
                routing.create_rule(
                    session=session,
                    workspace_id=workspace_id,
                    name=name,
                    target_type=target_type,
                    target_id=target_id,
                    conditions=conditions,
                    enabled=enabled,
                )

        result = await self._perform(
            save, permit=managers_only, error_field="rule_error", success_key="flowmgr.rule_saved"
        )
        if not self.rule_error:
            self.rule_open = False
            return result
        return None

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def move_rule(self, rule_id: int, delta: int):
        """Move a rule up (-1) or down (+1) in the evaluation order."""
        order = moved([row.id for row in self.rules], rule_id, delta)
        await self._perform(
            lambda session, workspace_id, _user: routing.reorder_rules(
                session=session, workspace_id=workspace_id, rule_ids=order
            ),
            permit=managers_only,
        )

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def toggle_rule(self, rule_id: int, enabled: bool):
        """Switch a rule on or off without opening it."""
        await self._perform(
            lambda session, workspace_id, _user: routing.update_rule(
                session=session, workspace_id=workspace_id, rule_id=rule_id, enabled=enabled
            ),
            permit=managers_only,
        )

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def delete_rule(self):
        """Delete the rule being confirmed."""
        rule_id = self._take_confirmed()
        return await self._perform(
            lambda session, workspace_id, _user: routing.delete_rule(
                session=session, workspace_id=workspace_id, rule_id=rule_id
            ),
            permit=managers_only,
            success_key="flowmgr.rule_deleted",
        )

    # -------------------------------------------------------------------------------- tryout

    @rx.event
    def set_sample(self, value: str):
        """The sample message."""
        self.sample = value

    @rx.event
    def set_sample_channel(self, value: str):
        """The channel the sample arrives on."""
        self.sample_channel = value

    @rx.event
    def set_sample_language(self, value: str):
        """The sample's language (``auto`` = detect it)."""
        self.sample_language = value

    @rx.event
    def set_sample_variables(self, value: str):
        """The sample contact's variables."""
        self.sample_variables = value

    @rx.event
    def set_sample_tags(self, value: str):
        """The sample contact's tags."""
        self.sample_tags = value

    @rx.event
    @requires(can.ROUTING_MANAGE)
    async def try_sample(self, _form: dict[str, Any] | None = None):
        """Show where a new conversation starting with the sample would go, and why."""
        workspace_id, user_id, lang = await scope_of(self)
        if workspace_id is None:
            return
        self.try_error = ""
        if not self.sample.strip():
            self.try_error, self.try_done = translate("flowmgr.sample_needed", lang), False
            return
        try:
            variables = parse_pairs(self.sample_variables)
        except FormError as error:
            self.try_error, self.try_done = translate(error.key, lang) + f": {error.detail}", False
            return
        sample, channel, tags = self.sample, self.sample_channel, parse_list(self.sample_tags)
        language = None if self.sample_language == "auto" else self.sample_language

        def explain() -> dict[str, Any] | None:
            with session_scope() as session:
                if not can_manage(member_role(session=session, workspace_id=workspace_id, user_id=user_id)):
                    return None
                decision = placement.explain(
                    session,
                    workspace_id,
                    sample,
                    channel_kind=channel,
                    language=language,
                    variables=variables,
                    tags=tags,
                )
                return decision.to_dict()

        result = await rx.run_in_thread(explain)
        if result is None:
            self.try_error, self.try_done = translate("forms.not_allowed", lang), False
            return
        self.try_owner_type, self.try_owner_name = result["owner_type"], result["owner_name"]
        self.try_fallback = result["rule_id"] is None
        self.try_rule_name = result["rule_name"]
        self.try_reason = (
            translate(result["reason"], lang)
            if result["rule_id"] is None
            else translate("routing_reason.rule", lang, name=result["rule_name"])
        )
        self.try_language = result["language"] or ""
        self.try_area = result["knowledge_area"] or ""
        self.try_tie = tie_text(result["tied"], result["owner_type"], result["owner_name"], lang)
        self.try_scores = [
            ScoreRow(
                bot_name=s["bot_name"],
                score=f"{s['score']:.2f}",
                intent=s["intent"] or "",
                areas_named=", ".join(s["areas_named"]),
                qualified=s["qualified"],
            )
            for s in result["scores"]
        ]
        self.try_checks = [
            CheckRow(name=c["name"], matched=c["matched"], reasons=deciding.reasons_text(c["reasons"], lang))
            for c in result["checks"]
        ]
        self.try_done = True
