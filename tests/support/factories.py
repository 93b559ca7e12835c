"""Small builders for test data; each flushes so ids are set, and leaves the commit to the test."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session

from flowstudio.models import (
    Bot,
    Contact,
    Conversation,
    Membership,
    OwnerType,
    Queue,
    Role,
    User,
    Workspace,
)
from flowstudio.services.identity.auth import hash_password


def _suffix() -> str:
    return uuid.uuid4().hex[:8]


def make_workspace(session: Session, **fields: Any) -> Workspace:
    """A workspace with a unique slug."""
    workspace = Workspace(**{"name": "Acme", "slug": f"acme-{_suffix()}", **fields})
    session.add(workspace)
    session.flush()
    return workspace


def make_user(
    session: Session,
    *,
    workspace: Workspace | None = None,
    role: Role = Role.AGENT,
    password: str = "s3cret-pass",
    **fields: Any,
) -> User:
    """A user (with a membership when `workspace` is given) whose password is `password`."""
    user = User(
        **{"email": f"user-{_suffix()}@example.com", "name": "Test User", **fields},
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    if workspace is not None:
        session.add(Membership(workspace_id=workspace.id, user_id=user.id, role=role))
        session.flush()
    return user


def make_bot(session: Session, *, workspace: Workspace, **fields: Any) -> Bot:
    """A bot in `workspace`."""
    bot = Bot(**{"workspace_id": workspace.id, "name": f"Bot {_suffix()}", **fields})
    session.add(bot)
    session.flush()
    return bot


def make_queue(session: Session, *, workspace: Workspace, **fields: Any) -> Queue:
    """A queue in `workspace`."""
    key = f"q-{_suffix()}"
    queue = Queue(**{"workspace_id": workspace.id, "key": key, "name": key, **fields})
    session.add(queue)
    session.flush()
    return queue


def make_conversation(session: Session, *, workspace: Workspace, bot: Bot, **fields: Any) -> Conversation:
    """A webchat conversation of a new contact, owned by `bot`."""
    contact = Contact(workspace_id=workspace.id, name="Ana")
    session.add(contact)
    session.flush()
    conversation = Conversation(
        **{
            "workspace_id": workspace.id,
            "contact_id": contact.id,
            "channel": "webchat",
            "owner_type": OwnerType.BOT,
            "owner_bot_id": bot.id,
            **fields,
        }
    )
    session.add(conversation)
    session.flush()
    return conversation
