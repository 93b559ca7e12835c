"""Workspace secrets: named values flows use as `{{secret.NAME}}` in `http_request` headers and URLs.

Values are write-only: sealed at rest (`crypto.seal`, bound to `secret:<workspace id>:<name>`), opened
only by the runtime's `Secrets` adapter when a request leaves the server, and never returned by any
function here that pages or the API call (they see names, when and by whom, and "••••").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from flowstudio.crypto import open_sealed, seal
from flowstudio.db import session_scope
from flowstudio.errors import Invalid, NotFound
from flowstudio.models import Bot, User, WorkspaceSecret, utcnow
from flowstudio.services.privacy import audit

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")  # what `{{secret.NAME}}` accepts (flow_runtime.secrets)
MAX_VALUE = 8192
MASK = "••••"


class SecretError(Invalid):
    """A secret that cannot be saved; the key says why."""


class SecretNotFound(SecretError, NotFound):
    """No secret of that name in the workspace."""


@dataclass(frozen=True)
class SecretView:
    """A secret as anyone sees it after saving: its name, not its value."""

    name: str
    updated_at: datetime
    updated_by: str
    masked: str = MASK


def _user_id(actor: Any) -> int | None:
    """The acting user's id: a `Principal`'s `user_id`, a `User`'s `id`, else None."""
    return getattr(actor, "user_id", None) or (actor.id if isinstance(actor, User) else None)


def _associated(workspace_id: int, name: str) -> str:
    return f"secret:{workspace_id}:{name}"


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME.match(name):
        raise SecretError("developers.err.secret_name")
    return name


def list_secrets(*, session: Session, workspace_id: int) -> list[SecretView]:
    """The workspace's secrets by name (never their values)."""
    rows = session.exec(
        select(WorkspaceSecret.name, WorkspaceSecret.updated_at, User.email)
        .join(User, col(User.id) == WorkspaceSecret.updated_by, isouter=True)
        .where(WorkspaceSecret.workspace_id == workspace_id)
        .order_by(WorkspaceSecret.name)
    ).all()
    return [SecretView(name=name, updated_at=updated_at, updated_by=email or "") for name, updated_at, email in rows]


def set_secret(
    *, session: Session, workspace_id: int, name: str, value: str, actor: Any = None, ip: str = ""
) -> SecretView:
    """Create or replace a secret (audited as `secret.changed`, without the value).

    Raises:
        SecretError: a bad name, or an empty or too long value.
    """
    name = _clean_name(name)
    if not value:
        raise SecretError("developers.err.secret_value")
    if len(value) > MAX_VALUE:
        raise SecretError("developers.err.secret_long", max=MAX_VALUE)
    row = session.exec(
        select(WorkspaceSecret).where(WorkspaceSecret.workspace_id == workspace_id, WorkspaceSecret.name == name)
    ).first()
    created = row is None
    if row is None:
        row = WorkspaceSecret(workspace_id=workspace_id, name=name, value="")
    row.value = seal(value, _associated(workspace_id, name))
    row.updated_by = _user_id(actor)
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session,
        "secret.changed",
        workspace_id=workspace_id,
        actor=actor,
        target=("secret", name),
        details={"name": name, "created": created},
        ip=ip,
    )
    session.flush()
    return SecretView(name=name, updated_at=row.updated_at, updated_by=getattr(actor, "email", "") or "")


def delete_secret(*, session: Session, workspace_id: int, name: str, actor: Any = None, ip: str = "") -> None:
    """Delete a secret (audited as `secret.deleted`).

    Raises:
        SecretError: no such secret in the workspace.
    """
    row = session.exec(
        select(WorkspaceSecret).where(
            WorkspaceSecret.workspace_id == workspace_id, WorkspaceSecret.name == (name or "").strip()
        )
    ).first()
    if row is None:
        raise SecretNotFound("developers.err.no_secret", name=name)
    session.delete(row)
    audit.record(
        session,
        "secret.deleted",
        workspace_id=workspace_id,
        actor=actor,
        target=("secret", row.name),
        details={"name": row.name},
        ip=ip,
    )
    session.flush()


def reveal(*, session: Session, workspace_id: int, name: str) -> str | None:
    """A secret's value in clear, for the runtime only (None when the workspace has no such secret)."""
    row = session.exec(
        select(WorkspaceSecret.value).where(WorkspaceSecret.workspace_id == workspace_id, WorkspaceSecret.name == name)
    ).first()
    return None if row is None else open_sealed(row, _associated(workspace_id, name))


class WorkspaceSecrets:
    """The runtime's `Secrets` port for one workspace (or a bot's): each `get` reads the current value."""

    def __init__(self, workspace_id: int | None = None, *, bot_id: int | None = None) -> None:
        self.workspace_id, self.bot_id = workspace_id, bot_id

    def get(self, name: str) -> str | None:
        """The secret's value, or None when undefined (or unreadable with the configured keys)."""
        if not NAME.match(name or ""):
            return None
        with session_scope() as session:
            if self.workspace_id is None:
                self.workspace_id = session.exec(select(Bot.workspace_id).where(Bot.id == self.bot_id)).first()
                if self.workspace_id is None:
                    return None
            try:
                return reveal(session=session, workspace_id=self.workspace_id, name=name)
            except ValueError:  # crypto.DecryptionError: sealed with a key no longer configured
                return None

    def __repr__(self) -> str:  # never the values
        return f"WorkspaceSecrets(workspace_id={self.workspace_id}, bot_id={self.bot_id})"
