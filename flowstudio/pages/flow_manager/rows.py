"""What the flow manager shows, as plain rows built from the services' views (no Reflex state here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flowstudio.i18n import translate
from flowstudio.models import BOT_LANGUAGES, ChannelKind
from flowstudio.services.flow_manager import rules as routing

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
