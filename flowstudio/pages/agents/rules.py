"""Who may change which agent, and the rows the agents page shows (no Reflex state here).

Admins and supervisors manage agents; a supervisor cannot touch administrators nor make anyone one, and
nobody removes themselves or changes their own role here.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlmodel import Session

from flowstudio.models import Role
from flowstudio.pages.admin_forms import can_manage, member_role
from flowstudio.services.identity import permissions
from flowstudio.state.actions import Permit

ROLES = tuple(role.value for role in Role)


@dataclass
class AgentRow:
    """One agent in the table."""

    user_id: int
    name: str
    email: str
    role: str
    status: str
    capacity: int
    load: int
    queues: list[str] = field(default_factory=list)
    queue_ids: list[str] = field(default_factory=list)
    is_me: bool = False
    can_read_encrypted: bool = False


@dataclass
class QueueChoice:
    """A queue an agent may serve."""

    value: str
    label: str


@dataclass
class LineError:
    """A bad line of an imported CSV file."""

    line: int
    message: str


@dataclass
class NewPassword:
    """A generated password, shown once."""

    email: str
    password: str


def guard(
    actor_role: str | None,
    *,
    target_role: str | None = None,
    new_role: str | None = None,
    actor_id: int | None = None,
    target_id: int | None = None,
    changes_role_or_removes: bool = False,
) -> str | None:
    """Why the actor may not make this change to an agent (an i18n key), or None when they may.

    Args:
        actor_role: the acting user's role now.
        target_role: the agent's current role (None for a new agent).
        new_role: the role being given (None when unchanged).
        changes_role_or_removes: the change is a role change or a removal (not allowed on oneself).
    """
    if not can_manage(actor_role, permissions.MEMBERS_MANAGE):
        return "forms.not_allowed"
    if not permissions.may_assign_role(actor_role, target_role, new_role):
        return "agents.only_admin"
    if changes_role_or_removes and actor_id is not None and actor_id == target_id:
        return "agents.not_yourself"
    return None


def permit(*, target_id: int | None = None, new_role: str | None = None, removes_or_role: bool = False) -> Permit:
    """The `PageActions` permit for a change to an agent: `guard` with the roles read now."""

    def check(session: Session, workspace_id: int, user_id: int | None) -> str | None:
        return guard(
            member_role(session=session, workspace_id=workspace_id, user_id=user_id),
            target_role=member_role(session=session, workspace_id=workspace_id, user_id=target_id)
            if target_id
            else None,
            new_role=new_role,
            actor_id=user_id,
            target_id=target_id,
            changes_role_or_removes=removes_or_role,
        )

    return check


def csv_grants_admin(content: bytes | str) -> bool:
    """Whether an agents CSV file gives anyone the admin role (only administrators may)."""
    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    rows = csv.DictReader(io.StringIO(text))
    return any(
        (row.get("role") or "").strip().lower() == Role.ADMIN.value
        for row in ({(k or "").strip().lower(): v for k, v in r.items()} for r in rows)
    )
