"""Actions that change who has a conversation (they own the lock): pick, accept, transfer, reroute."""

from __future__ import annotations

from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.models import (
    AgentQueue,
    Conversation,
    Direction,
    Message,
    OwnerType,
    Role,
)
from flowstudio.services.assignment.conversation_actions import mark_read
from flowstudio.services.assignment.handling import (
    ACTIVE,
    AssignmentConflict,
    AssignmentError,
    AssignmentForbidden,
    Deliveries,
)
from flowstudio.services.assignment.handoffs import hand_to_bot
from flowstudio.services.assignment.locking import ActionResult, act, member_role
from flowstudio.services.assignment.queueing import assign_to_agent, enqueue
from flowstudio.services.flow_manager import deciding, owner_changes, placement


def pick(*, conversation_id: int, agent_id: int, workspace_id: int | None = None) -> ActionResult:
    """An agent takes a waiting conversation from a queue they serve (supervisors and admins: any queue),
    within their capacity (manual pick; any strategy).

    Raises:
        AssignmentError: it is no longer waiting (someone else got it), not their queue, or they are full.
    """

    def work(session: Session, conversation: Conversation) -> None:
        if conversation.owner_type != OwnerType.QUEUE or conversation.status not in ACTIVE:
            raise AssignmentConflict("errors.assignment.not_waiting")
        role = member_role(session, conversation.workspace_id, agent_id)
        if role is None:
            raise AssignmentForbidden("errors.assignment.not_member")
        serves = session.get(AgentQueue, (conversation.owner_queue_id, agent_id)) is not None
        if not serves and role == Role.AGENT:
            raise AssignmentForbidden("errors.assignment.not_your_queue")
        assign_to_agent(
            session=session,
            conversation=conversation,
            user_id=agent_id,
            actor_type="agent",
            actor_id=agent_id,
            reason="picked from the queue",
        )

    return act(conversation_id, workspace_id, work)


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
            raise AssignmentConflict("errors.assignment.closed")
        if to_type == "agent":
            if to_id is None:
                raise AssignmentError("errors.assignment.choose_agent")
            role = (
                member_role(session, conversation.workspace_id, actor_id)
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
                raise AssignmentError("errors.assignment.choose_bot")
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
        raise AssignmentError("errors.assignment.transfer_target")

    return act(conversation_id, workspace_id, work)


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
