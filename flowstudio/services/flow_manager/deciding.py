"""Deciding where a conversation goes: the workspace's enabled rules tried in order on the facts, the first match
wins; with no matching rule the channel's bot, else the workspace's default bot, else the default queue takes it.
Each rule tried says, condition by condition, why it held or not.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Session, select

from flowstudio.i18n import translate
from flowstudio.models import (
    BOT_LANGUAGES,
    Bot,
    Queue,
    RoutingRule,
    RuleTarget,
)
from flowstudio.services.flow_manager.knowledge_areas import BotScore, knowledge_area_of, score_bots
from flowstudio.services.flow_manager.rules import ordered_rules

log = logging.getLogger("flowstudio.routing")


@dataclass
class Facts:
    """What rules look at: the channel kind, language, contact variables, tags and the first message."""

    channel_kind: str = "webchat"
    language: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    text: str = ""


@dataclass(frozen=True)
class Reason:
    """Why one condition held or not: an i18n key (``routing_check.*``) and the values its text names."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str) -> str:
        """The reason in `lang`."""
        return translate(self.key, lang, **self.params)


def reasons_text(reasons: list[dict[str, Any]], lang: str) -> str:
    """A rule's reasons as `Decision.to_dict` gives them, in `lang`, one after another."""
    return "; ".join(Reason(**reason).text(lang) for reason in reasons)


@dataclass
class RuleCheck:
    """One rule tried: whether it matched and, condition by condition, why (not)."""

    rule_id: int
    name: str
    position: int
    matched: bool
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class Decision:
    """Where a conversation goes and why.

    Attributes:
        owner_type: ``bot`` or ``queue``.
        owner_id: the bot's or queue's id.
        owner_name: its name.
        rule_id: the rule that decided (None for the fallback).
        rule_name: its name, or ``fallback``.
        reason: for the event log and the page: ``rule 'name'``, or the i18n key of the fallback taken
            (``routing_reason.*``).
        language: the language the rules saw.
        knowledge_area: the message's knowledge area (when scored).
        scores: each published bot's score for the message (when scored), best first.
        checks: every rule tried, in order.
        tied: the bots that qualified with the same best standing (score, then areas named) among those the
            decision chose from, when more than one: the first of them (the oldest bot) was taken.
    """

    owner_type: str
    owner_id: int
    owner_name: str
    rule_id: int | None
    rule_name: str
    reason: str
    language: str | None = None
    knowledge_area: str | None = None
    scores: list[BotScore] = field(default_factory=list)
    checks: list[RuleCheck] = field(default_factory=list)
    tied: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for the page's state and events)."""
        return asdict(self)


def detect_language(text: str, default: str | None = None) -> str | None:
    """The message's language among the bot languages, or `default` when the text is short or unclear."""
    from flow_runtime.nlu.language import detect_language as detect

    try:
        return detect(text or "", candidates=BOT_LANGUAGES, default=default)
    except Exception:
        log.exception("routing.language.failed")
        return default


def decide(
    *,
    session: Session,
    workspace_id: int,
    facts: Facts,
    fallback_bot_id: int | None = None,
    exclude: dict[str, Any] | None = None,
    always_score: bool = False,
    rules: list[RoutingRule] | None = None,
    default_bot: Bot | None = None,
) -> Decision:
    """Evaluate the workspace's enabled rules in order on `facts`; the first match wins.

    Args:
        fallback_bot_id: the bot used when no rule matches (a channel's own bot), before the workspace's
            default bot and then the default queue.
        exclude: an owner (``{"type", "id"}``) no rule may send it to (the current one, on a transfer).
        always_score: score the message against every bot even when no rule needs it (`explain`).
        rules: the workspace's rules in order, when the caller has read them already.
        default_bot: the workspace's default bot, when the caller has read it already.
    """
    rules = [r for r in (ordered_rules(session, workspace_id) if rules is None else rules) if r.enabled]
    needs_scores = always_score or any(
        r.target_type == RuleTarget.KNOWLEDGE or r.conditions.get("knowledge_areas") for r in rules
    )
    scores = (
        score_bots(session=session, workspace_id=workspace_id, text=facts.text)
        if needs_scores and facts.text.strip()
        else []
    )
    area = knowledge_area_of(scores)
    checks: list[RuleCheck] = []
    for rule in rules:
        check = _check(rule, facts, scores, area)
        checks.append(check)
        if not check.matched:
            continue
        target = _target(session, rule, scores)
        if target is None:
            check.matched = False
            check.reasons.append(Reason("routing_check.not_understood"))
            continue
        if exclude and exclude == {"type": target[0], "id": target[1]}:
            check.matched = False
            check.reasons.append(Reason("routing_check.already_owner"))
            continue
        return Decision(
            owner_type=target[0],
            owner_id=target[1],
            owner_name=target[2],
            rule_id=rule.id,
            rule_name=rule.name,
            reason=f"rule '{rule.name}'",
            language=facts.language,
            knowledge_area=area,
            scores=scores,
            checks=checks,
            tied=tied_at_top(
                [s for s in scores if _serves(rule, s)] if rule.target_type == RuleTarget.KNOWLEDGE else scores
            ),
        )
    kind, owner_id, name, reason = _fallback(session, workspace_id, fallback_bot_id, exclude, default_bot)
    return Decision(
        owner_type=kind,
        owner_id=owner_id,
        owner_name=name,
        rule_id=None,
        rule_name="fallback",
        reason=reason,
        language=facts.language,
        knowledge_area=area,
        scores=scores,
        checks=checks,
        tied=tied_at_top(scores),
    )


def tied_at_top(scores: list[BotScore]) -> list[str]:
    """The names of the qualified bots sharing the best standing (score, then areas named), best-first order,
    when there are two or more (a tie the bots' age broke); else empty."""
    qualified = [s for s in scores if s.qualified]
    if len(qualified) < 2:
        return []
    best = (qualified[0].score, len(qualified[0].areas_named))
    tied = [s.bot_name for s in qualified if (s.score, len(s.areas_named)) == best]
    return tied if len(tied) > 1 else []


def _check(rule: RoutingRule, facts: Facts, scores: list[BotScore], area: str | None) -> RuleCheck:
    conditions = rule.conditions or {}
    reasons: list[Reason] = []
    matched = True
    if channels := conditions.get("channels"):
        ok = facts.channel_kind in channels
        matched &= ok
        key = "routing_check.channel_in" if ok else "routing_check.channel_not_in"
        reasons.append(Reason(key, {"channel": facts.channel_kind, "choices": ", ".join(channels)}))
    if languages := conditions.get("languages"):
        ok = (facts.language or "") in languages
        matched &= ok
        key = "routing_check.language_in" if ok else "routing_check.language_not_in"
        key = key if facts.language else "routing_check.language_unknown"
        reasons.append(Reason(key, {"language": facts.language or "", "choices": ", ".join(languages)}))
    for name, expected in (conditions.get("variables") or {}).items():
        actual = facts.variables.get(name)
        ok = actual is not None and str(actual).strip().casefold() == str(expected).strip().casefold()
        matched &= ok
        key = "routing_check.variable_equals" if ok else "routing_check.variable_differs"
        reasons.append(Reason(key, {"name": name, "actual": repr(actual), "expected": repr(expected)}))
    if tags := conditions.get("tags"):
        have = {t.casefold() for t in facts.tags}
        hits = [t for t in tags if t.casefold() in have]
        matched &= bool(hits)
        reasons.append(
            Reason("routing_check.tagged", {"tags": ", ".join(hits)})
            if hits
            else Reason("routing_check.not_tagged", {"tags": ", ".join(tags)})
        )
    if wanted := conditions.get("knowledge_areas"):
        folded = {a.casefold() for a in wanted}
        best = next((s for s in scores if s.qualified), None)
        areas = {a.casefold() for a in ((best.areas_named or best.knowledge_areas) if best else [])}
        ok = bool(folded & areas)
        matched &= ok
        key = "routing_check.area_in" if ok else "routing_check.area_not_in" if area else "routing_check.no_area"
        reasons.append(Reason(key, {"area": area or "", "choices": ", ".join(wanted)}))
    if not conditions:
        reasons.append(Reason("routing_check.always"))
    return RuleCheck(rule_id=rule.id, name=rule.name, position=rule.position, matched=bool(matched), reasons=reasons)


def _target(session: Session, rule: RoutingRule, scores: list[BotScore]) -> tuple[str, int, str] | None:
    if rule.target_type == RuleTarget.BOT:
        bot = session.get(Bot, rule.target_bot_id)
        return ("bot", bot.id, bot.name) if bot else None
    if rule.target_type == RuleTarget.QUEUE:
        queue = session.get(Queue, rule.target_queue_id)
        return ("queue", queue.id, queue.name) if queue else None
    for score in scores:
        if _serves(rule, score):
            return "bot", score.bot_id, score.bot_name
    return None


def _serves(rule: RoutingRule, score: BotScore) -> bool:
    """Whether a knowledge rule may send the message to this bot: qualified, in one of the rule's areas."""
    wanted = {a.casefold() for a in (rule.conditions or {}).get("knowledge_areas", [])}
    return score.qualified and (not wanted or bool(wanted & {a.casefold() for a in score.knowledge_areas}))


def default_queue(*, session: Session, workspace_id: int) -> Queue:
    """The workspace's default queue (its first queue if none is marked; one is created if it has none)."""
    queue = session.exec(
        select(Queue).where(Queue.workspace_id == workspace_id).order_by(Queue.is_default.desc(), Queue.id)
    ).first()
    if queue is None:
        queue = Queue(workspace_id=workspace_id, key="atendimento", name="Atendimento", is_default=True)
        session.add(queue)
        session.flush()
    return queue


def _fallback(
    session: Session,
    workspace_id: int,
    fallback_bot_id: int | None,
    exclude: dict[str, Any] | None,
    default_bot: Bot | None = None,
) -> tuple[str, int, str, str]:
    excluded_bot = exclude["id"] if exclude and exclude.get("type") == "bot" else None
    if fallback_bot_id and fallback_bot_id != excluded_bot and (bot := session.get(Bot, fallback_bot_id)):
        return "bot", bot.id, bot.name, "routing_reason.channel_bot"
    bot = default_bot or session.exec(select(Bot).where(Bot.workspace_id == workspace_id, Bot.is_default)).first()
    if bot is not None and bot.id != excluded_bot:
        return "bot", bot.id, bot.name, "routing_reason.default_bot"
    queue = default_queue(session=session, workspace_id=workspace_id)
    return "queue", queue.id, queue.name, "routing_reason.default_queue"
