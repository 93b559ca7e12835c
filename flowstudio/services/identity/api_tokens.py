"""API tokens: random bearer secrets, shown once, stored as SHA-256 hashes with their first characters (the
prefix people tell them apart by); listed with who created them and when they were last used; revoked, never
deleted, so the audit trail keeps naming them."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from flowstudio.errors import Conflict, Invalid, NotFound
from flowstudio.models import ApiToken, Membership, Role, User, utcnow
from flowstudio.models.base import as_utc
from flowstudio.services.identity import permissions
from flowstudio.services.privacy import audit

PREFIX = "fst_"
SHOWN_PREFIX = 12
"""Characters of a token kept in clear (`fst_` and 8 random ones): enough to tell tokens apart, useless alone."""
LAST_USED_EVERY = timedelta(minutes=1)
"""`last_used_at` is written at most this often per token, not at every request."""


@dataclass(frozen=True)
class ApiCaller:
    """Who calls the API: the token's workspace and role, and the member it acts for (None: no member; a role
    without `conversations.all` then sees no conversation)."""

    token_id: int
    workspace_id: int
    role: Role
    user_id: int | None = None


@dataclass(frozen=True)
class TokenView:
    """A token as lists show it (never its value or hash)."""

    id: int
    name: str
    role: str
    prefix: str
    created_by: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    member: str = ""
    """The e-mail of the member the token acts for ('' for none)."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    *,
    session: Session,
    workspace_id: int,
    name: str,
    role: Role | str = Role.ADMIN,
    actor: Any = None,
    member_id: int | None = None,
) -> str:
    """A new token for the workspace; the plain text is returned once and never stored.

    Args:
        session: The unit of work (the caller commits).
        workspace_id: The workspace the token acts in.
        name: What the token is for.
        role: The role whose capabilities the token has (`flowstudio.services.identity.permissions`).
        actor: Who creates it (a user, an `audit.Actor`); None for the command line.
        member_id: The member the token acts for: an agent's token sees the conversations they see in the
            inbox (theirs and their queues'), as long as they stay a member.

    Raises:
        Invalid: an empty name, an unknown role, or a member of another workspace.
    """
    name = (name or "").strip()
    if not name:
        raise Invalid("apitokens.error.name")
    try:
        role = Role(role)
    except ValueError as error:
        raise Invalid("apitokens.error.role", roles=", ".join(r.value for r in Role)) from error
    if (
        member_id is not None
        and permissions.member_role(session=session, workspace_id=workspace_id, user_id=member_id) is None
    ):
        raise Invalid("apitokens.error.member")
    token = PREFIX + secrets.token_urlsafe(32)
    created_by = (getattr(actor, "email", "") or "cli") if actor is not None else "cli"
    row = ApiToken(
        workspace_id=workspace_id,
        name=name[:120],
        token_hash=_digest(token),
        role=role,
        user_id=member_id,
        prefix=token[:SHOWN_PREFIX],
        created_by=created_by[:254],
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "token.created",
        workspace_id=workspace_id,
        actor=actor,
        target=("api_token", row.id),
        details={"name": row.name, "role": role.value} | ({"member_id": member_id} if member_id else {}),
    )
    return token


def authenticate(*, session: Session, token: str, now: datetime | None = None) -> ApiCaller | None:
    """The caller a token stands for, else None (unknown or revoked).

    Records when it was last used, at most once a minute per token (`LAST_USED_EVERY`), so a busy integration
    does not write a row at every request.
    """
    if not token.startswith(PREFIX):
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    now = now or utcnow()
    if row.last_used_at is None or now - as_utc(row.last_used_at) >= LAST_USED_EVERY:
        row.last_used_at = now
        session.add(row)
    member = row.user_id
    if (
        member is not None
        and permissions.member_role(session=session, workspace_id=row.workspace_id, user_id=member) is None
    ):
        member = None  # no longer a member of the workspace: nothing of theirs to see
    return ApiCaller(token_id=row.id, workspace_id=row.workspace_id, role=row.role, user_id=member)


def _view(row: ApiToken, member: str | None = None) -> TokenView:
    return TokenView(
        id=row.id,
        name=row.name,
        role=Role(row.role).value,
        prefix=row.prefix or PREFIX,
        created_by=row.created_by,
        created_at=as_utc(row.created_at),
        last_used_at=as_utc(row.last_used_at) if row.last_used_at else None,
        revoked_at=as_utc(row.revoked_at) if row.revoked_at else None,
        member=member or "",
    )


def list_tokens(*, session: Session, workspace_id: int) -> list[TokenView]:
    """The workspace's tokens, active ones first, newest first."""
    rows = session.exec(
        select(ApiToken, User.email)
        .join(User, User.id == ApiToken.user_id, isouter=True)
        .where(ApiToken.workspace_id == workspace_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    ).all()
    return [_view(row, email) for row, email in rows]


def members(*, session: Session, workspace_id: int) -> list[tuple[int, str]]:
    """The people a token can act for: the workspace's members as (user id, e-mail), by e-mail."""
    return [
        (user_id, email)
        for user_id, email in session.exec(
            select(User.id, User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(User.email)
        ).all()
    ]


def find_token(*, session: Session, reference: str, workspace_id: int | None = None) -> ApiToken:
    """The token a person names: its id, or its prefix (`fst_Ab12Cd34`, or a longer piece of the token).

    Raises:
        NotFound: no token matches.
        Conflict: the prefix matches more than one token.
    """
    reference = (reference or "").strip()
    query = select(ApiToken)
    if workspace_id is not None:
        query = query.where(ApiToken.workspace_id == workspace_id)
    if reference.isdigit():
        found = session.exec(query.where(ApiToken.id == int(reference))).first()
        if found is None:
            raise NotFound("apitokens.error.not_found", reference=reference)
        return found
    if not reference.startswith(PREFIX) or len(reference) < len(PREFIX) + 4:
        raise NotFound("apitokens.error.not_found", reference=reference)
    if len(reference) > SHOWN_PREFIX:
        matches = list(session.exec(query.where(ApiToken.token_hash == _digest(reference))).all())
    else:
        matches = list(session.exec(query.where(ApiToken.prefix.startswith(reference, autoescape=True))).all())
    if not matches:
        raise NotFound("apitokens.error.not_found", reference=reference)
    if len(matches) > 1:
        raise Conflict("apitokens.error.ambiguous", reference=reference, count=len(matches))
    return matches[0]


def revoke_token(*, session: Session, token: ApiToken, actor: Any = None) -> ApiToken:
    """Refuse the token from now on (it stays listed, as revoked). Revoking twice changes nothing.

    Args:
        session: The unit of work (the caller commits).
        token: The token, as `find_token` or `get_token` returned it.
        actor: Who revokes it; None for the command line.
    """
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
        audit.record(
            session,
            "token.revoked",
            workspace_id=token.workspace_id,
            actor=actor,
            target=("api_token", token.id),
            details={"name": token.name, "role": Role(token.role).value},
        )
    return token


def get_token(*, session: Session, workspace_id: int, token_id: int) -> ApiToken:
    """One of the workspace's tokens.

    Raises:
        NotFound: no such token in this workspace.
    """
    row = session.get(ApiToken, token_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("apitokens.error.not_found", reference=str(token_id))
    return row
