""" "Forget this contact": erase one person now, at an administrator's or supervisor's request, audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from flowstudio.db import session_scope
from flowstudio.errors import DomainError, Forbidden, NotFound
from flowstudio.models import (
    Contact,
    Conversation,
    Erased,
    Membership,
    Message,
    Role,
    User,
    utcnow,
)
from flowstudio.services.privacy import audit
from flowstudio.services.privacy.erasure import FILE_KINDS, Erasure, delete_files, erase_body, erase_contact, erase_file

FORGET_ROLES = (Role.ADMIN, Role.SUPERVISOR)


class RetentionError(DomainError):
    """An erasure that cannot be done: an i18n key (``privacy.*``) and its parameters."""


class ContactNotFound(RetentionError, NotFound):
    """No such contact (or conversation) in the workspace."""


class ForgetNotAllowed(RetentionError, Forbidden):
    """The member's role may not forget contacts."""


def forget_contact_in(
    session: Session,
    *,
    workspace_id: int,
    contact_id: int,
    actor: Any,
    role: Role | str | None,
    ip: str = "",
    now: datetime | None = None,
) -> Erasure:
    """Erase one person now, in the caller's transaction: contact fields, variables, channel ids (the
    webchat visitor id too), and the bodies and files of all their conversations' messages. Audited as
    `contact.forgotten`. The caller commits, then deletes `Erasure.files` with `delete_files`.

    Raises:
        RetentionError: the role may not (admins and supervisors only), or no such contact here.
    """
    if role is None or Role(role) not in FORGET_ROLES:
        raise ForgetNotAllowed("privacy.forget_not_allowed")
    contact = session.get(Contact, contact_id)
    if contact is None or contact.workspace_id != workspace_id:
        raise ContactNotFound("privacy.contact_not_found")
    now = now or utcnow()
    done = erase_contact(session, contact, now=now)
    conversation_ids = select(Conversation.id).where(Conversation.contact_id == contact.id)
    for message in session.exec(
        select(Message).where(
            Message.conversation_id.in_(conversation_ids),
            sa.or_(Message.erased.is_(None), Message.erased != Erased.ALL.value),
        )
    ).all():
        if message.kind in FILE_KINDS and message.erased != Erased.FILE.value:
            folder = erase_file(message, workspace_id, "forgotten")
            if folder is not None:
                done.files.append(folder)
            done.file_messages += 1
        erase_body(message, "forgotten")
        message.erased = Erased.ALL.value
        session.add(message)
        done.message_bodies += 1
    session.flush()
    audit.record(
        session,
        "contact.forgotten",
        workspace_id=workspace_id,
        actor=actor,
        target=("contact", contact.id),
        ip=ip,
        details={**done.counts(), "files": len(done.files)},
    )
    return done


def forget_contact(*, workspace_id: int, contact_id: int, user_id: int, actor: Any = None, ip: str = "") -> Erasure:
    """`forget_contact_in` in its own transaction for a member (role read now), then the files deleted."""
    with session_scope() as session:
        role = session.exec(
            select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
        ).first()
        done = forget_contact_in(
            session,
            workspace_id=workspace_id,
            contact_id=contact_id,
            actor=actor or session.get(User, user_id),
            role=role,
            ip=ip,
        )
    done.files_deleted = delete_files(done.files)
    return done


def forget_conversation_contact(*, workspace_id: int, conversation_id: int, user_id: int, ip: str = "") -> Erasure:
    """`forget_contact` for the contact of a conversation of the workspace (the inbox's button).

    Raises:
        RetentionError: no such conversation here, or the member may not.
    """
    with session_scope() as session:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None or conversation.workspace_id != workspace_id:
            raise ContactNotFound("privacy.contact_not_found")
        contact_id = conversation.contact_id
    return forget_contact(workspace_id=workspace_id, contact_id=contact_id, user_id=user_id, ip=ip)
