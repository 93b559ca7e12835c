"""The sign-in flow: credentials -> second factor -> expired password -> login token.

Each call returns a `Step`: signed in (with a token), waiting for a code (`email`, `totp`; a recovery
code always works where `totp` is asked), waiting for a new password, or refused with a reason key.
The page keeps the pending user id and stage server-side (Reflex backend vars) between calls.

Rules, in order, for e-mail + password:
1. Rate limits per client IP and per e-mail (`rate_limit`): over them, refused without a check.
2. `ip_refusal` (see below) may refuse the address.
3. A locked e-mail (known or not) is refused with the minutes left, before the password is looked at.
4. A wrong password (or unknown e-mail, same answer, same time) counts a failure; the policy's
   threshold of consecutive failures locks for 1, 2, 4 ... minutes (capped at `MAX_LOCK_MINUTES`).
5. Right password: failures forgotten, a scrypt hash upgraded to argon2id, then the second factor:
   the authenticator app if the user has one, else an e-mail code when a workspace of theirs makes
   2FA mandatory. Then an expired password must be replaced before the token is issued.
Everything is audited: `auth.sign_in`, `auth.sign_in_failed` (with the reason), `auth.locked`.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import Session, select

from flowstudio.models import LoginThrottle, SignInChallenge, User, as_utc, utcnow
from flowstudio.services.identity import account_policy, passwords, two_factor
from flowstudio.services.identity.auth import find_user, issue_token, primary_workspace_id, store_password
from flowstudio.services.integrations import mail
from flowstudio.services.privacy import audit
from flowstudio.services.system import rate_limit

log = logging.getLogger("flowstudio.sign_in")

IP_LIMIT = (30, 300)  # attempts per client address per 5 minutes
EMAIL_LIMIT = (10, 300)  # attempts per e-mail per 5 minutes
MAX_LOCK_MINUTES = 60
TICKET_MINUTES = 2


@dataclass(frozen=True)
class Step:
    """Where a sign-in stands."""

    status: str  # signed_in | code | new_password | refused
    user_id: int | None = None
    token: str = ""
    method: str = ""  # with status "code": email | totp
    challenge_id: int | None = None
    error: str = ""  # an i18n key
    params: dict[str, object] = field(default_factory=dict)


def refused(error: str, **params: object) -> Step:
    """A refusal with its reason."""
    return Step("refused", error=error, params=params)


# --- the IP rules hook --------------------------------------------------------------------------

IpCheck = Callable[[Session, User | None, str], str | None]
_ip_checks: list[IpCheck] = []


def add_ip_check(check: IpCheck) -> None:
    """Register a check `(session, user or None, ip) -> i18n key to refuse | None to allow`.

    The workspace IP allow/block lists (issue 8, IP rules) register theirs here; it runs on every
    password sign-in (before the password is checked, so a blocked address learns nothing about it)
    and on every OpenID Connect sign-in.
    """
    if check not in _ip_checks:
        _ip_checks.append(check)


def ip_refusal(session: Session, user: User | None, ip: str) -> str | None:
    """The first registered IP check that refuses this sign-in, as an i18n key; None when all allow."""
    for check in _ip_checks:
        reason = check(session, user, ip)
        if reason:
            return reason
    return None


# --- failures and lockout -----------------------------------------------------------------------


def _throttle(session: Session, email: str) -> LoginThrottle | None:
    return session.exec(select(LoginThrottle).where(LoginThrottle.email == email)).first()


def _minutes_left(row: LoginThrottle | None) -> int:
    if row is None or row.locked_until is None:
        return 0
    seconds = (as_utc(row.locked_until) - utcnow()).total_seconds()
    return max(0, int(seconds // 60) + (1 if seconds % 60 else 0)) if seconds > 0 else 0


def _fail(session: Session, email: str, user: User | None, reason: str, ip: str) -> Step:
    threshold = (
        account_policy.for_user(session, user.id).lockout_threshold
        if user
        else account_policy.DEFAULT.lockout_threshold
    )
    workspace_id = primary_workspace_id(session, user.id) if user else None
    row = _throttle(session, email) or LoginThrottle(email=email)
    row.failures += 1
    row.last_failure_at = utcnow()
    audit.record(
        session,
        "auth.sign_in_failed",
        workspace_id=workspace_id,
        actor=user or audit.Actor(email=email),
        target=("user", user.id) if user else None,
        details={"reason": reason},
        ip=ip,
    )
    if row.failures >= threshold:
        minutes = min(2**row.lockouts, MAX_LOCK_MINUTES)
        row.locked_until = utcnow() + timedelta(minutes=minutes)
        row.lockouts += 1
        row.failures = 0
        audit.record(
            session,
            "auth.locked",
            workspace_id=workspace_id,
            actor=user or audit.Actor(email=email),
            target=("user", user.id) if user else None,
            details={"minutes": minutes},
            ip=ip,
        )
        session.add(row)
        return refused("signin.locked", minutes=minutes)
    session.add(row)
    return refused("login.invalid")


def _forget_failures(session: Session, email: str) -> None:
    row = _throttle(session, email)
    if row is not None:
        session.delete(row)


# --- the steps ----------------------------------------------------------------------------------


def _normalise(email: str) -> str:
    return (email or "").strip().lower()[:254]


def start(session: Session, *, email: str, password: str, ip: str = "", lang: str = "pt-BR") -> Step:
    """First step: e-mail and password."""
    email = _normalise(email)
    if not email or not password:
        return refused("login.missing")
    for key, (limit, window) in ((f"ip:{ip}", IP_LIMIT), (f"email:{email}", EMAIL_LIMIT)):
        verdict = rate_limit.hit(f"signin:{key}", limit=limit, window=window)
        if not verdict.allowed:
            audit.record(
                session,
                "auth.sign_in_failed",
                actor=audit.Actor(email=email),
                details={"reason": "rate_limited"},
                ip=ip,
            )
            return refused("signin.rate_limited", seconds=verdict.retry_after)
    user = find_user(session, email)
    blocked = ip_refusal(session, user, ip)
    if blocked:
        audit.record(
            session,
            "auth.sign_in_failed",
            workspace_id=primary_workspace_id(session, user.id) if user else None,
            actor=user or audit.Actor(email=email),
            details={"reason": "ip"},
            ip=ip,
        )
        return refused(blocked)
    minutes = _minutes_left(_throttle(session, email))
    if minutes:
        return refused("signin.locked", minutes=minutes)
    if user is None:
        passwords.burn_time(password)
        return _fail(session, email, None, "unknown_email", ip)
    if not passwords.verify_password(password, user.password_hash) or not user.is_active:
        return _fail(session, email, user, "password" if user.is_active else "inactive", ip)
    _forget_failures(session, email)
    for key in (f"ip:{ip}", f"email:{email}"):  # a right password does not use up the budget of guesses
        rate_limit.forgive(f"signin:{key}")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        session.add(user)
    return second_factor(session, user, ip=ip, lang=lang, via="password")


def second_factor(session: Session, user: User, *, ip: str, lang: str, via: str, mfa_done: bool = False) -> Step:
    """After the first factor: ask for the app code, mail a code, or go on to finish."""
    if not mfa_done and two_factor.totp_enabled(session, user.id):
        return Step("code", user_id=user.id, method="totp")
    if not mfa_done and account_policy.for_user(session, user.id).two_factor_required:
        challenge, code = two_factor.start_email_code(session, user.id)
        _mail_code(user, code, lang)
        return Step("code", user_id=user.id, method="email", challenge_id=challenge.id)
    return finish(session, user, ip=ip, via=via)


def _mail_code(user: User, code: str, lang: str) -> None:
    message = mail.sign_in_code(
        to=user.email, name=user.name, code=code, minutes=two_factor.EMAIL_CODE_MINUTES, lang=user.language or lang
    )
    try:
        mail.send(message)
    except mail.MailError:
        log.exception("signin.mail_failed user=%s", user.id)  # the page offers "resend"


def finish(session: Session, user: User, *, ip: str, via: str) -> Step:
    """All factors passed: ask for a new password if it expired, else issue the token."""
    if via == "password" and account_policy.password_expired(session, user):
        return Step("new_password", user_id=user.id)
    user.last_login_at = utcnow()
    session.add(user)
    session.flush()
    audit.record(
        session,
        "auth.sign_in",
        workspace_id=primary_workspace_id(session, user.id),
        actor=user,
        target=("user", user.id),
        details={"via": via},
        ip=ip,
    )
    return Step("signed_in", user_id=user.id, token=issue_token(user, session))


def _pending_user(session: Session, user_id: int | None) -> User | None:
    user = session.get(User, user_id) if user_id else None
    return user if user is not None and user.is_active else None


def verify_code(
    session: Session,
    *,
    user_id: int | None,
    method: str,
    code: str,
    challenge_id: int | None = None,
    via: str = "password",
    ip: str = "",
    lang: str = "pt-BR",
) -> Step:
    """Second step: an e-mailed code, an app code, or a recovery code (`method`: email|totp|recovery)."""
    user = _pending_user(session, user_id)
    if user is None:
        return refused("signin.start_again")
    if not rate_limit.hit(f"signin:code:{user.id}", limit=EMAIL_LIMIT[0], window=EMAIL_LIMIT[1]).allowed:
        return refused("signin.rate_limited", seconds=EMAIL_LIMIT[1])
    ok = False
    if method == "email":
        challenge = session.get(SignInChallenge, challenge_id) if challenge_id else None
        if challenge is None or challenge.user_id != user.id or challenge.kind != "email_code":
            return refused("signin.start_again")
        try:
            two_factor.check_email_code(session, challenge, code)
            ok = True
        except two_factor.TwoFactorError as error:
            reason = error.key
    elif method == "totp":
        ok, reason = two_factor.verify_totp(session, user.id, code), "signin_code.wrong"
    elif method == "recovery":
        ok, reason = two_factor.use_recovery_code(session, user.id, code), "signin_code.wrong"
    else:
        return refused("signin.start_again")
    if not ok:
        audit.record(
            session,
            "auth.sign_in_failed",
            workspace_id=primary_workspace_id(session, user.id),
            actor=user,
            target=("user", user.id),
            details={"reason": f"{method}_code"},
            ip=ip,
        )
        return Step(
            "code",
            user_id=user.id,
            method="email" if method == "email" else "totp",
            challenge_id=challenge_id,
            error=reason,
        )
    if method == "recovery":
        audit.record(
            session,
            "auth.2fa_recovery_code_used",
            workspace_id=primary_workspace_id(session, user.id),
            actor=user,
            target=("user", user.id),
            details={"remaining": two_factor.remaining_recovery_codes(session, user.id)},
            ip=ip,
        )
    return finish(session, user, ip=ip, via=via)


def resend_code(session: Session, *, user_id: int | None, challenge_id: int | None, lang: str = "pt-BR") -> Step:
    """Mail a new code for the pending e-mail challenge (limited: see `two_factor.resend_email_code`)."""
    user = _pending_user(session, user_id)
    challenge = session.get(SignInChallenge, challenge_id) if challenge_id else None
    if user is None or challenge is None or challenge.user_id != user.id or challenge.kind != "email_code":
        return refused("signin.start_again")
    try:
        code = two_factor.resend_email_code(session, challenge)
    except two_factor.TwoFactorError as error:
        return Step(
            "code", user_id=user.id, method="email", challenge_id=challenge.id, error=error.key, params=error.params
        )
    _mail_code(user, code, lang)
    return Step("code", user_id=user.id, method="email", challenge_id=challenge.id, error="signin_code.resent")


def replace_expired_password(
    session: Session,
    *,
    user_id: int | None,
    password: str,
    confirm: str,
    ip: str = "",
) -> Step:
    """Last step when the password expired: a new one that meets the policy and is not the old one."""
    user = _pending_user(session, user_id)
    if user is None:
        return refused("signin.start_again")
    if password != confirm:
        return Step("new_password", user_id=user.id, error="pwd.mismatch")
    if passwords.verify_password(password, user.password_hash):
        return Step("new_password", user_id=user.id, error="pwd.same")
    found = passwords.problems(password, account_policy.strength_rules(session, user))
    if found:
        key, params = found[0]
        return Step("new_password", user_id=user.id, error=key, params=params)
    store_password(session, user, password)
    audit.record(
        session,
        "auth.password_changed",
        workspace_id=primary_workspace_id(session, user.id),
        actor=user,
        target=("user", user.id),
        details={"reason": "expired"},
        ip=ip,
    )
    return finish(session, user, ip=ip, via="password_renewed")


# --- hand-over from the OpenID Connect callback -------------------------------------------------


def issue_ticket(session: Session, user: User, *, mfa_done: bool) -> str:
    """A single-use ticket (2 minutes) the OIDC callback hands to the login page: `<id>.<secret>`."""
    challenge = SignInChallenge(
        user_id=user.id,
        kind="ticket",
        secret_hash="-",
        expires_at=utcnow() + timedelta(minutes=TICKET_MINUTES),
        details={"mfa": mfa_done},
    )
    session.add(challenge)
    session.flush()
    secret = secrets.token_urlsafe(24)
    challenge.secret_hash = two_factor.secret_hash(challenge.id, secret)
    return f"{challenge.id}.{secret}"


def redeem_ticket(session: Session, *, ticket: str, ip: str = "", lang: str = "pt-BR") -> Step:
    """Spend a ticket from the OIDC callback and continue with the second factor rules."""
    raw_id, _, secret = (ticket or "").partition(".")
    challenge = session.get(SignInChallenge, int(raw_id)) if raw_id.isdigit() else None
    if (
        challenge is None
        or challenge.kind != "ticket"
        or challenge.used_at is not None
        or as_utc(challenge.expires_at) <= utcnow()
        or not hmac.compare_digest(two_factor.secret_hash(challenge.id, secret), challenge.secret_hash)
    ):
        return refused("oidc.failed")
    challenge.used_at = utcnow()
    session.add(challenge)
    user = _pending_user(session, challenge.user_id)
    if user is None:
        return refused("oidc.failed")
    return second_factor(session, user, ip=ip, lang=lang, via="oidc", mfa_done=bool(challenge.details.get("mfa")))
