"""The people who answer: agents of a workspace, their roles, queues and capacity; adding, editing and listing them.

An agent is a member of the workspace (admin, supervisor or agent) with a profile: `online`, `away` or
`offline`, and a capacity (how many conversations they hold at once). Only online agents with room are
given conversations (see `flowstudio.services.assignment.handling`). Their status is `agent_status`; adding
many from a CSV file is `agent_import`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.errors import Conflict, Invalid, NotFound
from flowstudio.models import (
    AgentProfile,
    AgentQueue,
    AgentStatus,
    Conversation,
    ConversationStatus,
    Membership,
    OwnerType,
    Queue,
    Role,
    User,
)
from flowstudio.services.assignment import queueing
from flowstudio.services.identity import permissions
from flowstudio.services.identity.auth import generate_password, hash_password
from flowstudio.services.privacy import audit

DEFAULT_CAPACITY = 3
MAX_CAPACITY = 100
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AgentError(Invalid):
    """An agent operation that cannot be done; its i18n key says why (shown to the user in their language)."""


class AgentNotFound(AgentError, NotFound):
    """No such member in the workspace."""


class AgentConflict(AgentError, Conflict):
    """The e-mail is already in the workspace or belongs to another user."""


@dataclass(frozen=True)
class AgentView:
    """One agent as the admin page and the queue monitor show them.

    Attributes:
        load: the open conversations they own now.
        queues: ``[{"id", "key", "name"}]`` of the workspace's queues they serve.
    """

    user_id: int
    membership_id: int
    name: str
    email: str
    role: str
    status: str
    capacity: int
    load: int
    last_seen_at: datetime | None
    queues: list[dict] = field(default_factory=list)
    can_read_encrypted: bool = False


@dataclass(frozen=True)
class AddedAgent:
    """An agent just added; `password` is set only when their user account was created now (shown once)."""

    user_id: int
    membership_id: int
    password: str | None


def membership_of(session: Session, workspace_id: int, user_id: int) -> Membership:
    """The user's membership of the workspace (refused when not a member)."""
    membership = session.exec(
        select(Membership).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()
    if membership is None:
        raise AgentNotFound("errors.agent.not_found")
    return membership


def profile_for(*, session: Session, membership_id: int) -> AgentProfile:
    """The member's agent profile, created (offline) if they have none yet."""
    profile = session.exec(select(AgentProfile).where(AgentProfile.membership_id == membership_id)).first()
    if profile is None:
        profile = AgentProfile(membership_id=membership_id, capacity=DEFAULT_CAPACITY)
        session.add(profile)
        session.flush()
    return profile


def parse_role(role: Role | str) -> Role:
    """A role from its name (refused when unknown)."""
    try:
        return Role(str(role).strip().lower())
    except ValueError as error:
        raise AgentError("errors.agent.role", choices=", ".join(r.value for r in Role)) from error


def parse_capacity(capacity: int | str) -> int:
    """A capacity from a number or text (refused when not a whole number in range)."""
    try:
        value = int(capacity)
    except (TypeError, ValueError) as error:
        raise AgentError("errors.agent.capacity_number") from error
    if not 0 <= value <= MAX_CAPACITY:
        raise AgentError("errors.agent.capacity_range", max=MAX_CAPACITY)
    return value


def find_queues(session: Session, workspace_id: int, wanted: list[int | str] | None) -> list[Queue]:
    """Queues by id or key (or name), all in the workspace."""
    if not wanted:
        return []
    queues = session.exec(select(Queue).where(Queue.workspace_id == workspace_id)).all()
    found, missing = [], []
    for item in wanted:
        key = str(item).strip()
        if not key:
            continue
        queue = next(
            (q for q in queues if str(q.id) == key or q.key == key or q.name.casefold() == key.casefold()), None
        )
        (found.append(queue) if queue else missing.append(key))
    if missing:
        raise AgentError("errors.agent.unknown_queue", names=", ".join(missing))
    return list({q.id: q for q in found}.values())


def _set_queues(session: Session, workspace_id: int, user_id: int, queues: list[Queue]) -> None:
    workspace_queue_ids = select(Queue.id).where(Queue.workspace_id == workspace_id)
    current = set(
        session.exec(
            select(AgentQueue.queue_id).where(
                AgentQueue.user_id == user_id, AgentQueue.queue_id.in_(workspace_queue_ids)
            )
        ).all()
    )
    wanted = {q.id for q in queues}
    for queue_id in current - wanted:
        session.delete(session.get(AgentQueue, (queue_id, user_id)))
    for queue_id in wanted - current:
        session.add(AgentQueue(queue_id=queue_id, user_id=user_id))
    session.flush()


def add_agent(
    *,
    session: Session,
    workspace_id: int,
    name: str,
    email: str,
    role: Role | str = Role.AGENT,
    queues: list[int | str] | None = None,
    capacity: int = DEFAULT_CAPACITY,
    password: str | None = None,
) -> AddedAgent:
    """Add a person to the workspace as an agent (offline until they go online).

    A new e-mail gets a user account (with `password`, or a generated one returned once); a known one
    just joins the workspace.

    Args:
        queues: queue ids, keys or names they serve.

    Raises:
        AgentError: a bad name, e-mail, role, capacity or queue, or they are already in the workspace.
    """
    name, email = (name or "").strip(), (email or "").strip().lower()
    if not name:
        raise AgentError("errors.agent.needs_name")
    if not EMAIL_PATTERN.match(email):
        raise AgentError("errors.agent.bad_email", email=email)
    role, capacity = parse_role(role), parse_capacity(capacity)
    wanted_queues = find_queues(session, workspace_id, queues)
    user = session.exec(select(User).where(User.email == email)).first()
    new_password = None
    if user is None:
        new_password = password or generate_password()
        user = User(email=email, name=name[:120], password_hash=hash_password(new_password))
        session.add(user)
        session.flush()
    elif session.exec(
        select(Membership.id).where(Membership.workspace_id == workspace_id, Membership.user_id == user.id)
    ).first():
        raise AgentConflict("errors.agent.already_member", email=email)
    membership = Membership(workspace_id=workspace_id, user_id=user.id, role=role)
    session.add(membership)
    session.flush()
    session.add(AgentProfile(membership_id=membership.id, capacity=capacity))
    _set_queues(session, workspace_id, user.id, wanted_queues)
    return AddedAgent(user_id=user.id, membership_id=membership.id, password=None if password else new_password)


def edit_agent(
    *,
    session: Session,
    workspace_id: int,
    user_id: int,
    name: str | None = None,
    email: str | None = None,
    role: Role | str | None = None,
    queues: list[int | str] | None = None,
    capacity: int | None = None,
) -> AgentView:
    """Change what is given of an agent: name, e-mail, role, the queues they serve, capacity.

    Raises:
        AgentError: bad values, an e-mail another user has, or the agent is not in the workspace.
    """
    membership = membership_of(session, workspace_id, user_id)
    user = session.get(User, user_id)
    if name is not None:
        if not name.strip():
            raise AgentError("errors.agent.needs_name")
        user.name = name.strip()[:120]
    if email is not None:
        email = email.strip().lower()
        if not EMAIL_PATTERN.match(email):
            raise AgentError("errors.agent.bad_email", email=email)
        if session.exec(select(User.id).where(User.email == email, User.id != user_id)).first():
            raise AgentConflict("errors.agent.email_taken", email=email)
        user.email = email
    if role is not None:
        membership.role = parse_role(role)
        session.add(membership)
    if queues is not None:
        _set_queues(session, workspace_id, user_id, find_queues(session, workspace_id, queues))
    if capacity is not None:
        profile = profile_for(session=session, membership_id=membership.id)
        profile.capacity = parse_capacity(capacity)
        session.add(profile)
    session.add(user)
    session.flush()
    return get_agent(session=session, workspace_id=workspace_id, user_id=user_id)


def remove_agent(*, session: Session, workspace_id: int, user_id: int, actor_id: int | None = None) -> int:
    """Take a person out of the workspace; the conversations they held go back to their queues to wait.

    Returns:
        How many conversations were put back in line.
    """
    membership = membership_of(session, workspace_id, user_id)
    held = session.exec(
        select(Conversation)
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.owner_type == OwnerType.AGENT,
            Conversation.owner_agent_id == user_id,
        )
        .with_for_update()
    ).all()
    for conversation in held:
        queueing.requeue(
            session=session,
            conversation=conversation,
            actor_type="user",
            actor_id=actor_id,
            reason="agent removed from the workspace",
        )
    _set_queues(session, workspace_id, user_id, [])
    session.delete(membership)  # the profile goes with it (ON DELETE CASCADE)
    profile = session.exec(select(AgentProfile).where(AgentProfile.membership_id == membership.id)).first()
    if profile is not None:
        session.delete(profile)
    session.flush()
    return len(held)


def set_encrypted_access(
    *, session: Session, workspace_id: int, user_id: int, allowed: bool, actor_id: int | None, ip: str = ""
) -> Membership:
    """Grant or withdraw a member's permission to read encrypted messages (admins only; audited).

    Raises:
        AgentError: the actor is not an admin of the workspace, or the member is not in it.
    """
    actor = permissions.membership(session=session, workspace_id=workspace_id, user_id=actor_id)
    if actor is None or not permissions.allows(actor.role, permissions.MEMBERS_GRANT_ADMIN):
        raise AgentError("errors.agent.encrypted_admin_only")
    membership = membership_of(session, workspace_id, user_id)
    if bool(membership.can_read_encrypted) != allowed:
        membership.can_read_encrypted = allowed
        session.add(membership)
        audit.record(
            session,
            "member.decrypt_granted" if allowed else "member.decrypt_revoked",
            workspace_id=workspace_id,
            actor=session.get(User, actor_id),
            target=("user", user_id),
            ip=ip,
        )
    return membership


def loads(*, session: Session, workspace_id: int) -> dict[int, int]:
    """User id -> how many open (or pending) conversations they own now."""
    rows = session.exec(
        select(Conversation.owner_agent_id, sa.func.count())
        .where(
            Conversation.workspace_id == workspace_id,
            Conversation.owner_type == OwnerType.AGENT,
            Conversation.status.in_([ConversationStatus.OPEN, ConversationStatus.PENDING]),
        )
        .group_by(Conversation.owner_agent_id)
    ).all()
    return {user_id: count for user_id, count in rows}


def list_agents(*, session: Session, workspace_id: int, queue_id: int | None = None) -> list[AgentView]:
    """The workspace's members as agents (by name), with status, capacity, load and queues."""
    rows = session.exec(
        select(Membership, User, AgentProfile)
        .join(User, User.id == Membership.user_id)
        .outerjoin(AgentProfile, AgentProfile.membership_id == Membership.id)
        .where(Membership.workspace_id == workspace_id)
        .order_by(User.name, User.id)
    ).all()
    queue_rows = session.exec(
        select(AgentQueue.user_id, Queue)
        .join(Queue, Queue.id == AgentQueue.queue_id)
        .where(Queue.workspace_id == workspace_id)
        .order_by(Queue.name)
    ).all()
    served: dict[int, list[dict]] = {}
    for user_id, queue in queue_rows:
        served.setdefault(user_id, []).append({"id": queue.id, "key": queue.key, "name": queue.name})
    load = loads(session=session, workspace_id=workspace_id)
    views = [
        AgentView(
            user_id=user.id,
            membership_id=membership.id,
            name=user.name,
            email=user.email,
            role=Role(membership.role).value,
            status=AgentStatus(profile.status).value if profile else AgentStatus.OFFLINE.value,
            capacity=profile.capacity if profile else DEFAULT_CAPACITY,
            load=load.get(user.id, 0),
            last_seen_at=profile.last_seen_at if profile else None,
            queues=served.get(user.id, []),
            can_read_encrypted=bool(membership.can_read_encrypted),
        )
        for membership, user, profile in rows
    ]
    if queue_id is not None:
        views = [v for v in views if any(q["id"] == queue_id for q in v.queues)]
    return views


def get_agent(*, session: Session, workspace_id: int, user_id: int) -> AgentView:
    """One agent (see `list_agents`)."""
    view = next((v for v in list_agents(session=session, workspace_id=workspace_id) if v.user_id == user_id), None)
    if view is None:
        raise AgentNotFound("errors.agent.not_found")
    return view
