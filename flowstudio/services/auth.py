"""Passwords, logins and signed login tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session, select

from flowstudio.models import Membership, Role, User, Workspace, utcnow
from flowstudio.settings import get_settings

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_TOKEN_SALT = "flowstudio.login"


def hash_password(password: str) -> str:
    """A salted scrypt hash, self-describing (`scrypt$n$r$p$salt$hash`)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether `password` matches a hash made by `hash_password` (constant-time)."""
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def generate_password() -> str:
    """A strong random password that is easy to copy (no ambiguous characters)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(4))


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


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None. Records the login time."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or not user.is_active or not verify_password(password, user.password_hash):
        return None
    user.last_login_at = utcnow()
    session.add(user)
    return user


def issue_token(user: User) -> str:
    """A signed, timestamped login token for `user`, invalidated when their password changes."""
    serializer = URLSafeTimedSerializer(get_settings().resolved_secret_key(), salt=_TOKEN_SALT)
    return serializer.dumps({"uid": user.id, "pw": user.password_hash[-12:]})


def principal_from_token(*, session: Session, token: str) -> Principal | None:
    """The principal a valid, unexpired token stands for, else None."""
    if not token:
        return None
    settings = get_settings()
    serializer = URLSafeTimedSerializer(settings.resolved_secret_key(), salt=_TOKEN_SALT)
    try:
        data = serializer.loads(token, max_age=settings.login_max_age_hours * 3600)
    except (BadSignature, SignatureExpired):
        return None
    user = session.get(User, data.get("uid"))
    if user is None or not user.is_active or user.password_hash[-12:] != data.get("pw"):
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


def set_password(*, session: Session, email: str, password: str) -> User | None:
    """Change a user's password (which also logs them out everywhere)."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        return None
    user.password_hash = hash_password(password)
    session.add(user)
    return user
