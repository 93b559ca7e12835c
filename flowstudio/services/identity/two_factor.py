"""Second factors: authenticator apps (TOTP, pyotp) with recovery codes, and codes sent by e-mail.

- TOTP secrets are sealed at rest (crypto.py, bound to the user's row). A code is accepted
  for the current 30-second step or one step either side, and never for a step at or before the last
  one accepted, so a code seen over someone's shoulder cannot be replayed.
- Ten recovery codes are shown once at enrolment; only their SHA-256 is kept; each works once.
- E-mail codes: 6 digits, valid 10 minutes, an HMAC of them at rest, at most 5 wrong guesses, spent on
  success; "resend" replaces the code (at most once every 30 s, 5 times per sign-in).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
from sqlmodel import Session, select

from flowstudio import crypto
from flowstudio.errors import Invalid
from flowstudio.models import AccountSecurity, RecoveryCode, SignInChallenge, User, as_utc, utcnow
from flowstudio.services.identity.auth import primary_workspace_id, security_of
from flowstudio.services.privacy import audit
from flowstudio.settings import get_settings

ISSUER = "FlowStudio"
RECOVERY_CODES = 10
EMAIL_CODE_MINUTES = 10
EMAIL_CODE_ATTEMPTS = 5
RESEND_INTERVAL_S = 30
MAX_SENDS = 5
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class TwoFactorError(Invalid):
    """A refused step; `key` is the i18n key of the reason shown to the user."""


# --- authenticator apps -------------------------------------------------------------------------


def _associated(user_id: int) -> str:
    return f"totp:{user_id}"


def totp_enabled(session: Session, user_id: int) -> bool:
    """Whether the user confirmed an authenticator app."""
    return (
        session.exec(select(AccountSecurity.totp_enabled_at).where(AccountSecurity.user_id == user_id)).first()
        is not None
    )


@dataclass(frozen=True)
class Enrolment:
    """What the user types or scans into their app."""

    secret: str
    uri: str


def begin_enrolment(session: Session, user: User) -> Enrolment:
    """A fresh secret, kept sealed and pending until `confirm_enrolment` sees a code made with it."""
    security = security_of(session, user.id)
    if security.totp_enabled_at is not None:
        raise TwoFactorError("totp.already_enabled")
    secret = pyotp.random_base32()
    security.totp_secret = crypto.seal(secret, _associated(user.id))
    security.totp_last_step = 0
    session.add(security)
    return Enrolment(secret=secret, uri=pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER))


def _matching_step(secret: str, code: str, now: float) -> int | None:
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // totp.interval)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _check_totp(security: AccountSecurity, code: str) -> bool:
    if not security.totp_secret:
        return False
    secret = crypto.open_sealed(security.totp_secret, _associated(security.user_id))
    step = _matching_step(secret, code, time.time())
    if step is None or step <= security.totp_last_step:
        return False
    security.totp_last_step = step
    return True


def confirm_enrolment(session: Session, user: User, code: str, *, ip: str = "") -> list[str]:
    """Turn the app on once it produced a valid code; returns the recovery codes (shown once)."""
    security = security_of(session, user.id)
    if security.totp_enabled_at is not None:
        raise TwoFactorError("totp.already_enabled")
    if not security.totp_secret or not _check_totp(security, code):
        raise TwoFactorError("totp.bad_code")
    security.totp_enabled_at = utcnow()
    session.add(security)
    codes = _new_recovery_codes(session, user.id)
    audit.record(
        session,
        "auth.2fa_enabled",
        workspace_id=primary_workspace_id(session, user.id),
        actor=user,
        target=("user", user.id),
        details={"method": "totp"},
        ip=ip,
    )
    return codes


def disable(session: Session, user: User, code: str, *, ip: str = "") -> None:
    """Turn the app off; needs a current app code or an unused recovery code."""
    security = security_of(session, user.id)
    if security.totp_enabled_at is None:
        raise TwoFactorError("totp.not_enabled")
    if not (_check_totp(security, code) or use_recovery_code(session, user.id, code)):
        raise TwoFactorError("totp.bad_code")
    security.totp_secret, security.totp_enabled_at, security.totp_last_step = "", None, 0
    session.add(security)
    for row in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(row)
    audit.record(
        session,
        "auth.2fa_disabled",
        workspace_id=primary_workspace_id(session, user.id),
        actor=user,
        target=("user", user.id),
        details={"method": "totp"},
        ip=ip,
    )


def verify_totp(session: Session, user_id: int, code: str) -> bool:
    """Whether `code` is a fresh (never accepted before) code of the user's confirmed app."""
    security = security_of(session, user_id)
    if security.totp_enabled_at is None or not _check_totp(security, code):
        return False
    session.add(security)
    return True


# --- recovery codes -----------------------------------------------------------------------------


def _recovery_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_codes(session: Session, user_id: int) -> list[str]:
    for row in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id)):
        session.delete(row)
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user_id, code_hash=_recovery_hash(raw)))
    session.flush()
    return codes


def regenerate_recovery_codes(session: Session, user: User, *, ip: str = "") -> list[str]:
    """Replace every recovery code (the old ones stop working); returns the new ones, shown once."""
    if not totp_enabled(session, user.id):
        raise TwoFactorError("totp.not_enabled")
    codes = _new_recovery_codes(session, user.id)
    audit.record(
        session,
        "auth.2fa_recovery_codes_renewed",
        workspace_id=primary_workspace_id(session, user.id),
        actor=user,
        target=("user", user.id),
        ip=ip,
    )
    return codes


def remaining_recovery_codes(session: Session, user_id: int) -> int:
    """How many unused recovery codes the user has."""
    return len(
        session.exec(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def use_recovery_code(session: Session, user_id: int, code: str) -> bool:
    """Spend one unused recovery code; False when it is unknown or already used."""
    row = session.exec(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == _recovery_hash(code),
            RecoveryCode.used_at.is_(None),
        )
    ).first()
    if row is None:
        return False
    row.used_at = utcnow()
    session.add(row)
    session.flush()
    return True


# --- codes by e-mail ----------------------------------------------------------------------------


def secret_hash(challenge_id: int, secret: str) -> str:
    """HMAC of a code or ticket bound to its challenge (the secret key is the HMAC key)."""
    key = get_settings().resolved_secret_key().encode()
    return hmac.new(key, f"{challenge_id}:{secret}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def start_email_code(session: Session, user_id: int) -> tuple[SignInChallenge, str]:
    """A new e-mail challenge and its code (the caller mails it; only its HMAC is stored)."""
    now = utcnow()
    challenge = SignInChallenge(
        user_id=user_id,
        kind="email_code",
        secret_hash="-",
        expires_at=now + timedelta(minutes=EMAIL_CODE_MINUTES),
        sent_count=1,
        last_sent_at=now,
    )
    session.add(challenge)
    session.flush()
    code = _new_code()
    challenge.secret_hash = secret_hash(challenge.id, code)
    return challenge, code


def resend_email_code(session: Session, challenge: SignInChallenge) -> str:
    """A replacement code for the same challenge (the old one stops working), within the resend limits."""
    now = utcnow()
    if challenge.used_at is not None:
        raise TwoFactorError("signin_code.expired")
    if challenge.sent_count >= MAX_SENDS:
        raise TwoFactorError("signin_code.too_many_sends")
    if challenge.last_sent_at and (now - as_utc(challenge.last_sent_at)).total_seconds() < RESEND_INTERVAL_S:
        wait = RESEND_INTERVAL_S - int((now - as_utc(challenge.last_sent_at)).total_seconds())
        raise TwoFactorError("signin_code.resend_wait", seconds=wait)
    code = _new_code()
    challenge.secret_hash = secret_hash(challenge.id, code)
    challenge.sent_count += 1
    challenge.last_sent_at = now
    challenge.attempts = 0
    challenge.expires_at = now + timedelta(minutes=EMAIL_CODE_MINUTES)
    session.add(challenge)
    return code


def check_email_code(session: Session, challenge: SignInChallenge, code: str) -> None:
    """Spend the challenge if `code` is right; otherwise count the attempt and raise `TwoFactorError`."""
    if challenge.used_at is not None or as_utc(challenge.expires_at) <= utcnow():
        raise TwoFactorError("signin_code.expired")
    if challenge.attempts >= EMAIL_CODE_ATTEMPTS:
        raise TwoFactorError("signin_code.too_many_attempts")
    digits = "".join(ch for ch in code if ch.isdigit())
    if not hmac.compare_digest(secret_hash(challenge.id, digits), challenge.secret_hash):
        challenge.attempts += 1
        session.add(challenge)
        raise TwoFactorError("signin_code.wrong")
    challenge.used_at = utcnow()
    session.add(challenge)
