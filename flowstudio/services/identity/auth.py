"""Passwords, login tokens and the principal they stand for.

A login token is signed (itsdangerous, `SECRET_KEY`) and carries the user id, the tail of their
password hash and their session epoch (`AccountSecurity.session_epoch`): changing the password or
"log out everywhere" bumps the epoch, and every token issued before stops working at once. The
multi-step sign-in itself (lockout, rate limits, second factors, expired passwords) is in
`flowstudio.services.identity.sign_in`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from flowstudio.models import AccountSecurity, Membership, Role, User, Workspace, utcnow
from flowstudio.services.identity import passwords
from flowstudio.services.privacy import audit
from flowstudio.settings import get_settings

_TOKEN_SALT = "flowstudio.login"

hash_password = passwords.hash_password
verify_password = passwords.verify_password


def generate_password() -> str:
    """A strong random password that is easy to copy (no ambiguous characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    while True:
        password = "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))
        if passwords._classes(password) >= 3:
            return password


@dataclass(frozen=True)
class Principal:
    """Who is logged in, and in which workspace with which role."""

    user_id: int
    email: str
    name: str
    workspace_id: int
    workspace_name: str
    role: Role
    language: str | None


def find_user(session: Session, email: str) -> User | None:
    """The user with this e-mail (case and surrounding blanks ignored)."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def security_of(session: Session, user_id: int) -> AccountSecurity:
    """The user's sign-in state, created with the defaults on first use."""
    row = session.exec(select(AccountSecurity).where(AccountSecurity.user_id == user_id)).first()
    if row is None:
        row = AccountSecurity(user_id=user_id)
        session.add(row)
        session.flush()
    return row


def _epoch(session: Session, user_id: int) -> int:
    return session.exec(select(AccountSecurity.session_epoch).where(AccountSecurity.user_id == user_id)).first() or 0


def primary_workspace_id(session: Session, user_id: int) -> int | None:
    """The workspace a login opens (the user's first membership), which also hosts their audit entries."""
    return session.exec(
        select(Membership.workspace_id).where(Membership.user_id == user_id).order_by(Membership.id)
    ).first()


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (no lockout or second factor: see `sign_in`)."""
    user = find_user(session, email)
    if user is None or not user.is_active or not verify_password(password, user.password_hash):
        return None
    user.last_login_at = utcnow()
    session.add(user)
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().resolved_secret_key(), salt=_TOKEN_SALT)


def issue_token(user: User, session: Session) -> str:
    """A signed, timestamped login token for `user`, void once their password or session epoch changes."""
    return _serializer().dumps({"uid": user.id, "pw": user.password_hash[-12:], "ep": _epoch(session, user.id)})


def principal_from_token(*, session: Session, token: str) -> Principal | None:
    """The principal a valid, unexpired, current token stands for, else None."""
    if not token:
        return None
    try:
        data = _serializer().loads(token, max_age=get_settings().login_max_age_hours * 3600)
    except (BadSignature, SignatureExpired):
        return None
    user = session.get(User, data.get("uid"))
    if user is None or not user.is_active or user.password_hash[-12:] != data.get("pw"):
        return None
    if data.get("ep", 0) != _epoch(session, user.id):
        return None
    row = session.exec(
        select(Membership, Workspace)
        .join(Workspace, Workspace.id == Membership.workspace_id)
        .where(Membership.user_id == user.id)
        .order_by(Membership.id)
    ).first()
    if row is None:
        return None
    membership, workspace = row
    return Principal(
        user_id=user.id,
        email=user.email,
        name=user.name,
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        role=membership.role,
        language=user.language,
    )


def store_password(session: Session, user: User, password: str) -> None:
    """Hash and store a new password, note when, and end every session of the user."""
    user.password_hash = hash_password(password)
    session.add(user)
    security = security_of(session, user.id)
    security.password_changed_at = utcnow()
    security.session_epoch += 1
    session.add(security)


def log_out_everywhere(*, session: Session, user_id: int, actor: object = None, ip: str = "") -> None:
    """Void every login token of the user (the caller then issues a fresh one for the current tab)."""
    security = security_of(session, user_id)
    security.session_epoch += 1
    session.add(security)
    audit.record(
        session,
        "auth.signed_out_everywhere",
        workspace_id=primary_workspace_id(session, user_id),
        actor=actor,
        target=("user", user_id),
        ip=ip,
    )


def set_password(*, session: Session, email: str, password: str, actor: object = None) -> User | None:
    """Set a user's password as an administrator (the CLI): no strength check here, logs them out everywhere."""
    user = find_user(session, email)
    if user is None:
        return None
    store_password(session, user, password)
    audit.record(
        session,
        "auth.password_changed",
        workspace_id=primary_workspace_id(session, user.id),
        actor=actor or audit.Actor(email="cli"),
        target=("user", user.id),
        details={"by": "admin"},
    )
    return user
