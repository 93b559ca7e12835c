"""API tokens: random bearer secrets, shown once, stored as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from flowstudio.models import ApiToken, Role, utcnow
from flowstudio.services import audit

PREFIX = "fst_"


@dataclass(frozen=True)
class ApiCaller:
    """Who calls the API: the token's workspace and role."""

    token_id: int
    workspace_id: int
    role: Role


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, session: Session, workspace_id: int, name: str, role: Role = Role.ADMIN) -> str:
    """A new token for the workspace; the plain text is returned once and never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(workspace_id=workspace_id, name=name, token_hash=_digest(token), role=role)
    session.add(row)
    session.flush()
    audit.record(session, "token.created", workspace_id=workspace_id, target=("api_token", row.id),
                 details={"name": name, "role": Role(role).value})
    return token


def authenticate(*, session: Session, token: str) -> ApiCaller | None:
    """The caller a token stands for, else None; records when it was last used."""
    if not token.startswith(PREFIX):
        return None
    row = session.exec(select(ApiToken).where(ApiToken.token_hash == _digest(token))).first()
    if row is None:
        return None
    row.last_used_at = utcnow()
    session.add(row)
    return ApiCaller(token_id=row.id, workspace_id=row.workspace_id, role=row.role)
