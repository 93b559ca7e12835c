"""Within a caller's transaction: handing a conversation back to a bot, closing it (with the CSAT question), and
applying a flow's hand-off (to a queue, an agent or another bot).
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import (
    Bot,
    Conversation,
    ConversationStatus,
    Event,
    Membership,
    OwnerType,
    Queue,
    User,
    utcnow,
)
from flowstudio.services.assignment import queues as queue_settings
from flowstudio.services.assignment.handling import (
    ACTIVE,
    AssignmentConflict,
    AssignmentError,
    AssignmentNotFound,
    Deliveries,
)
from flowstudio.services.assignment.queueing import assign_to_agent, enqueue
from flowstudio.services.assignment.system_messages import language_of, send_system_message
from flowstudio.services.flow_manager import deciding, owner_changes
from flowstudio.services.integrations import webhooks

log = logging.getLogger("flowstudio.assignment")


def hand_to_bot(
    *,
    session: Session,
    conversation: Conversation,
    bot_id: int,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
    restart: bool = True,
) -> None:
    """Give the conversation (row locked) to a bot, keeping the flow's variables, tags and contact fields.

    Args:
        restart: start the bot's flow at its start node (a bot -> bot transfer); False resumes where the
            flow stood, listening for intents (a human handing back to the bot it came from).

    Raises:
        AssignmentError: the bot is not in the workspace.
    """
    bot = session.get(Bot, bot_id)
    if bot is None or bot.workspace_id != conversation.workspace_id:
        raise AssignmentNotFound("errors.assignment.bot_not_found")
    old = dict(conversation.session or {})
    owner_changes.change_owner(
        session=session,
        conversation=conversation,
        owner_type=OwnerType.BOT,
        owner_id=bot.id,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
    )
    if restart or not old:
        from flow_runtime.session import new_session

        conversation.language = bot.language or conversation.language  # the new flow runs in its own language
        fresh = new_session(
            id=str(conversation.id),
            language=conversation.language or "pt",
            channel=conversation.channel,
            variables=dict(old.get("variables") or {}),
            tags=list(old.get("tags") or []),
            contact=dict(old.get("contact") or {}),
        )
        conversation.session = fresh.to_dict()
    else:
        conversation.session = {**old, "owner_kind": "bot", "owner_id": None, "cursor": None, "retries": 0}
    conversation.status = ConversationStatus.OPEN
    conversation.waiting_since = None
    conversation.position_notified = None
    session.add(conversation)
    session.flush()


def close_conversation(
    *,
    session: Session,
    conversation: Conversation,
    actor_type: str,
    actor_id: int | str | None,
    reason: str = "closed by the agent",
) -> Deliveries:
    """End the humans' handling of a conversation (row locked).

    Per its queue: the customer is asked for a CSAT score (1-5) when enabled; the conversation goes back to
    the bot that had it (else the routing fallback bot) when `return_to_bot_on_close`, staying open for
    the bot; otherwise it is closed (the customer's next message starts a new conversation).

    Returns:
        The outbound messages queued (the CSAT question).
    """
    if conversation.status not in ACTIVE:
        raise AssignmentConflict("errors.assignment.already_closed")
    if conversation.owner_type == OwnerType.BOT:
        raise AssignmentConflict("errors.assignment.bot_has_it")
    now = utcnow()
    queue = session.get(Queue, conversation.queue_id or conversation.owner_queue_id or 0) or deciding.default_queue(
        session=session, workspace_id=conversation.workspace_id
    )
    conversation.closed_at = now
    conversation.waiting_since = None
    deliveries: Deliveries = []
    if queue.csat_enabled:
        question = queue.csat_question or queue_settings.default_text("csat", language_of(conversation))
        deliveries.append(
            send_system_message(session=session, conversation=conversation, text=question, purpose="csat.question")
        )
        conversation.csat_requested_at, conversation.csat_score, conversation.csat_comment = now, None, None
    session.add(
        Event(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            name="conversation.closed",
            actor_type=actor_type,
            actor_id=None if actor_id is None else str(actor_id),
            data={
                "reason": reason,
                "queue_id": queue.id,
                "owner": owner_changes.owner_of(conversation),
                "csat_requested": queue.csat_enabled,
            },
        )
    )
    bot_id = None
    if queue.return_to_bot_on_close:
        bot_id = (
            conversation.last_bot_id
            if conversation.last_bot_id and session.get(Bot, conversation.last_bot_id)
            else session.exec(
                select(Bot.id).where(Bot.workspace_id == conversation.workspace_id, Bot.is_default)
            ).first()
        )
    if bot_id is not None:
        hand_to_bot(
            session=session,
            conversation=conversation,
            bot_id=bot_id,
            actor_type=actor_type,
            actor_id=actor_id,
            reason=f"{reason}: back to the bot",
            restart=False,
        )
        conversation.closed_at = now  # hand_to_bot keeps it; the human part ended now
    else:
        conversation.status = ConversationStatus.CLOSED
    webhooks.conversation_event(
        session,
        conversation,
        "conversation.closed",
        reason=reason,
        actor={"type": actor_type, "id": actor_id},
        returned_to_bot=bot_id is not None,
    )
    session.add(conversation)
    session.flush()
    return deliveries


def apply_handoff(
    *,
    session: Session,
    conversation: Conversation,
    output: dict[str, Any],
    actor_type: str = "bot",
    actor_id: int | str | None = None,
    reason: str = "assign node",
) -> Deliveries:
    """Apply a flow's ``assign`` output (``{"type": "handoff", "queue"|"agent"|"bot": ...}``) to the
    conversation (row locked): a queue by key (unknown: the default queue; then tried for an agent at
    once), an agent by e-mail or id (at capacity or unknown: their queue's line), a bot by name or id
    (variables kept, started at its start node; unknown: unchanged, with an event saying so).

    Returns:
        The outbound messages queued (position in line, closed hours).
    """
    workspace_id = conversation.workspace_id
    if output.get("queue"):
        key = str(output["queue"]).strip()
        queue = (
            session.exec(select(Queue).where(Queue.workspace_id == workspace_id, Queue.key == key)).first()
            or session.exec(select(Queue).where(Queue.workspace_id == workspace_id, Queue.name == key)).first()
        )
        return enqueue(
            session=session,
            conversation=conversation,
            queue_id=queue.id if queue else None,
            actor_type=actor_type,
            actor_id=actor_id,
            reason=reason if queue else f"{reason} (no queue '{key}': the default queue)",
        )
    if output.get("agent"):
        target = str(output["agent"]).strip()
        user_id = _agent_id(session, workspace_id, target)
        if user_id is not None:
            if conversation.queue_id is None:
                conversation.queue_id = deciding.default_queue(session=session, workspace_id=workspace_id).id
            try:
                assign_to_agent(
                    session=session,
                    conversation=conversation,
                    user_id=user_id,
                    actor_type=actor_type,
                    actor_id=actor_id,
                    reason=reason,
                )
                return []
            except AssignmentError as error:
                reason = f"{reason} ({target}: {error}; waiting in line)"
        else:
            reason = f"{reason} (no agent '{target}': the default queue)"
        return enqueue(
            session=session,
            conversation=conversation,
            queue_id=conversation.queue_id,
            actor_type=actor_type,
            actor_id=actor_id,
            reason=reason,
        )
    if output.get("bot"):
        target = str(output["bot"]).strip()
        bot = session.exec(select(Bot).where(Bot.workspace_id == workspace_id, Bot.name == target)).first()
        if bot is None and target.isdigit():
            bot = session.get(Bot, int(target))
            bot = bot if bot and bot.workspace_id == workspace_id else None
        if bot is None:
            session.add(
                Event(
                    workspace_id=workspace_id,
                    conversation_id=conversation.id,
                    name="handoff.failed",
                    actor_type=actor_type,
                    actor_id=None if actor_id is None else str(actor_id),
                    data={"reason": f"no bot '{target}'", "output": output},
                )
            )
            return []
        hand_to_bot(
            session=session,
            conversation=conversation,
            bot_id=bot.id,
            actor_type=actor_type,
            actor_id=actor_id,
            reason=reason,
        )
        return []
    return []


def _agent_id(session: Session, workspace_id: int, target: str) -> int | None:
    query = (
        select(User.id).join(Membership, Membership.user_id == User.id).where(Membership.workspace_id == workspace_id)
    )
    if target.isdigit():
        return session.exec(query.where(User.id == int(target))).first()
    return session.exec(query.where(sa.func.lower(User.email) == target.lower())).first()
