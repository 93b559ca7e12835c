"""The flow manager: who owns a conversation. Routing rules, knowledge areas, and every owner change.

Rules are tried in `position` order on a new conversation and whenever a conversation is sent back "to
routing"; the first rule whose conditions all hold decides. Conditions (all optional, all given must hold):

- ``channels``: channel kinds (``webchat``, ``whatsapp``, ``telegram``, ``rest``);
- ``languages``: the conversation's language (the contact's, else detected from the first message);
- ``variables``: contact variable -> expected value (compared as trimmed, case-folded text);
- ``tags``: any of these tag names is on the contact's conversations;
- ``knowledge_areas``: the first message's knowledge area (see `score_bots`) is one of these.

A rule's target is a bot, a queue, or ``knowledge``: the bot whose intents best match the message. With no
matching rule the channel's bot, else the workspace's default bot, else the default queue takes it.

Every owner change goes through `change_owner`, which records a ``conversation.owner_changed`` event with
who did it (bot, agent, user or system, and their id) and why.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlmodel import Session, select

from flowstudio.models import (
    BOT_LANGUAGES,
    Bot,
    Channel,
    ChannelKind,
    Contact,
    Conversation,
    ConversationTag,
    Event,
    OwnerType,
    Queue,
    RoutingRule,
    RuleTarget,
    Tag,
    utcnow,
)

log = logging.getLogger("flowstudio.routing")

MATCH_THRESHOLD = 0.6  # the engine's "understood" score: the model's own threshold maps here
AREA_EVIDENCE = 0.15  # added to a bot's score when the message names one of its knowledge areas
CONDITION_KEYS = ("channels", "languages", "variables", "tags", "knowledge_areas")
ACTOR_TYPES = ("bot", "agent", "user", "system")


class RoutingError(ValueError):
    """A routing rule or owner change that cannot be done; the message says why (shown to the user)."""


# ---------------------------------------------------------------------------------------------- owner changes


def owner_of(conversation: Conversation) -> dict[str, Any]:
    """The conversation's owner as plain data: ``{"type": "bot"|"queue"|"agent", "id": int}``."""
    kind = OwnerType(conversation.owner_type)
    ids = {
        OwnerType.BOT: conversation.owner_bot_id,
        OwnerType.QUEUE: conversation.owner_queue_id,
        OwnerType.AGENT: conversation.owner_agent_id,
    }
    return {"type": kind.value, "id": ids[kind]}


def change_owner(
    *,
    session: Session,
    conversation: Conversation,
    owner_type: OwnerType | str,
    owner_id: int,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
    data: dict[str, Any] | None = None,
) -> Event | None:
    """Give the conversation to one new owner and record who did it and why.

    Keeps the one-owner rule (the other owner columns are cleared), remembers the last bot that had it
    (closing may return it there), tells the flow session whether its bot owns the conversation (so a bot
    stays silent while humans have it), and adds a ``conversation.owner_changed`` event with
    ``{"from": owner, "to": owner, "reason": ..., **data}``.

    Returns:
        The event, or None when the owner did not change.

    Raises:
        RoutingError: an unknown actor type.
    """
    if actor_type not in ACTOR_TYPES:
        raise RoutingError(f"actor must be one of {', '.join(ACTOR_TYPES)}")
    owner_type = OwnerType(owner_type)
    before = owner_of(conversation)
    if before == {"type": owner_type.value, "id": owner_id}:
        return None
    if conversation.owner_type == OwnerType.BOT and conversation.owner_bot_id:
        conversation.last_bot_id = conversation.owner_bot_id
    conversation.owner_type = owner_type
    conversation.owner_bot_id = owner_id if owner_type == OwnerType.BOT else None
    conversation.owner_queue_id = owner_id if owner_type == OwnerType.QUEUE else None
    conversation.owner_agent_id = owner_id if owner_type == OwnerType.AGENT else None
    flow_session = dict(conversation.session or {})
    if flow_session:
        flow_session["owner_kind"] = "bot" if owner_type == OwnerType.BOT else owner_type.value
        flow_session["owner_id"] = None if owner_type == OwnerType.BOT else str(owner_id)
        conversation.session = flow_session
    conversation.updated_at = utcnow()
    session.add(conversation)
    event = Event(
        workspace_id=conversation.workspace_id,
        conversation_id=conversation.id,
        name="conversation.owner_changed",
        actor_type=actor_type,
        actor_id=None if actor_id is None else str(actor_id),
        data={"from": before, "to": {"type": owner_type.value, "id": owner_id}, "reason": reason, **(data or {})},
    )
    session.add(event)
    return event


# ----------------------------------------------------------------------------------------------- rules CRUD


@dataclass(frozen=True)
class RuleView:
    """One routing rule as the flow manager page shows it."""

    id: int
    position: int
    name: str
    conditions: dict[str, Any]
    target_type: str
    target_id: int | None
    target_name: str
    enabled: bool


def _clean_conditions(session: Session, workspace_id: int, conditions: dict[str, Any] | None) -> dict[str, Any]:
    conditions = dict(conditions or {})
    unknown = set(conditions) - set(CONDITION_KEYS)
    if unknown:
        raise RoutingError(f"unknown condition {', '.join(sorted(unknown))} (use {', '.join(CONDITION_KEYS)})")
    clean: dict[str, Any] = {}
    for key in ("channels", "languages", "tags", "knowledge_areas"):
        values = conditions.get(key)
        if values in (None, [], ""):
            continue
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RoutingError(f"{key} must be a list of names")
        values = list(dict.fromkeys(v.strip() for v in values if v.strip()))
        if key == "channels" and (bad := [v for v in values if v not in {k.value for k in ChannelKind}]):
            raise RoutingError(f"unknown channel kind {', '.join(bad)}")
        if key == "languages" and (bad := [v for v in values if v not in BOT_LANGUAGES]):
            raise RoutingError(f"unknown language {', '.join(bad)} (use {', '.join(BOT_LANGUAGES)})")
        if values:
            clean[key] = values
    variables = conditions.get("variables")
    if variables:
        if not isinstance(variables, dict) or not all(isinstance(k, str) and k.strip() for k in variables):
            raise RoutingError("variables must map variable names to values")
        if any(isinstance(v, (dict, list)) for v in variables.values()):
            raise RoutingError("a variable condition compares one value")
        clean["variables"] = {k.strip(): v for k, v in variables.items()}
    return clean


def _check_target(
    session: Session, workspace_id: int, target_type: RuleTarget, target_id: int | None
) -> tuple[int | None, int | None]:
    if target_type == RuleTarget.KNOWLEDGE:
        return None, None
    if target_id is None:
        raise RoutingError(f"choose the {target_type.value} the rule sends conversations to")
    row = session.get(Bot if target_type == RuleTarget.BOT else Queue, target_id)
    if row is None or row.workspace_id != workspace_id:
        raise RoutingError(f"{target_type.value} not found")
    return (target_id, None) if target_type == RuleTarget.BOT else (None, target_id)


def _rule_in(session: Session, workspace_id: int, rule_id: int) -> RoutingRule:
    rule = session.get(RoutingRule, rule_id)
    if rule is None or rule.workspace_id != workspace_id:
        raise RoutingError("rule not found")
    return rule


def create_rule(
    *,
    session: Session,
    workspace_id: int,
    name: str,
    target_type: RuleTarget | str,
    target_id: int | None = None,
    conditions: dict[str, Any] | None = None,
    enabled: bool = True,
    position: int | None = None,
) -> RoutingRule:
    """Add a routing rule (last, unless `position` says where; later rules move down).

    Raises:
        RoutingError: no name, an unknown condition or value, or a target outside the workspace.
    """
    name = (name or "").strip()
    if not name:
        raise RoutingError("the rule needs a name")
    try:
        target_type = RuleTarget(target_type)
    except ValueError as error:
        raise RoutingError(f"target must be one of {', '.join(t.value for t in RuleTarget)}") from error
    bot_id, queue_id = _check_target(session, workspace_id, target_type, target_id)
    rules = _ordered_rules(session, workspace_id)
    rule = RoutingRule(
        workspace_id=workspace_id,
        name=name[:120],
        conditions=_clean_conditions(session, workspace_id, conditions),
        target_type=target_type,
        target_bot_id=bot_id,
        target_queue_id=queue_id,
        enabled=enabled,
    )
    session.add(rule)
    session.flush()
    where = len(rules) if position is None else max(0, min(position, len(rules)))
    _renumber(session, [*rules[:where], rule, *rules[where:]])
    return rule


def update_rule(
    *,
    session: Session,
    workspace_id: int,
    rule_id: int,
    name: str | None = None,
    conditions: dict[str, Any] | None = None,
    target_type: RuleTarget | str | None = None,
    target_id: int | None = None,
    enabled: bool | None = None,
) -> RoutingRule:
    """Change a rule's name, conditions, target or enabled flag (only what is given).

    Raises:
        RoutingError: as `create_rule`, or the rule is not in the workspace.
    """
    rule = _rule_in(session, workspace_id, rule_id)
    if name is not None:
        if not name.strip():
            raise RoutingError("the rule needs a name")
        rule.name = name.strip()[:120]
    if conditions is not None:
        rule.conditions = _clean_conditions(session, workspace_id, conditions)
    if target_type is not None:
        try:
            kind = RuleTarget(target_type)
        except ValueError as error:
            raise RoutingError(f"target must be one of {', '.join(t.value for t in RuleTarget)}") from error
        rule.target_type = kind
        rule.target_bot_id, rule.target_queue_id = _check_target(session, workspace_id, kind, target_id)
    if enabled is not None:
        rule.enabled = enabled
    rule.updated_at = utcnow()
    session.add(rule)
    session.flush()
    return rule


def delete_rule(*, session: Session, workspace_id: int, rule_id: int) -> None:
    """Remove a rule; the ones after it move up."""
    rule = _rule_in(session, workspace_id, rule_id)
    session.delete(rule)
    session.flush()
    _renumber(session, _ordered_rules(session, workspace_id))


def reorder_rules(*, session: Session, workspace_id: int, rule_ids: list[int]) -> list[RoutingRule]:
    """Put the workspace's rules in this order (the page's drag and drop); all rule ids must be given once.

    Raises:
        RoutingError: the ids are not exactly the workspace's rules.
    """
    rules = {rule.id: rule for rule in _ordered_rules(session, workspace_id)}
    if sorted(rule_ids) != sorted(rules):
        raise RoutingError("the new order must list every rule of the workspace once")
    ordered = [rules[rule_id] for rule_id in rule_ids]
    _renumber(session, ordered)
    return ordered


def list_rules(*, session: Session, workspace_id: int) -> list[RuleView]:
    """The workspace's rules in evaluation order, with their target's name."""
    bots = dict(session.exec(select(Bot.id, Bot.name).where(Bot.workspace_id == workspace_id)).all())
    queues = dict(session.exec(select(Queue.id, Queue.name).where(Queue.workspace_id == workspace_id)).all())
    views = []
    for rule in _ordered_rules(session, workspace_id):
        target_id = rule.target_bot_id or rule.target_queue_id
        target_name = (
            bots.get(target_id, "")
            if rule.target_type == RuleTarget.BOT
            else queues.get(target_id, "")
            if rule.target_type == RuleTarget.QUEUE
            else "best bot for the message"
        )
        views.append(
            RuleView(
                id=rule.id,
                position=rule.position,
                name=rule.name,
                conditions=dict(rule.conditions),
                target_type=RuleTarget(rule.target_type).value,
                target_id=target_id,
                target_name=target_name,
                enabled=rule.enabled,
            )
        )
    return views


def _ordered_rules(session: Session, workspace_id: int) -> list[RoutingRule]:
    return list(
        session.exec(
            select(RoutingRule)
            .where(RoutingRule.workspace_id == workspace_id)
            .order_by(RoutingRule.position, RoutingRule.id)
        ).all()
    )


def _renumber(session: Session, rules: list[RoutingRule]) -> None:
    for position, rule in enumerate(rules):
        if rule.position != position:
            rule.position = position
            session.add(rule)
    session.flush()


# ----------------------------------------------------------------------------------------- knowledge areas


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
    from flowstudio.services.conversations import runtime
    from flowstudio.services.studio import nlu

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


# ------------------------------------------------------------------------------------------------- deciding


@dataclass
class Facts:
    """What rules look at: the channel kind, language, contact variables, tags and the first message."""

    channel_kind: str = "webchat"
    language: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class RuleCheck:
    """One rule tried: whether it matched and, condition by condition, why (not)."""

    rule_id: int
    name: str
    position: int
    matched: bool
    reasons: list[str] = field(default_factory=list)


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
    rules = [r for r in (_ordered_rules(session, workspace_id) if rules is None else rules) if r.enabled]
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
            check.reasons.append("no bot understands the message above its threshold")
            continue
        if exclude and exclude == {"type": target[0], "id": target[1]}:
            check.matched = False
            check.reasons.append("it already owns the conversation")
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
    reasons: list[str] = []
    matched = True
    if channels := conditions.get("channels"):
        ok = facts.channel_kind in channels
        matched &= ok
        reasons.append(f"channel {facts.channel_kind} {'is' if ok else 'is not'} one of {', '.join(channels)}")
    if languages := conditions.get("languages"):
        ok = (facts.language or "") in languages
        matched &= ok
        reasons.append(
            f"language {facts.language or 'unknown'} {'is' if ok else 'is not'} one of {', '.join(languages)}"
        )
    for name, expected in (conditions.get("variables") or {}).items():
        actual = facts.variables.get(name)
        ok = actual is not None and str(actual).strip().casefold() == str(expected).strip().casefold()
        matched &= ok
        reasons.append(f"{name} = {actual!r} {'equals' if ok else 'is not'} {expected!r}")
    if tags := conditions.get("tags"):
        have = {t.casefold() for t in facts.tags}
        hits = [t for t in tags if t.casefold() in have]
        matched &= bool(hits)
        reasons.append(f"tagged {', '.join(hits)}" if hits else f"none of the tags {', '.join(tags)}")
    if wanted := conditions.get("knowledge_areas"):
        folded = {a.casefold() for a in wanted}
        best = next((s for s in scores if s.qualified), None)
        areas = {a.casefold() for a in ((best.areas_named or best.knowledge_areas) if best else [])}
        ok = bool(folded & areas)
        matched &= ok
        reasons.append(f"knowledge area {area or 'none'} {'is' if ok else 'is not'} one of {', '.join(wanted)}")
    if not conditions:
        reasons.append("no conditions: always")
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


def contact_tags(*, session: Session, contact_id: int) -> list[str]:
    """Tag names on any of the contact's conversations (tags describe the customer)."""
    rows = session.exec(
        select(Tag.name)
        .join(ConversationTag, ConversationTag.tag_id == Tag.id)
        .join(Conversation, Conversation.id == ConversationTag.conversation_id)
        .where(Conversation.contact_id == contact_id)
        .distinct()
    ).all()
    return sorted(rows)


def facts_for(
    *,
    session: Session,
    conversation: Conversation,
    text: str = "",
    rules: list[RoutingRule] | None = None,
    new_contact: bool = False,
) -> Facts:
    """The facts rules see for a conversation: its channel, language, contact variables and tags.

    Args:
        rules: the workspace's rules, when the caller has read them already (they say whether the
            language must be detected).
        new_contact: the contact was created just now, so none of its conversations has tags yet.
    """
    contact = session.get(Contact, conversation.contact_id)
    flow_tags = list((conversation.session or {}).get("tags") or [])
    variables = {**(contact.variables if contact else {}), **((conversation.session or {}).get("variables") or {})}
    language = conversation.language or (contact.language if contact else None)
    if (
        not language
        and text
        and _rules_use_language(_ordered_rules(session, conversation.workspace_id) if rules is None else rules)
    ):
        language = detect_language(text)  # ~15 ms a message: only when a rule asks for languages
    tags = set() if new_contact else set(contact_tags(session=session, contact_id=conversation.contact_id))
    return Facts(
        channel_kind=str(conversation.channel),
        language=(language or "")[:2] or None,
        variables=variables,
        tags=sorted(tags | set(flow_tags)),
        text=text,
    )


def _rules_use_language(rules: list[RoutingRule]) -> bool:
    return any(r.enabled and (r.conditions or {}).get("languages") for r in rules)


def route_new(
    *,
    session: Session,
    conversation: Conversation,
    text: str,
    channel: Channel | None = None,
    new_contact: bool = False,
    default_bot: Bot | None = None,
) -> Decision:
    """Choose the owner of a conversation just created (not yet given to anyone else) and record why.

    The conversation must already have an owner (the channel's bot, say) to satisfy the one-owner rule;
    this replaces it when routing decides otherwise, with an event either way. ``new_contact``: the
    contact was created in this turn (it has no tags to read yet); ``default_bot``: the workspace's default
    bot, when the caller has read it already.
    """
    rules = _ordered_rules(session, conversation.workspace_id)  # read once: the facts and the decision use them
    facts = facts_for(session=session, conversation=conversation, text=text, rules=rules, new_contact=new_contact)
    decision = decide(
        session=session,
        workspace_id=conversation.workspace_id,
        facts=facts,
        fallback_bot_id=channel.bot_id if channel else None,
        rules=rules,
        default_bot=default_bot,
    )
    if decision.owner_type == "bot" and not conversation.language:
        # the flow runs in its bot's language (its NLU was trained in it); detection only informs the rules
        conversation.language = session.get(Bot, decision.owner_id).language
    event = change_owner(
        session=session,
        conversation=conversation,
        owner_type=decision.owner_type,
        owner_id=decision.owner_id,
        actor_type="system",
        actor_id=None,
        reason=f"routing: {decision.reason}",
        data={"rule_id": decision.rule_id},
    )
    if event is None:
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="conversation.routed",
                actor_type="system",
                data={
                    "to": owner_of(conversation),
                    "reason": f"routing: {decision.reason}",
                    "rule_id": decision.rule_id,
                },
            )
        )
    return decision


def explain(
    session: Session,
    workspace_id: int,
    sample: str,
    *,
    channel_kind: str = "webchat",
    language: str | None = None,
    variables: dict[str, Any] | None = None,
    tags: list[str] | None = None,
) -> Decision:
    """Where a new conversation starting with `sample` would go, without changing anything.

    For the supervisor's "try a sample message": the decision carries the rule that matched, every rule
    tried with its reasons, and each published bot's score for the message.
    """
    facts = Facts(
        channel_kind=channel_kind,
        language=language or detect_language(sample),
        variables=dict(variables or {}),
        tags=list(tags or []),
        text=sample,
    )
    return decide(session=session, workspace_id=workspace_id, facts=facts, always_score=True)


def bot_areas(*, session: Session, workspace_id: int) -> dict[str, list[dict[str, Any]]]:
    """Knowledge area -> the bots that own it (``{"id", "name"}``), for the page's board of areas."""
    areas: dict[str, list[dict[str, Any]]] = {}
    for bot in session.exec(select(Bot).where(Bot.workspace_id == workspace_id).order_by(Bot.name)).all():
        for area in bot.knowledge_areas or []:
            areas.setdefault(area, []).append({"id": bot.id, "name": bot.name})
    return areas


def set_bot_areas(*, session: Session, workspace_id: int, bot_id: int, areas: list[str]) -> Bot:
    """Give a bot its knowledge areas (the page's drag of a bot onto an area); blanks and repeats dropped."""
    bot = session.get(Bot, bot_id)
    if bot is None or bot.workspace_id != workspace_id:
        raise RoutingError("bot not found")
    bot.knowledge_areas = list(dict.fromkeys(a.strip() for a in areas if a and a.strip()))
    bot.updated_at = utcnow()
    session.add(bot)
    session.flush()
    return bot


def set_default_bot(*, session: Session, workspace_id: int, bot_id: int) -> Bot:
    """Make this the workspace's default bot (the one that answers when no rule and no channel bot decides)."""
    bot = session.get(Bot, bot_id)
    if bot is None or bot.workspace_id != workspace_id:
        raise RoutingError("bot not found")
    for other in session.exec(
        select(Bot).where(Bot.workspace_id == workspace_id, Bot.is_default, Bot.id != bot_id)
    ).all():
        other.is_default = False
        session.add(other)
    session.flush()  # one default per workspace (a unique index): clear the old one first
    bot.is_default = True
    session.add(bot)
    session.flush()
    return bot


__all__ = [
    "AREA_EVIDENCE",
    "BotScore",
    "Decision",
    "Facts",
    "RoutingError",
    "RuleCheck",
    "RuleView",
    "bot_areas",
    "change_owner",
    "contact_tags",
    "create_rule",
    "decide",
    "default_queue",
    "delete_rule",
    "detect_language",
    "explain",
    "facts_for",
    "knowledge_area_of",
    "list_rules",
    "owner_of",
    "reorder_rules",
    "route_new",
    "score_bots",
    "set_bot_areas",
    "set_default_bot",
    "update_rule",
]
