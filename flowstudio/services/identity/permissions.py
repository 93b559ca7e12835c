"""Who may do what: the single permission matrix of FlowStudio's roles.

Pages (on-load guards and event handlers, `flowstudio.state.guard`), the REST API (`flowstudio.api.v1.deps`)
and services ask `allows(role, capability)`; nothing else decides. The role is read from the database at
each check (`member_role`), so a demotion takes effect at the next click.

Roles, following Botmaker's split of work:

- **admin**: everything, including workspace settings, security (IP rules, sign-in policy) and the audit log.
- **supervisor**: runs the operation: bots and flows, channels, the flow manager, agents, queues, the inbox
  and its supervision, members (but never grants or removes the admin role).
- **designer**: builds bots: edits, tests and publishes flows (as in Botmaker, designers publish; every
  publication is audited and can be rolled back). No channels, agents, queues, inbox or settings.
- **developer**: what designers do, plus developer tools (code actions, secrets, webhooks), channels and
  the REST API's conversations and contacts. No inbox work or supervision.
- **agent**: the inbox only (their own and their queues' conversations: every other role that reaches
  conversations has `conversations.all`).

Reading encrypted message bodies is not a role's: it is granted per member (`Membership.can_read_encrypted`),
see `member_can(..., MESSAGES_DECRYPT)`.
"""

from __future__ import annotations

from sqlmodel import Session, select

from flowstudio.models import Membership, Role

BOTS_VIEW = "bots.view"
BOTS_MANAGE = "bots.manage"
FLOWS_EDIT = "flows.edit"
FLOWS_TEST = "flows.test"
FLOWS_PUBLISH = "flows.publish"
CHANNELS_VIEW = "channels.view"
CHANNELS_MANAGE = "channels.manage"
ROUTING_MANAGE = "routing.manage"
AGENTS_MANAGE = "agents.manage"
QUEUES_MANAGE = "queues.manage"
INBOX_WORK = "inbox.work"
INBOX_SUPERVISE = "inbox.supervise"
CONVERSATIONS_API = "conversations.api"
CONVERSATIONS_ALL = "conversations.all"
DEVELOPERS_MANAGE = "developers.manage"
SETTINGS_MANAGE = "settings.manage"
SECURITY_MANAGE = "security.manage"
AUDIT_VIEW = "audit.view"
MEMBERS_MANAGE = "members.manage"
MEMBERS_GRANT_ADMIN = "members.grant_admin"
MESSAGES_DECRYPT = "messages.decrypt"

_BUILD = {BOTS_VIEW, BOTS_MANAGE, FLOWS_EDIT, FLOWS_TEST, FLOWS_PUBLISH, CHANNELS_VIEW}
_OPERATE = {ROUTING_MANAGE, AGENTS_MANAGE, QUEUES_MANAGE, INBOX_WORK, INBOX_SUPERVISE, MEMBERS_MANAGE}

MATRIX: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {
            *_BUILD,
            *_OPERATE,
            CHANNELS_MANAGE,
            CONVERSATIONS_API,
            CONVERSATIONS_ALL,
            DEVELOPERS_MANAGE,
            SETTINGS_MANAGE,
            SECURITY_MANAGE,
            AUDIT_VIEW,
            MEMBERS_GRANT_ADMIN,
        }
    ),
    Role.SUPERVISOR: frozenset({*_BUILD, *_OPERATE, CHANNELS_MANAGE, CONVERSATIONS_API, CONVERSATIONS_ALL}),
    Role.DESIGNER: frozenset(_BUILD),
    Role.DEVELOPER: frozenset({*_BUILD, CHANNELS_MANAGE, CONVERSATIONS_API, CONVERSATIONS_ALL, DEVELOPERS_MANAGE}),
    Role.AGENT: frozenset({INBOX_WORK, CONVERSATIONS_API}),
}
"""Capabilities of each role. `messages.decrypt` is in none: it is a per-member grant. Without
`conversations.all` a member sees only their own conversations and those waiting in their queues
(`flowstudio.services.inbox.scope`)."""

CAPABILITIES: frozenset[str] = frozenset().union(*MATRIX.values(), {MESSAGES_DECRYPT})


class PermissionDenied(PermissionError):
    """The role lacks the capability; `capability` says which."""

    def __init__(self, capability: str, role: str | None) -> None:
        super().__init__(f"a {role or 'non-member'} may not {capability}")
        self.capability, self.role = capability, role


def _role(role: Role | str | None) -> Role | None:
    if role is None or role == "":
        return None
    try:
        return Role(role)
    except ValueError:
        return None


def allows(role: Role | str | None, capability: str) -> bool:
    """Whether the role has the capability (None or an unknown role has none).

    Raises:
        KeyError: an unknown capability (a typo must not silently deny, or allow).
    """
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    known = _role(role)
    return known is not None and capability in MATRIX[known]


def require(role: Role | str | None, capability: str) -> None:
    """Raise `PermissionDenied` unless the role has the capability."""
    if not allows(role, capability):
        raise PermissionDenied(capability, str(role) if role else None)


def capabilities_of(role: Role | str | None) -> frozenset[str]:
    """Everything the role may do (for showing or hiding UI)."""
    known = _role(role)
    return MATRIX[known] if known is not None else frozenset()


def membership(*, session: Session, workspace_id: int | None, user_id: int | None) -> Membership | None:
    """The user's membership of the workspace now, else None."""
    if workspace_id is None or user_id is None:
        return None
    return session.exec(
        select(Membership).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()


def member_role(*, session: Session, workspace_id: int | None, user_id: int | None) -> Role | None:
    """The user's role in the workspace now (None for a non-member)."""
    found = membership(session=session, workspace_id=workspace_id, user_id=user_id)
    return Role(found.role) if found is not None else None


def member_can(*, session: Session, workspace_id: int | None, user_id: int | None, capability: str) -> bool:
    """Whether the member may do it now: their role's capability, or for `messages.decrypt` their own grant."""
    found = membership(session=session, workspace_id=workspace_id, user_id=user_id)
    if found is None:
        return False
    if capability == MESSAGES_DECRYPT:
        return bool(found.can_read_encrypted)
    return allows(found.role, capability)


def can_develop(role: Role | str | None) -> bool:
    """Whether the role may use developer tools (code actions, secrets, webhooks)."""
    return allows(role, DEVELOPERS_MANAGE)


def may_assign_role(
    actor_role: Role | str | None, target_current: Role | str | None, target_new: Role | str | None
) -> bool:
    """Whether the actor may give `target_new` to a member who has `target_current` (None = new member/removal).

    Managing members needs `members.manage`; granting admin, or changing or removing an admin, needs
    `members.grant_admin` (admins only): a supervisor cannot make or unmake an admin.
    """
    if not allows(actor_role, MEMBERS_MANAGE):
        return False
    touches_admin = Role.ADMIN in (_role(target_current), _role(target_new))
    return not touches_admin or allows(actor_role, MEMBERS_GRANT_ADMIN)
