"""Routing rules: create, change, reorder and list them; and the board's bots (knowledge areas, the default bot).

Rules are tried in `position` order on a new conversation and whenever a conversation is sent back "to
routing"; the first rule whose conditions all hold decides (see `deciding`). Conditions (all optional, all given
must hold):

- ``channels``: channel kinds (``webchat``, ``whatsapp``, ``telegram``, ``rest``);
- ``languages``: the conversation's language (the contact's, else detected from the first message);
- ``variables``: contact variable -> expected value (compared as trimmed, case-folded text);
- ``tags``: any of these tag names is on the contact's conversations;
- ``knowledge_areas``: the first message's knowledge area (see `knowledge_areas.score_bots`) is one of these.

A rule's target is a bot, a queue, or ``knowledge``: the bot whose intents best match the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from flowstudio.errors import Invalid, NotFound
from flowstudio.models import (
    BOT_LANGUAGES,
    Bot,
    ChannelKind,
    Queue,
    RoutingRule,
    RuleTarget,
    utcnow,
)

CONDITION_KEYS = ("channels", "languages", "variables", "tags", "knowledge_areas")


class RoutingError(Invalid):
    """A routing rule or owner change that cannot be done: an i18n key and its parameters (shown to the user)."""


class RoutingNotFound(RoutingError, NotFound):
    """The rule, bot or queue named is not in the workspace."""


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
        raise RoutingError(
            "errors.routing.unknown_condition", names=", ".join(sorted(unknown)), choices=", ".join(CONDITION_KEYS)
        )
    clean: dict[str, Any] = {}
    for key in ("channels", "languages", "tags", "knowledge_areas"):
        values = conditions.get(key)
        if values in (None, [], ""):
            continue
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RoutingError("errors.routing.not_a_list", key=key)
        values = list(dict.fromkeys(v.strip() for v in values if v.strip()))
        if key == "channels" and (bad := [v for v in values if v not in {k.value for k in ChannelKind}]):
            raise RoutingError("errors.routing.channel_kind", names=", ".join(bad))
        if key == "languages" and (bad := [v for v in values if v not in BOT_LANGUAGES]):
            raise RoutingError("errors.routing.language", names=", ".join(bad), choices=", ".join(BOT_LANGUAGES))
        if values:
            clean[key] = values
    variables = conditions.get("variables")
    if variables:
        if not isinstance(variables, dict) or not all(isinstance(k, str) and k.strip() for k in variables):
            raise RoutingError("errors.routing.variables_shape")
        if any(isinstance(v, (dict, list)) for v in variables.values()):
            raise RoutingError("errors.routing.variable_value")
        clean["variables"] = {k.strip(): v for k, v in variables.items()}
    return clean


def _check_target(
    session: Session, workspace_id: int, target_type: RuleTarget, target_id: int | None
) -> tuple[int | None, int | None]:
    if target_type == RuleTarget.KNOWLEDGE:
        return None, None
    if target_id is None:
        raise RoutingError(
            "errors.routing.choose_bot" if target_type == RuleTarget.BOT else "errors.routing.choose_queue"
        )
    row = session.get(Bot if target_type == RuleTarget.BOT else Queue, target_id)
    if row is None or row.workspace_id != workspace_id:
        raise RoutingNotFound(
            "errors.routing.bot_not_found" if target_type == RuleTarget.BOT else "errors.routing.queue_not_found"
        )
    return (target_id, None) if target_type == RuleTarget.BOT else (None, target_id)


def _rule_in(session: Session, workspace_id: int, rule_id: int) -> RoutingRule:
    rule = session.get(RoutingRule, rule_id)
    if rule is None or rule.workspace_id != workspace_id:
        raise RoutingNotFound("errors.routing.rule_not_found")
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
        raise RoutingError("errors.routing.needs_name")
    try:
        target_type = RuleTarget(target_type)
    except ValueError as error:
        raise RoutingError("errors.routing.target", choices=", ".join(t.value for t in RuleTarget)) from error
    bot_id, queue_id = _check_target(session, workspace_id, target_type, target_id)
    rules = ordered_rules(session, workspace_id)
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
            raise RoutingError("errors.routing.needs_name")
        rule.name = name.strip()[:120]
    if conditions is not None:
        rule.conditions = _clean_conditions(session, workspace_id, conditions)
    if target_type is not None:
        try:
            kind = RuleTarget(target_type)
        except ValueError as error:
            raise RoutingError("errors.routing.target", choices=", ".join(t.value for t in RuleTarget)) from error
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
    _renumber(session, ordered_rules(session, workspace_id))


def reorder_rules(*, session: Session, workspace_id: int, rule_ids: list[int]) -> list[RoutingRule]:
    """Put the workspace's rules in this order (the page's drag and drop); all rule ids must be given once.

    Raises:
        RoutingError: the ids are not exactly the workspace's rules.
    """
    rules = {rule.id: rule for rule in ordered_rules(session, workspace_id)}
    if sorted(rule_ids) != sorted(rules):
        raise RoutingError("errors.routing.order")
    ordered = [rules[rule_id] for rule_id in rule_ids]
    _renumber(session, ordered)
    return ordered


def list_rules(*, session: Session, workspace_id: int) -> list[RuleView]:
    """The workspace's rules in evaluation order, with their target's name."""
    bots = dict(session.exec(select(Bot.id, Bot.name).where(Bot.workspace_id == workspace_id)).all())
    queues = dict(session.exec(select(Queue.id, Queue.name).where(Queue.workspace_id == workspace_id)).all())
    views = []
    for rule in ordered_rules(session, workspace_id):
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


def ordered_rules(session: Session, workspace_id: int) -> list[RoutingRule]:
    """The workspace's rules in evaluation order (enabled or not)."""
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


# ------------------------------------------------------------------------- the board: areas and the default bot


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
        raise RoutingNotFound("errors.routing.bot_not_found")
    bot.knowledge_areas = list(dict.fromkeys(a.strip() for a in areas if a and a.strip()))
    bot.updated_at = utcnow()
    session.add(bot)
    session.flush()
    return bot


def set_default_bot(*, session: Session, workspace_id: int, bot_id: int) -> Bot:
    """Make this the workspace's default bot (the one that answers when no rule and no channel bot decides)."""
    bot = session.get(Bot, bot_id)
    if bot is None or bot.workspace_id != workspace_id:
        raise RoutingNotFound("errors.routing.bot_not_found")
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
