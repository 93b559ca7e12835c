"""Placing a conversation: the facts rules see, `route_new` for a conversation just created (recorded as an owner
change), and `explain` for the supervisor's sample message (nothing changed).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from flowstudio.models import (
    Bot,
    Channel,
    Contact,
    Conversation,
    ConversationTag,
    Event,
    RoutingRule,
    Tag,
)
from flowstudio.services.flow_manager.deciding import Decision, Facts, decide, detect_language
from flowstudio.services.flow_manager.owner_changes import change_owner, owner_of
from flowstudio.services.flow_manager.rules import ordered_rules


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
        and _rules_use_language(ordered_rules(session, conversation.workspace_id) if rules is None else rules)
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
    rules = ordered_rules(session, conversation.workspace_id)  # read once: the facts and the decision use them
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
