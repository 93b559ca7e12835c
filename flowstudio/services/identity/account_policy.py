"""Workspace sign-in policy: mandatory 2FA, password age and strength, lockout threshold.

A user who belongs to several workspaces gets the strictest rule of each kind among them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from flowstudio.errors import Forbidden, Invalid
from flowstudio.models import AccountSecurity, Membership, Role, SignInPolicy, User, as_utc, utcnow
from flowstudio.services.identity import passwords
from flowstudio.services.privacy import audit


class NotAllowed(Forbidden):
    """The acting user may not change this (their role, read from the database now)."""


class PolicyError(Invalid):
    """A policy value out of range; `key` is the i18n key of the reason."""


@dataclass(frozen=True)
class Policy:
    """The rules that apply to one user (or the defaults)."""

    two_factor_required: bool = False
    password_max_age_days: int = 0
    password_min_length: int = passwords.MIN_LENGTH_DEFAULT
    lockout_threshold: int = 5


DEFAULT = Policy()


def workspace_policy(session: Session, workspace_id: int) -> Policy:
    """The workspace's own rules (defaults when it never saved any)."""
    row = session.exec(select(SignInPolicy).where(SignInPolicy.workspace_id == workspace_id)).first()
    if row is None:
        return DEFAULT
    return Policy(row.two_factor_required, row.password_max_age_days, row.password_min_length, row.lockout_threshold)


def for_user(session: Session, user_id: int) -> Policy:
    """The strictest rules among the user's workspaces."""
    ids = session.exec(select(Membership.workspace_id).where(Membership.user_id == user_id)).all()
    policies = [workspace_policy(session, workspace_id) for workspace_id in ids] or [DEFAULT]
    ages = [p.password_max_age_days for p in policies if p.password_max_age_days > 0]
    return Policy(
        two_factor_required=any(p.two_factor_required for p in policies),
        password_max_age_days=min(ages) if ages else 0,
        password_min_length=max(p.password_min_length for p in policies),
        lockout_threshold=min(p.lockout_threshold for p in policies),
    )


def strength_rules(session: Session, user: User) -> passwords.StrengthRules:
    """The strength rules for a new password of `user`."""
    return passwords.StrengthRules(
        min_length=for_user(session, user.id).password_min_length, personal=(user.email, user.name)
    )


def password_expired(session: Session, user: User, policy: Policy | None = None) -> bool:
    """Whether the user's password is older than their policy allows (never, when it sets no age)."""
    policy = policy or for_user(session, user.id)
    if policy.password_max_age_days <= 0:
        return False
    changed = (
        session.exec(select(AccountSecurity.password_changed_at).where(AccountSecurity.user_id == user.id)).first()
        or user.created_at
    )
    return utcnow() - as_utc(changed) > timedelta(days=policy.password_max_age_days)


def require_admin(session: Session, *, workspace_id: int | None, user_id: int | None) -> None:
    """Raise `NotAllowed` unless the user is an administrator of the workspace right now."""
    if workspace_id is None or user_id is None:
        raise NotAllowed("errors.auth.not_signed_in")
    role = session.exec(
        select(Membership.role).where(Membership.workspace_id == workspace_id, Membership.user_id == user_id)
    ).first()
    if role is None or Role(role) is not Role.ADMIN:
        raise NotAllowed("errors.auth.admins_only")


def save_policy(
    session: Session,
    *,
    workspace_id: int,
    user_id: int,
    policy: Policy,
    ip: str = "",
) -> Policy:
    """Store the workspace's rules (administrators only) and audit what changed.

    Raises:
        NotAllowed: the user is not an administrator of the workspace.
        PolicyError: a value out of range.
    """
    require_admin(session, workspace_id=workspace_id, user_id=user_id)
    if not 8 <= policy.password_min_length <= 128:
        raise PolicyError("signpol.bad_min_length")
    if not 0 <= policy.password_max_age_days <= 3650:
        raise PolicyError("signpol.bad_max_age")
    if not 3 <= policy.lockout_threshold <= 50:
        raise PolicyError("signpol.bad_lockout")
    before = workspace_policy(session, workspace_id)
    row = session.exec(select(SignInPolicy).where(SignInPolicy.workspace_id == workspace_id)).first()
    row = row or SignInPolicy(workspace_id=workspace_id)
    row.two_factor_required = policy.two_factor_required
    row.password_max_age_days = policy.password_max_age_days
    row.password_min_length = policy.password_min_length
    row.lockout_threshold = policy.lockout_threshold
    row.updated_at = utcnow()
    session.add(row)
    changes = {
        name: {"from": getattr(before, name), "to": getattr(policy, name)}
        for name in Policy.__dataclass_fields__
        if getattr(before, name) != getattr(policy, name)
    }
    if changes:
        audit.record(
            session,
            "auth.policy_changed",
            workspace_id=workspace_id,
            actor=session.get(User, user_id),
            target=("sign_in_policy", workspace_id),
            details={"area": "sign_in", "changes": changes},
            ip=ip,
        )
    return policy
