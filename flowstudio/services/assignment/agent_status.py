"""An agent's status (online, away, offline), capacity and last-seen time."""

from __future__ import annotations

from sqlmodel import Session

from flowstudio.models import (
    AgentProfile,
    AgentStatus,
    utcnow,
)
from flowstudio.services.assignment.agents import AgentError, membership_of, parse_capacity, profile_for


def set_status(*, session: Session, workspace_id: int, user_id: int, status: AgentStatus | str) -> AgentProfile:
    """Set an agent online, away or offline (also marks them seen now).

    Going offline or away does not take their conversations away; they just get no new ones.
    """
    try:
        status = AgentStatus(str(status))
    except ValueError as error:
        raise AgentError("errors.agent.status", choices=", ".join(s.value for s in AgentStatus)) from error
    profile = profile_for(session=session, membership_id=membership_of(session, workspace_id, user_id).id)
    now = utcnow()
    if profile.status != status:
        profile.status, profile.status_changed_at = status, now
    profile.last_seen_at = now
    session.add(profile)
    session.flush()
    return profile


def set_capacity(*, session: Session, workspace_id: int, user_id: int, capacity: int) -> AgentProfile:
    """Set how many conversations the agent may hold at once (0 = none)."""
    profile = profile_for(session=session, membership_id=membership_of(session, workspace_id, user_id).id)
    profile.capacity = parse_capacity(capacity)
    session.add(profile)
    session.flush()
    return profile


def touch(*, session: Session, workspace_id: int, user_id: int) -> None:
    """Record that the agent is around (their inbox page polls or pushes)."""
    profile = profile_for(session=session, membership_id=membership_of(session, workspace_id, user_id).id)
    profile.last_seen_at = utcnow()
    session.add(profile)
