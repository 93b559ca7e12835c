"""Knowledge areas: how well each published bot understands a message, and the message's knowledge area."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session, select

from flowstudio.models import (
    Bot,
)
from flowstudio.services.conversations import runtime
from flowstudio.services.studio import nlu

log = logging.getLogger("flowstudio.routing")


MATCH_THRESHOLD = 0.6  # the engine's "understood" score: the model's own threshold maps here
AREA_EVIDENCE = 0.15  # added to a bot's score when the message names one of its knowledge areas


@dataclass(frozen=True)
class BotScore:
    """How well one bot understands a message.

    Attributes:
        intent: the name of its best intent (None when nothing matched).
        intent_score: that intent's score on the engine's scale (0.6 = the bot's own NLU threshold).
        areas_named: its knowledge areas the message names (accent- and case-insensitive).
        score: intent_score plus `AREA_EVIDENCE` when an area is named, at most 1.
        qualified: whether the score reaches the threshold (the bot would take the message).
    """

    bot_id: int
    bot_name: str
    language: str
    knowledge_areas: list[str]
    intent: str | None
    intent_score: float
    areas_named: list[str]
    score: float
    qualified: bool


def _words(text: str) -> list[str]:
    from flow_runtime.nlu.normalize import fold

    return fold(text or "", language="xx").split()


def _names_area(area: str, words: list[str]) -> bool:
    """Whether the message names the area: each of its words, or a plural/inflection of it (same stem)."""
    wanted = _words(area)
    if not wanted:
        return False

    def seen(word: str) -> bool:
        stem = word[:-1] if len(word) > 4 else word
        return any(w == word or (len(word) >= 4 and w.startswith(stem) and len(w) - len(word) <= 2) for w in words)

    return all(seen(word) for word in wanted)


def score_bots(*, session: Session, workspace_id: int, text: str, bot_ids: list[int] | None = None) -> list[BotScore]:
    """Score the message against each published bot of the workspace, best first.

    Each bot's intents are matched by its published version's NLU (keyword triggers plus the trained
    classifier, in the bot's own language); naming one of the bot's knowledge areas adds `AREA_EVIDENCE`.
    Bots with nothing published are left out (they could not answer).
    """
    query = select(Bot).where(Bot.workspace_id == workspace_id).order_by(Bot.id)
    if bot_ids is not None:
        query = query.where(Bot.id.in_(bot_ids or [0]))
    words = _words(text)
    scores = []
    for bot in session.exec(query).all():
        published = runtime.published_flow(session=session, bot_id=bot.id)
        if published is None:
            continue
        intent, intent_score = None, 0.0
        if text.strip() and published.flow.intents.entries:
            try:
                matcher = nlu.matcher_for_version(bot_id=bot.id, number=published.number, document=published.document)
                ranked = matcher.match(text, published.flow.intents, language=bot.language or "pt")
            except Exception:
                log.exception("routing.nlu.failed", extra={"bot_id": bot.id})
                ranked = []
            if ranked:
                intent = published.flow.intents.entries[ranked[0].intent_id].name or ranked[0].intent_id
                intent_score = float(ranked[0].score)
        areas = list(bot.knowledge_areas or [])
        named = [area for area in areas if _names_area(area, words)]
        score = min(1.0, intent_score + (AREA_EVIDENCE if named else 0.0))
        scores.append(
            BotScore(
                bot_id=bot.id,
                bot_name=bot.name,
                language=bot.language,
                knowledge_areas=areas,
                intent=intent,
                intent_score=round(intent_score, 4),
                areas_named=named,
                score=round(score, 4),
                qualified=score >= MATCH_THRESHOLD,
            )
        )
    scores.sort(key=lambda s: (-s.score, -len(s.areas_named), s.bot_id))
    return scores


def knowledge_area_of(scores: list[BotScore]) -> str | None:
    """The message's knowledge area: one the message names on the best qualified bot, else that bot's first."""
    best = next((s for s in scores if s.qualified), None)
    if best is None:
        return None
    if best.areas_named:
        return best.areas_named[0]
    return best.knowledge_areas[0] if best.knowledge_areas else None
