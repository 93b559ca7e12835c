"""Who may take a conversation: the queue's online agents with room under their capacity, chosen by the queue's
strategy (round robin or least busy), with the queue and profile rows locked while counting.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.models import (
    AgentProfile,
    AgentQueue,
    AgentStatus,
    AssignmentStrategy,
    Conversation,
    Membership,
    OwnerType,
    Queue,
)
from flowstudio.services.assignment.handling import ACTIVE, AssignmentError


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


def has_room(
    session: Session, workspace_id: int, user_id: int, *, lock: bool = True
) -> tuple[bool, AssignmentError | None]:
    """Whether the agent may take one more conversation now, and if not the refusal that says why (locks their
    profile row unless told not to)."""
    profile = _lock_profile(session, workspace_id, user_id) if lock else None
    if profile is None:
        profile = session.exec(
            select(AgentProfile)
            .join(Membership, Membership.id == AgentProfile.membership_id)
            .where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
        ).first()
    if profile is None:
        return False, AssignmentError("errors.assignment.no_profile")
    held = _load(session, workspace_id, [user_id]).get(user_id, 0)
    if held >= profile.capacity:
        return False, AssignmentError("errors.assignment.capacity", held=held, capacity=profile.capacity)
    return True, None
