"""A signed-in user's own security: password change, and what the account page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from flowstudio.errors import Invalid
from flowstudio.models import User
from flowstudio.services.identity import account_policy, passwords, two_factor
from flowstudio.services.identity.auth import primary_workspace_id, security_of, store_password
from flowstudio.services.privacy import audit


class AccountError(Invalid):
    """A refused change; `key` and `params` make the translated reason."""


@dataclass(frozen=True)
class Overview:
    """What the account security page shows."""

    totp_enabled: bool
    recovery_left: int
    password_changed_at: datetime | None
    last_login_at: datetime | None
    two_factor_required: bool
    password_max_age_days: int


def overview(session: Session, user_id: int) -> Overview:
    """The user's second factors, password age and policy."""
    user = session.get(User, user_id)
    security = security_of(session, user_id)
    policy = account_policy.for_user(session, user_id)
    return Overview(
        two_factor.totp_enabled(session, user_id),
        two_factor.remaining_recovery_codes(session, user_id),
        security.password_changed_at,
        user.last_login_at,
        policy.two_factor_required,
        policy.password_max_age_days,
    )


def change_password(session: Session, *, user_id: int, current: str, new: str, confirm: str, ip: str = "") -> None:
    """Replace the password after checking the current one and the policy; every session ends.

    Raises:
        AccountError: wrong current password, mismatch, same as before, or a broken strength rule.
    """
    user = session.get(User, user_id)
    if user is None or not passwords.verify_password(current, user.password_hash):
        raise AccountError("pwd.wrong_current")
    if new != confirm:
        raise AccountError("pwd.mismatch")
    if new == current:
        raise AccountError("pwd.same")
    found = passwords.problems(new, account_policy.strength_rules(session, user))
    if found:
        key, params = found[0]
        raise AccountError(key, **params)
    store_password(session, user, new)
    audit.record(
        session,
        "auth.password_changed",
        workspace_id=primary_workspace_id(session, user.id),
        actor=user,
        target=("user", user.id),
        details={"reason": "user"},
        ip=ip,
    )
