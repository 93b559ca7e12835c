"""Accounts and sign-in: per-user security state, second factors, throttling, and workspace sign-in policy.

Kept in tables of their own (one row per user or workspace) rather than columns on `app_user` and
`workspace`, so the sign-in rules evolve without touching the tables every other area reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from flowstudio.models.base import created_at_field, json_field

_TZ = sa.DateTime(timezone=True)


class AccountSecurity(SQLModel, table=True):
    """One user's sign-in state: session epoch, password age, and their authenticator app.

    `session_epoch` is carried in every login token; "log out everywhere" and password changes bump
    it, so every older token stops working at once. `totp_secret` is sealed (crypto.py);
    `totp_last_step` is the last accepted 30-second step, so a code is never accepted twice.
    """

    __tablename__ = "account_security"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True, ondelete="CASCADE")
    session_epoch: int = Field(default=0)
    password_changed_at: datetime | None = Field(default=None, sa_type=_TZ)
    totp_secret: str = Field(default="", max_length=255)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=_TZ)
    totp_last_step: int = Field(default=0, sa_type=sa.BigInteger)
    created_at: datetime = created_at_field()


class RecoveryCode(SQLModel, table=True):
    """A single-use recovery code for a user with an authenticator app (only its SHA-256 is kept)."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=_TZ)
    created_at: datetime = created_at_field()


class SignInChallenge(SQLModel, table=True):
    """A sign-in that passed its first step and waits for the second.

    `kind` is `email_code` (a 6-digit code mailed to the user) or `ticket` (an OpenID Connect sign-in
    handed from the callback to the login page). `secret_hash` is an HMAC of the code or ticket; the
    row is spent (`used_at`) on success, so neither can be replayed.
    """

    __tablename__ = "sign_in_challenge"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    secret_hash: str = Field(max_length=64)
    expires_at: datetime = Field(sa_type=_TZ)
    attempts: int = Field(default=0)
    sent_count: int = Field(default=0)
    last_sent_at: datetime | None = Field(default=None, sa_type=_TZ)
    used_at: datetime | None = Field(default=None, sa_type=_TZ)
    details: dict[str, Any] = json_field(dict)
    created_at: datetime = created_at_field()


class LoginThrottle(SQLModel, table=True):
    """Consecutive failed sign-ins for one e-mail address, known or not (so a lockout reveals nothing)."""

    __tablename__ = "login_throttle"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    failures: int = Field(default=0)
    lockouts: int = Field(default=0)
    locked_until: datetime | None = Field(default=None, sa_type=_TZ)
    last_failure_at: datetime | None = Field(default=None, sa_type=_TZ)


class SignInPolicy(SQLModel, table=True):
    """A workspace's sign-in rules. A workspace without a row uses the defaults below."""

    __tablename__ = "sign_in_policy"
    __table_args__ = (
        sa.CheckConstraint("password_min_length BETWEEN 8 AND 128", name="min_length_range"),
        sa.CheckConstraint("password_max_age_days >= 0", name="max_age_not_negative"),
        sa.CheckConstraint("lockout_threshold BETWEEN 3 AND 50", name="lockout_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", unique=True, ondelete="CASCADE")
    two_factor_required: bool = Field(default=False)
    password_max_age_days: int = Field(default=0)  # 0: passwords never expire
    password_min_length: int = Field(default=10)
    lockout_threshold: int = Field(default=5)
    updated_at: datetime = created_at_field()


class OidcProvider(SQLModel, table=True):
    """A workspace's OpenID Connect provider. `client_secret` is sealed; `auto_create_role` empty means
    only existing members may sign in through it."""

    __tablename__ = "oidc_provider"

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", unique=True, ondelete="CASCADE")
    enabled: bool = Field(default=False)
    issuer: str = Field(max_length=500)
    client_id: str = Field(max_length=255)
    client_secret: str = Field(default="", max_length=1000)
    button_label: str = Field(default="", max_length=60)
    allowed_domains: list[str] = json_field(list)
    auto_create_role: str = Field(default="", max_length=20)
    updated_at: datetime = created_at_field()
