"""Conversations in human hands: waiting in a queue, assigned to an agent, transferred, closed, rated.

Two layers:

- functions taking ``session=`` and a locked `Conversation` row work inside a caller's transaction (the
  inbound path, which already holds the contact's lock). They return the outbound messages they queued
  as ``[(message id, countdown)]`` for the caller to hand to `enqueue_deliveries` after commit.
- action functions (`accept`, `pick`, `transfer`, `close`, `send_agent_message`, `assign_waiting`...) take
  ids, hold the conversation's lock (`flowstudio.services.conversations.locks`) and its row lock, commit, then queue
  the deliveries themselves. These are what pages and the API call.

One owner at a time: every assignment locks the conversation row (``FOR UPDATE``) and re-reads its owner,
locks the queue row while choosing (so round robin's cursor and loads are read by one chooser at a time)
and the chosen agent's profile row while counting their load against their capacity.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import (
    AgentProfile,
    AgentQueue,
    AgentStatus,
    AssignmentStrategy,
    Bot,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Direction,
    Event,
    Membership,
    Message,
    OwnerType,
    Priority,
    Queue,
    Role,
    SenderType,
    User,
    as_utc,
    utcnow,
)
from flowstudio.services.assignment import queues as queue_settings
from flowstudio.services.conversations import outbox, typing_indicator
from flowstudio.services.conversations.locks import contact_lock_key, conversation_lock
from flowstudio.services.flow_manager import deciding, owner_changes, placement
from flowstudio.services.integrations import webhooks

log = logging.getLogger("flowstudio.assignment")
CSAT_WINDOW = timedelta(hours=24)  # how long a CSAT question waits for its answer
_CSAT_ANSWER = re.compile(
    r"^\s*([1-5])\s*(?:(?:/\s*5|estrelas?|stars?|étoiles?|estrellas?)\s*)?"
    r"(?:[-–:,.!)]+\s*(.*))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_STARS = re.compile(r"^\s*(⭐|★){1,5}\s*$")
ACTIVE = (ConversationStatus.OPEN, ConversationStatus.PENDING)

Deliveries = list[tuple[int, float]]


class AssignmentError(ValueError):
    """An action on a conversation that cannot be done; the message says why (shown to the user)."""


# ------------------------------------------------------------------------------------------------ messages


def _language(conversation: Conversation) -> str:
    return (conversation.language or (conversation.session or {}).get("language") or "pt")[:2]


def send_system_message(
    *, session: Session, conversation: Conversation, text: str, purpose: str, key: str | None = None
) -> tuple[int, float]:
    """Queue a platform message to the customer (position in line, closed hours, CSAT) through delivery.

    Returns:
        ``(message id, 0)`` to hand to `enqueue_deliveries` after commit.
    """
    message = Message(
        conversation_id=conversation.id,
        direction=Direction.OUTBOUND,
        sender_type=SenderType.SYSTEM,
        kind="text",
        text=text,
        payload={"type": "text", "text": text, "purpose": purpose},
        idempotency_key=key,
        status=DeliveryStatus.QUEUED,
    )
    session.add(message)
    session.flush()
    conversation.last_message_at = utcnow()
    webhooks.message_created(session, conversation, message)
    return message.id, 0.0


def _deliver(deliveries: Deliveries) -> None:
    if deliveries:
        outbox.enqueue_deliveries(deliveries)


# --------------------------------------------------------------------------------------------- the agents


def _members_online(session: Session, queue: Queue) -> list[tuple[int, int]]:
    """(user id, capacity) of the queue's online agents who are members of its workspace, by user id."""
    query = (
        select(AgentQueue.user_id, AgentProfile.capacity)
        .join(Membership, (Membership.user_id == AgentQueue.user_id) & (Membership.workspace_id == queue.workspace_id))
        .join(AgentProfile, AgentProfile.membership_id == Membership.id)
        .where(AgentQueue.queue_id == queue.id, AgentProfile.status == AgentStatus.ONLINE, AgentProfile.capacity > 0)
        .order_by(AgentQueue.user_id)
    )
    return list(session.exec(query).all())


def _load(session: Session, workspace_id: int, user_ids: list[int]) -> dict[int, int]:
    if not user_ids:
        return {}
    rows = session.exec(
        select(Conversation.owner_agent_id, sa.func.count())
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.owner_type == OwnerType.AGENT,
            Conversation.owner_agent_id.in_(user_ids),
            Conversation.status.in_(ACTIVE),
        )
        .group_by(Conversation.owner_agent_id)
    ).all()
    return {user_id: count for user_id, count in rows}


def _lock_profile(session: Session, workspace_id: int, user_id: int) -> AgentProfile | None:
    return session.exec(
        select(AgentProfile)
        .join(Membership, Membership.id == AgentProfile.membership_id)
        .where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
        .with_for_update(of=AgentProfile)
    ).first()


def choose_agent(*, session: Session, queue: Queue) -> int | None:
    """The agent the queue's strategy gives its next conversation to, or None (manual queue, nobody online
    with room). Round robin takes the next online agent with room after the last one served (by user id,
    wrapping); least busy the one holding the fewest conversations (ties: the lowest user id)."""
    strategy = AssignmentStrategy(queue.strategy)
    if strategy == AssignmentStrategy.MANUAL:
        return None
    members = _members_online(session, queue)
    load = _load(session, queue.workspace_id, [user_id for user_id, _ in members])
    free = [(user_id, capacity) for user_id, capacity in members if load.get(user_id, 0) < capacity]
    if not free:
        return None
    if strategy == AssignmentStrategy.LEAST_BUSY:
        return min(free, key=lambda item: (load.get(item[0], 0) / item[1], load.get(item[0], 0), item[0]))[0]
    cursor = queue.rr_cursor or 0
    after = [user_id for user_id, _ in free if user_id > cursor]
    return after[0] if after else free[0][0]


def _has_room(session: Session, workspace_id: int, user_id: int, *, lock: bool = True) -> tuple[bool, str]:
    profile = _lock_profile(session, workspace_id, user_id) if lock else None
    if profile is None:
        profile = session.exec(
            select(AgentProfile)
            .join(Membership, Membership.id == AgentProfile.membership_id)
            .where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
        ).first()
    if profile is None:
        return False, "the agent has no agent profile (offline)"
    held = _load(session, workspace_id, [user_id]).get(user_id, 0)
    if held >= profile.capacity:
        return False, f"the agent already holds {held} conversation(s) (capacity {profile.capacity})"
    return True, ""


# ------------------------------------------------------------------------------- within a caller's transaction


def _set_agent(
    session: Session,
    conversation: Conversation,
    user_id: int,
    *,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
) -> None:
    now = utcnow()
    owner_changes.change_owner(
        session=session,
        conversation=conversation,
        owner_type=OwnerType.AGENT,
        owner_id=user_id,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
        data={"queue_id": conversation.queue_id},
    )
    conversation.status = ConversationStatus.OPEN
    conversation.waiting_since = None
    conversation.assigned_at = now
    conversation.position_notified = None
    conversation.queued_at = conversation.queued_at or now
    webhooks.conversation_event(
        session,
        conversation,
        "conversation.assigned",
        agent_id=user_id,
        reason=reason,
        actor={"type": actor_type, "id": actor_id},
    )


def try_assign(
    *,
    session: Session,
    conversation: Conversation,
    actor_type: str = "system",
    actor_id: int | str | None = None,
    now: datetime | None = None,
) -> int | None:
    """Give a waiting conversation (row already locked) to an agent of its queue, if one can take it.

    Nothing happens outside business hours, in a manual queue, or when no online agent has room.

    Returns:
        The agent's user id, or None.
    """
    if conversation.owner_type != OwnerType.QUEUE or conversation.status not in ACTIVE:
        return None
    queue = session.exec(select(Queue).where(Queue.id == conversation.owner_queue_id).with_for_update()).one()
    if not queue_settings.is_open(queue, now):
        return None
    for _attempt in range(3):
        user_id = choose_agent(session=session, queue=queue)
        if user_id is None:
            return None
        room, _why = _has_room(session, queue.workspace_id, user_id)
        if not room:  # filled up by another queue's chooser meanwhile: choose again
            continue
        if AssignmentStrategy(queue.strategy) == AssignmentStrategy.ROUND_ROBIN:
            queue.rr_cursor = user_id
            session.add(queue)
        _set_agent(
            session,
            conversation,
            user_id,
            actor_type=actor_type,
            actor_id=actor_id,
            reason=f"{AssignmentStrategy(queue.strategy).value} assignment in queue {queue.name}",
        )
        session.add(conversation)
        session.flush()
        return user_id
    return None


def enqueue(
    *,
    session: Session,
    conversation: Conversation,
    queue_id: int | None,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
    assign_now: bool = True,
    now: datetime | None = None,
) -> Deliveries:
    """Put a conversation (row locked) in a queue's line and try to give it to an agent at once.

    Outside business hours the customer is told (the queue's closed message) and it waits; otherwise when
    no agent can take it, the customer is told their place in line (when the queue has a position message).

    Args:
        queue_id: the queue (None = the workspace's default queue).

    Returns:
        The outbound messages queued.
    """
    now = now or utcnow()
    if queue_id is None:
        queue = deciding.default_queue(session=session, workspace_id=conversation.workspace_id)
    else:
        queue = session.get(Queue, queue_id)
        if queue is None or queue.workspace_id != conversation.workspace_id:
            raise AssignmentError("queue not found")
    already_human = (
        conversation.owner_type != OwnerType.BOT
        and conversation.queued_at is not None
        and conversation.closed_at is None
    )
    owner_changes.change_owner(
        session=session,
        conversation=conversation,
        owner_type=OwnerType.QUEUE,
        owner_id=queue.id,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
    )
    conversation.queue_id = queue.id
    conversation.status = ConversationStatus.PENDING
    conversation.waiting_since = now
    conversation.sla_breached_at = None
    conversation.position_notified = None
    if not already_human:  # a new stay with humans: the figures start over
        conversation.queued_at, conversation.assigned_at, conversation.first_response_at = now, None, None
        conversation.closed_at = None
        conversation.last_read_at = now
        conversation.csat_requested_at = conversation.csat_score = conversation.csat_comment = None
    session.add(conversation)
    session.flush()
    deliveries: Deliveries = []
    if not queue_settings.is_open(queue, now):
        opens = queue_settings.next_opening(queue, now)
        template = queue.closed_message or queue_settings.default_text("closed", _language(conversation))
        text = queue_settings.render(template, queue=queue.name, opens=opens.strftime("%d/%m %H:%M") if opens else "-")
        deliveries.append(
            send_system_message(session=session, conversation=conversation, text=text, purpose="queue.closed")
        )
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="queue.outside_hours",
                data={"queue_id": queue.id, "opens": opens.isoformat() if opens else None},
            )
        )
        return deliveries
    if assign_now and try_assign(session=session, conversation=conversation, now=now) is not None:
        return deliveries
    deliveries.extend(notify_position(session=session, conversation=conversation, queue=queue))
    return deliveries


def requeue(
    *, session: Session, conversation: Conversation, actor_type: str, actor_id: int | str | None, reason: str
) -> Deliveries:
    """Put an agent's conversation back in its queue's line (the agent left, or gave it back)."""
    return enqueue(
        session=session,
        conversation=conversation,
        queue_id=conversation.queue_id,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=reason,
    )


def position_in_line(*, session: Session, conversation: Conversation) -> int | None:
    """1 for the next conversation of its queue to be served, None when it is not waiting in a queue."""
    if conversation.owner_type != OwnerType.QUEUE or conversation.waiting_since is None:
        return None
    ahead = session.exec(
        select(sa.func.count())
        .select_from(Conversation)
        .where(
            Conversation.owner_type == OwnerType.QUEUE,
            Conversation.owner_queue_id == conversation.owner_queue_id,
            Conversation.status.in_(ACTIVE),
            Conversation.waiting_since.is_not(None),
            sa.or_(
                Conversation.waiting_since < conversation.waiting_since,
                sa.and_(Conversation.waiting_since == conversation.waiting_since, Conversation.id < conversation.id),
            ),
        )
    )
    return int(ahead.one()) + 1


def notify_position(*, session: Session, conversation: Conversation, queue: Queue | None = None) -> Deliveries:
    """Tell the customer their place in line if it changed since they were last told (and the queue has a
    position message, and is open)."""
    queue = queue or session.get(Queue, conversation.owner_queue_id)
    if queue is None or not queue.position_message or not queue_settings.is_open(queue):
        return []
    position = position_in_line(session=session, conversation=conversation)
    if position is None or position == conversation.position_notified:
        return []
    conversation.position_notified = position
    session.add(conversation)
    text = queue_settings.render(queue.position_message, position=position, queue=queue.name)
    return [send_system_message(session=session, conversation=conversation, text=text, purpose="queue.position")]


def assign_to_agent(
    *,
    session: Session,
    conversation: Conversation,
    user_id: int,
    actor_type: str,
    actor_id: int | str | None,
    reason: str,
    force: bool = False,
) -> None:
    """Give the conversation (row locked) to an agent of the workspace, within their capacity.

    Args:
        force: a supervisor's transfer may go over the agent's capacity.

    Raises:
        AssignmentError: not a member of the workspace, or at capacity (without `force`).
    """
    if conversation.status not in ACTIVE:
        raise AssignmentError("the conversation is closed")
    member = session.exec(
        select(Membership.id).where(Membership.workspace_id == conversation.workspace_id, Membership.user_id == user_id)
    ).first()
    if member is None:
        raise AssignmentError("that agent is not in this workspace")
    if conversation.owner_type == OwnerType.AGENT and conversation.owner_agent_id == user_id:
        return
    if not force:
        room, why = _has_room(session, conversation.workspace_id, user_id)
        if not room:
            raise AssignmentError(why)
    if conversation.queue_id is None:
        conversation.queue_id = deciding.default_queue(session=session, workspace_id=conversation.workspace_id).id
    if conversation.queued_at is None or conversation.closed_at is not None:
        conversation.queued_at, conversation.first_response_at, conversation.closed_at = utcnow(), None, None
        conversation.last_read_at = utcnow()
    _set_agent(session, conversation, user_id, actor_type=actor_type, actor_id=actor_id, reason=reason)
    session.add(conversation)
    session.flush()


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
        raise AssignmentError("bot not found")
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
        raise AssignmentError("the conversation is already closed")
    if conversation.owner_type == OwnerType.BOT:
        raise AssignmentError("a bot has this conversation; there is no human handling to close")
    now = utcnow()
    queue = session.get(Queue, conversation.queue_id or conversation.owner_queue_id or 0) or deciding.default_queue(
        session=session, workspace_id=conversation.workspace_id
    )
    conversation.closed_at = now
    conversation.waiting_since = None
    deliveries: Deliveries = []
    if queue.csat_enabled:
        question = queue.csat_question or queue_settings.default_text("csat", _language(conversation))
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


# ------------------------------------------------------------------------------------------------------ CSAT


@dataclass
class CsatAnswer:
    """A customer's reply taken as the CSAT answer of a conversation."""

    conversation_id: int
    message_id: int
    score: int
    deliveries: Deliveries = field(default_factory=list)


def parse_csat(text: str) -> tuple[int, str | None] | None:
    """A 1-5 score (and an optional comment after it: ``4 - quick and kind``), or None if not an answer."""
    text = (text or "").strip()
    if _STARS.match(text):
        return len(re.findall("⭐|★", text)), None
    match = _CSAT_ANSWER.match(text)
    if match is None:
        return None
    return int(match.group(1)), (match.group(2) or "").strip() or None


def take_csat_answer(
    *,
    session: Session,
    event: Any,
    key: str | None = None,
    conversation: Conversation | None = None,
    now: datetime | None = None,
) -> CsatAnswer | None:
    """Store a customer's reply to a pending CSAT question as the conversation's score.

    Args:
        event: the inbound event (an `InboundEvent`: channel_id, external_user_id, kind, text,
            external_message_id).
        key: the inbound message's idempotency key.
        conversation: the contact's open conversation on the channel (row locked), if any; else the
            newest of the contact's conversations there asked within `CSAT_WINDOW` is looked up.

    A reply that is not a 1-5 score ends the wait (the message is then handled as usual, by the bot or the
    humans); a score is stored with its message and thanked.

    Returns:
        The answer, or None when the message is not a CSAT answer (handle it as usual).
    """
    now = now or utcnow()
    if conversation is None:
        conversation = session.exec(
            select(Conversation)
            .join(ContactIdentity, ContactIdentity.contact_id == Conversation.contact_id)
            .where(
                ContactIdentity.channel_id == event.channel_id,
                ContactIdentity.external_id == event.external_user_id,
                Conversation.channel_id == event.channel_id,
                Conversation.csat_requested_at.is_not(None),
                Conversation.csat_score.is_(None),
                Conversation.csat_requested_at > now - CSAT_WINDOW,
            )
            .order_by(Conversation.id.desc())
            .limit(1)
            .with_for_update(of=Conversation)
        ).first()
    if conversation is None or conversation.csat_requested_at is None or conversation.csat_score is not None:
        return None
    kind, text = event.kind, event.text or ""
    if as_utc(conversation.csat_requested_at) <= now - CSAT_WINDOW:
        conversation.csat_requested_at = None  # too late to count as the answer
        session.add(conversation)
        return None
    parsed = parse_csat(text) if kind in ("text", "click") else None
    if parsed is None:
        conversation.csat_requested_at = None
        session.add(conversation)
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="csat.skipped",
                actor_type="system",
                data={"reply": (text or "")[:200]},
            )
        )
        return None
    score, comment = parsed
    inbound = Message(
        conversation_id=conversation.id,
        direction=Direction.INBOUND,
        sender_type=SenderType.CONTACT,
        kind=kind,
        text=text or None,
        payload={"purpose": "csat.answer"},
        channel_message_id=event.external_message_id,
        idempotency_key=key,
        status=DeliveryStatus.RECEIVED,
        created_at=now,
    )
    session.add(inbound)
    conversation.csat_score, conversation.csat_comment = score, comment
    conversation.last_inbound_at = conversation.last_message_at = now
    conversation.inactive_since = None  # the customer answered: not silent any more
    session.add(conversation)
    session.flush()
    webhooks.message_created(session, conversation, inbound)
    session.add(
        Event(
            workspace_id=conversation.workspace_id,
            conversation_id=conversation.id,
            name="csat.answered",
            actor_type="system",
            data={"score": score, "comment": comment},
        )
    )
    thanks = send_system_message(
        session=session,
        conversation=conversation,
        text=queue_settings.default_text("csat_thanks", _language(conversation)),
        purpose="csat.thanks",
        key=f"csat:{inbound.id}",
    )
    return CsatAnswer(conversation_id=conversation.id, message_id=inbound.id, score=score, deliveries=[thanks])


# --------------------------------------------------------------------------------------- actions (own the lock)


@dataclass
class ActionResult:
    """What an action did: the conversation's owner after it and the messages queued."""

    conversation_id: int
    owner: dict[str, Any]
    status: str
    deliveries: Deliveries = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


def lock_key(session: Session, conversation: Conversation) -> str:
    """The lock the inbound path holds for this conversation's contact (so actions and messages take turns)."""
    identity = (
        session.exec(
            select(ContactIdentity).where(
                ContactIdentity.contact_id == conversation.contact_id,
                ContactIdentity.channel_id == conversation.channel_id,
            )
        ).first()
        if conversation.channel_id
        else None
    )
    return (
        contact_lock_key(conversation.channel_id, identity.external_id)
        if identity
        else f"conversation:{conversation.id}"
    )


@contextmanager
def locked(conversation_id: int, *, workspace_id: int | None = None) -> Iterator[tuple[Session, Conversation]]:
    """The conversation's lock, a transaction, and its row locked ``FOR UPDATE`` (committed on exit).

    Raises:
        AssignmentError: no such conversation (in that workspace).
    """
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or (workspace_id is not None and conversation.workspace_id != workspace_id):
            raise AssignmentError("conversation not found")
        key = lock_key(session, conversation)
    with conversation_lock(key), session_scope() as session:
        row = session.exec(select(Conversation).where(Conversation.id == conversation_id).with_for_update()).one()
        yield session, row


def _act(
    conversation_id: int, workspace_id: int | None, work: Callable[[Session, Conversation], Deliveries | None]
) -> ActionResult:
    with locked(conversation_id, workspace_id=workspace_id) as (session, conversation):
        deliveries = work(session, conversation) or []
        result = ActionResult(
            conversation_id=conversation_id,
            owner=owner_changes.owner_of(conversation),
            status=ConversationStatus(conversation.status).value,
            deliveries=list(deliveries),
        )
    _deliver(result.deliveries)
    return result


def _member_role(session: Session, workspace_id: int, user_id: int) -> Role | None:
    role = session.exec(
        select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()
    return Role(role) if role else None


def pick(*, conversation_id: int, agent_id: int, workspace_id: int | None = None) -> ActionResult:
    """An agent takes a waiting conversation from a queue they serve (supervisors and admins: any queue),
    within their capacity (manual pick; any strategy).

    Raises:
        AssignmentError: it is no longer waiting (someone else got it), not their queue, or they are full.
    """

    def work(session: Session, conversation: Conversation) -> None:
        if conversation.owner_type != OwnerType.QUEUE or conversation.status not in ACTIVE:
            raise AssignmentError("this conversation is no longer waiting")
        role = _member_role(session, conversation.workspace_id, agent_id)
        if role is None:
            raise AssignmentError("you are not in this workspace")
        serves = session.get(AgentQueue, (conversation.owner_queue_id, agent_id)) is not None
        if not serves and role == Role.AGENT:
            raise AssignmentError("you do not serve this conversation's queue")
        assign_to_agent(
            session=session,
            conversation=conversation,
            user_id=agent_id,
            actor_type="agent",
            actor_id=agent_id,
            reason="picked from the queue",
        )

    return _act(conversation_id, workspace_id, work)


def accept(*, conversation_id: int, agent_id: int, workspace_id: int | None = None) -> ActionResult:
    """An agent accepts a conversation: a waiting one becomes theirs (as `pick`); one already theirs is
    marked read."""
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        mine = (
            conversation is not None
            and conversation.owner_type == OwnerType.AGENT
            and conversation.owner_agent_id == agent_id
        )
    if not mine:
        return pick(conversation_id=conversation_id, agent_id=agent_id, workspace_id=workspace_id)
    return mark_read(conversation_id=conversation_id, agent_id=agent_id, workspace_id=workspace_id)


def transfer(
    *,
    conversation_id: int,
    to_type: str,
    to_id: int | None = None,
    actor_type: str = "agent",
    actor_id: int | None = None,
    reason: str = "transferred",
    workspace_id: int | None = None,
    text: str = "",
) -> ActionResult:
    """Transfer a conversation to an agent, a queue, a bot, or ``routing`` (the rules decide, never the
    current owner).

    Agents transfer within the target's capacity; supervisors and admins may go over it. A queue transfer
    tries to assign at once; a bot transfer keeps the variables and starts the bot's flow.

    Raises:
        AssignmentError / rules.RoutingError: an unknown target, a full agent, a closed conversation.
    """

    def work(session: Session, conversation: Conversation) -> Deliveries:
        if conversation.status not in ACTIVE:
            raise AssignmentError("the conversation is closed")
        if to_type == "agent":
            if to_id is None:
                raise AssignmentError("choose the agent")
            role = (
                _member_role(session, conversation.workspace_id, actor_id)
                if actor_type == "agent" and actor_id
                else None
            )
            force = actor_type == "user" or role in (Role.ADMIN, Role.SUPERVISOR)
            assign_to_agent(
                session=session,
                conversation=conversation,
                user_id=to_id,
                actor_type=actor_type,
                actor_id=actor_id,
                reason=reason,
                force=force,
            )
            return []
        if to_type == "queue":
            return enqueue(
                session=session,
                conversation=conversation,
                queue_id=to_id,
                actor_type=actor_type,
                actor_id=actor_id,
                reason=reason,
            )
        if to_type == "bot":
            if to_id is None:
                raise AssignmentError("choose the bot")
            hand_to_bot(
                session=session,
                conversation=conversation,
                bot_id=to_id,
                actor_type=actor_type,
                actor_id=actor_id,
                reason=reason,
            )
            return []
        if to_type == "routing":
            return reroute(
                session=session,
                conversation=conversation,
                text=text,
                actor_type=actor_type,
                actor_id=actor_id,
                reason=reason,
            )
        raise AssignmentError("transfer to an agent, a queue, a bot or routing")

    return _act(conversation_id, workspace_id, work)


def reroute(
    *,
    session: Session,
    conversation: Conversation,
    text: str = "",
    actor_type: str = "system",
    actor_id: int | str | None = None,
    reason: str = "rerouted",
) -> Deliveries:
    """Let the routing rules choose a new owner for the conversation (row locked), never its current one;
    `text` defaults to the customer's last message."""
    if not text:
        last = session.exec(
            select(Message)
            .where(
                Message.conversation_id == conversation.id,  # the object:
                Message.direction == Direction.INBOUND,  # opened if sealed
                Message.text.is_not(None),
            )
            .order_by(Message.id.desc())
            .limit(1)
        ).first()
        text = (last.text if last else "") or ""
    facts = placement.facts_for(session=session, conversation=conversation, text=text)
    decision = deciding.decide(
        session=session,
        workspace_id=conversation.workspace_id,
        facts=facts,
        exclude=owner_changes.owner_of(conversation),
    )
    why = f"{reason}: routing, {decision.reason}"
    if decision.owner_type == "queue":
        return enqueue(
            session=session,
            conversation=conversation,
            queue_id=decision.owner_id,
            actor_type=actor_type,
            actor_id=actor_id,
            reason=why,
        )
    hand_to_bot(
        session=session,
        conversation=conversation,
        bot_id=decision.owner_id,
        actor_type=actor_type,
        actor_id=actor_id,
        reason=why,
    )
    return []


def close(
    *,
    conversation_id: int,
    actor_type: str = "agent",
    actor_id: int | None = None,
    reason: str = "closed by the agent",
    workspace_id: int | None = None,
) -> ActionResult:
    """Close the humans' handling (see `close_conversation`), then give waiting conversations to agents who
    now have room."""
    queue_ids: list[int] = []

    def work(session: Session, conversation: Conversation) -> Deliveries:
        queue_ids.append(conversation.queue_id)
        return close_conversation(
            session=session, conversation=conversation, actor_type=actor_type, actor_id=actor_id, reason=reason
        )

    result = _act(conversation_id, workspace_id, work)
    if queue_ids and queue_ids[0]:
        assign_waiting(queue_id=queue_ids[0])
    return result


def archive(
    *, conversation_id: int, actor_type: str = "agent", actor_id: int | None = None, workspace_id: int | None = None
) -> ActionResult:
    """Archive a closed conversation (it leaves the inbox's default lists)."""

    def work(session: Session, conversation: Conversation) -> None:
        if conversation.status in ACTIVE and conversation.owner_type != OwnerType.BOT:
            raise AssignmentError("close the conversation before archiving it")
        conversation.status = ConversationStatus.ARCHIVED
        session.add(conversation)
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="conversation.archived",
                actor_type=actor_type,
                actor_id=None if actor_id is None else str(actor_id),
            )
        )

    return _act(conversation_id, workspace_id, work)


def send_agent_message(
    *,
    conversation_id: int,
    agent_id: int,
    text: str = "",
    kind: str = "text",
    payload: dict[str, Any] | None = None,
    workspace_id: int | None = None,
) -> ActionResult:
    """The owning agent writes to the customer (text, or a file: kind ``image``/``document``/... with
    ``payload={"url": ..., "caption": ...}``); queued through the normal delivery path.

    The first one sets the conversation's first response time.

    Raises:
        AssignmentError: the agent does not own the conversation, or the message is empty.
    """

    def work(session: Session, conversation: Conversation) -> Deliveries:
        if conversation.owner_type != OwnerType.AGENT or conversation.owner_agent_id != agent_id:
            raise AssignmentError("accept the conversation before writing to the customer")
        if conversation.status not in ACTIVE:
            raise AssignmentError("the conversation is closed")
        body = (text or "").strip()
        if kind == "text" and not body:
            raise AssignmentError("the message is empty")
        if kind != "text" and not (payload or {}).get("url"):
            raise AssignmentError("a file message needs its url")
        now = utcnow()
        output = {"type": kind, **({"text": body} if body else {}), **(payload or {})}
        message = Message(
            conversation_id=conversation.id,
            direction=Direction.OUTBOUND,
            sender_type=SenderType.AGENT,
            sender_user_id=agent_id,
            kind=kind,
            text=body or None,
            payload=output,
            status=DeliveryStatus.QUEUED,
        )
        session.add(message)
        conversation.first_response_at = conversation.first_response_at or now
        conversation.last_message_at = conversation.last_read_at = conversation.updated_at = now
        session.add(conversation)
        session.flush()
        webhooks.message_created(session, conversation, message)
        typing_indicator.agent_sent(session=session, conversation=conversation)
        return [(message.id, 0.0)]

    return _act(conversation_id, workspace_id, work)


def mark_read(*, conversation_id: int, agent_id: int, workspace_id: int | None = None) -> ActionResult:
    """The agent has read the conversation up to now (its unread count drops to 0)."""
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or (workspace_id is not None and conversation.workspace_id != workspace_id):
            raise AssignmentError("conversation not found")
        conversation.last_read_at = utcnow()
        session.add(conversation)
        return ActionResult(
            conversation_id=conversation_id,
            owner=owner_changes.owner_of(conversation),
            status=ConversationStatus(conversation.status).value,
        )


def set_priority(*, conversation_id: int, priority: str, workspace_id: int | None = None) -> None:
    """Set a conversation's priority (low, normal, high, urgent)."""
    try:
        value = Priority(priority)
    except ValueError as error:
        raise AssignmentError(f"priority must be one of {', '.join(p.value for p in Priority)}") from error
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or (workspace_id is not None and conversation.workspace_id != workspace_id):
            raise AssignmentError("conversation not found")
        conversation.priority = value
        session.add(conversation)


def unread_counts(*, session: Session, conversation_ids: list[int]) -> dict[int, int]:
    """Conversation id -> customer messages after the last read (all of them if never read)."""
    if not conversation_ids:
        return {}
    rows = session.exec(
        select(Message.conversation_id, sa.func.count())
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(
            Message.conversation_id.in_(conversation_ids),
            Message.direction == Direction.INBOUND,
            sa.or_(Conversation.last_read_at.is_(None), Message.created_at > Conversation.last_read_at),
        )
        .group_by(Message.conversation_id)
    ).all()
    return {conversation_id: count for conversation_id, count in rows}


# ------------------------------------------------------------------------------------- the periodic sweep


@dataclass
class SweepResult:
    """What one sweep did."""

    assigned: int = 0
    positions_sent: int = 0
    sla_breaches: int = 0


def _waiting_ids(session: Session, queue_id: int) -> list[int]:
    return list(
        session.exec(
            select(Conversation.id)
            .where(
                Conversation.owner_type == OwnerType.QUEUE,
                Conversation.owner_queue_id == queue_id,
                Conversation.status.in_(ACTIVE),
            )
            .order_by(Conversation.waiting_since, Conversation.id)
        ).all()
    )


def assign_waiting(*, queue_id: int, now: datetime | None = None) -> SweepResult:
    """Give a queue's waiting conversations, oldest first, to agents with room; then update the places in
    line of those still waiting. One transaction per conversation, each under its lock."""
    result = SweepResult()
    with session_scope() as session:
        queue = session.get(Queue, queue_id)
        if queue is None:
            return result
        waiting = _waiting_ids(session, queue_id)
        can_assign = AssignmentStrategy(queue.strategy) != AssignmentStrategy.MANUAL and queue_settings.is_open(
            queue, now
        )
        has_position = bool(queue.position_message)
    for conversation_id in waiting if can_assign else []:
        with session_scope() as session:
            queue = session.get(Queue, queue_id)
            if choose_agent(session=session, queue=queue) is None:
                break  # nobody has room: the rest keep waiting
        try:
            with locked(conversation_id) as (session, conversation):
                if try_assign(session=session, conversation=conversation, now=now) is not None:
                    result.assigned += 1
        except Exception:
            log.exception("assignment.failed", extra={"conversation_id": conversation_id})
    if has_position:
        result.positions_sent += update_positions(queue_id=queue_id)
    return result


def update_positions(*, queue_id: int) -> int:
    """Tell each waiting customer of the queue their new place in line when it changed; returns how many
    were told. Conversations busy elsewhere (row locked) are skipped until the next sweep."""
    deliveries: Deliveries = []
    with session_scope() as session:
        queue = session.get(Queue, queue_id)
        for conversation_id in _waiting_ids(session, queue_id):
            conversation = session.exec(
                select(Conversation).where(Conversation.id == conversation_id).with_for_update(skip_locked=True)
            ).first()
            if conversation is not None and conversation.owner_type == OwnerType.QUEUE:
                deliveries.extend(notify_position(session=session, conversation=conversation, queue=queue))
    _deliver(deliveries)
    return len(deliveries)


def record_sla_breaches(*, session: Session, now: datetime | None = None) -> int:
    """Mark conversations waiting longer than their queue's max wait (once per wait) with a
    ``queue.sla_breached`` event; returns how many."""
    now = now or utcnow()
    rows = session.exec(
        select(Conversation, Queue)
        .join(Queue, Queue.id == Conversation.owner_queue_id)
        .where(
            Conversation.owner_type == OwnerType.QUEUE,
            Conversation.status.in_(ACTIVE),
            Conversation.waiting_since.is_not(None),
            Conversation.sla_breached_at.is_(None),
        )
        .with_for_update(of=Conversation, skip_locked=True)
    ).all()
    count = 0
    for conversation, queue in rows:
        waited = (now - as_utc(conversation.waiting_since)).total_seconds()
        if waited <= queue.max_wait_seconds:
            continue
        conversation.sla_breached_at = now
        session.add(conversation)
        session.add(
            Event(
                workspace_id=conversation.workspace_id,
                conversation_id=conversation.id,
                name="queue.sla_breached",
                actor_type="system",
                data={"queue_id": queue.id, "waited_seconds": int(waited), "max_wait_seconds": queue.max_wait_seconds},
            )
        )
        count += 1
    return count


def sweep(*, now: datetime | None = None) -> SweepResult:
    """The periodic task's work: assign waiting conversations of every queue with any, update places in
    line, record SLA breaches."""
    total = SweepResult()
    with session_scope() as session:
        queue_ids = list(
            session.exec(
                select(Conversation.owner_queue_id)
                .where(Conversation.owner_type == OwnerType.QUEUE, Conversation.status.in_(ACTIVE))
                .distinct()
            ).all()
        )
    for queue_id in queue_ids:
        try:
            done = assign_waiting(queue_id=queue_id, now=now)
        except Exception:
            log.exception("assignment.sweep.failed", extra={"queue_id": queue_id})
            continue
        total.assigned += done.assigned
        total.positions_sent += done.positions_sent
    with session_scope() as session:
        total.sla_breaches = record_sla_breaches(session=session, now=now)
    return total


def agent_went_online(*, workspace_id: int, user_id: int) -> SweepResult:
    """After an agent goes online (or gets more capacity): assign them waiting conversations of their queues."""
    total = SweepResult()
    with session_scope() as session:
        queue_ids = list(
            session.exec(
                select(AgentQueue.queue_id)
                .join(Queue, Queue.id == AgentQueue.queue_id)
                .where(AgentQueue.user_id == user_id, Queue.workspace_id == workspace_id)
            ).all()
        )
    for queue_id in queue_ids:
        done = assign_waiting(queue_id=queue_id)
        total.assigned += done.assigned
        total.positions_sent += done.positions_sent
    return total
