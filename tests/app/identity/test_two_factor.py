"""Second factors: codes by e-mail (read from a real SMTP sink), authenticator apps, recovery codes."""

import time

import pyotp
import pytest
from sqlmodel import Session, select

from flowstudio.models import AccountSecurity, SignInChallenge, SignInPolicy
from flowstudio.services.identity import auth, sign_in, two_factor
from flowstudio.services.privacy import audit
from tests.conftest import use_env
from tests.support.auth import fresh_rate_limits  # noqa: F401 - autouse fixture
from tests.support.factories import make_user, make_workspace
from tests.support.mail import smtp_sink

PASSWORD = "s3cret-pass"


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch):
    with smtp_sink() as (sink, port):
        use_env(
            monkeypatch,
            FLOWSTUDIO_SMTP_HOST="127.0.0.1",
            FLOWSTUDIO_SMTP_PORT=str(port),
            FLOWSTUDIO_SMTP_STARTTLS="false",
        )
        yield sink


def _mandatory(session: Session, **user_fields):
    workspace = make_workspace(session)
    session.add(SignInPolicy(workspace_id=workspace.id, two_factor_required=True))
    return workspace, make_user(session, workspace=workspace, **user_fields)


def test_mandatory_2fa_mails_a_code_that_signs_in_once(session: Session, sink) -> None:
    workspace, user = _mandatory(session, email="ana@example.com", language="en")
    step = sign_in.start(session, email="ana@example.com", password=PASSWORD, ip="10.0.0.1")
    assert (step.status, step.method, step.token) == ("code", "email", "")
    message = sink.wait_for("ana@example.com")
    assert "sign-in code" in message["Subject"]  # in the user's language
    code = sink.code_for("ana@example.com")
    stored = session.get(SignInChallenge, step.challenge_id)
    assert code not in stored.secret_hash and len(stored.secret_hash) == 64  # hashed at rest
    done = sign_in.verify_code(session, user_id=user.id, method="email", code=code, challenge_id=step.challenge_id)
    assert done.status == "signed_in"
    replay = sign_in.verify_code(session, user_id=user.id, method="email", code=code, challenge_id=step.challenge_id)
    assert (replay.status, replay.error) == ("code", "signin_code.expired")


def test_wrong_codes_are_limited_and_expired_codes_refused(session: Session, sink) -> None:
    _, user = _mandatory(session, email="bia@example.com")
    step = sign_in.start(session, email="bia@example.com", password=PASSWORD)
    code = sink.code_for("bia@example.com")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(two_factor.EMAIL_CODE_ATTEMPTS):
        assert (
            sign_in.verify_code(
                session, user_id=user.id, method="email", code=wrong, challenge_id=step.challenge_id
            ).error
            == "signin_code.wrong"
        )
    assert (
        sign_in.verify_code(session, user_id=user.id, method="email", code=code, challenge_id=step.challenge_id).error
        == "signin_code.too_many_attempts"
    )
    failures = audit.entries(
        session, sign_in.primary_workspace_id(session, user.id), action_prefix="auth.sign_in_failed"
    )
    assert len(failures) == 6 and failures[0].details == {"reason": "email_code"}


def test_an_expired_code_is_refused(session: Session, sink) -> None:
    _, user = _mandatory(session, email="old@example.com")
    step = sign_in.start(session, email="old@example.com", password=PASSWORD)
    challenge = session.get(SignInChallenge, step.challenge_id)
    challenge.expires_at = challenge.created_at
    assert (
        sign_in.verify_code(
            session,
            user_id=user.id,
            method="email",
            code=sink.code_for("old@example.com"),
            challenge_id=step.challenge_id,
        ).error
        == "signin_code.expired"
    )


def test_resend_replaces_the_code_and_is_rate_limited(session: Session, sink) -> None:
    _, user = _mandatory(session, email="re@example.com")
    step = sign_in.start(session, email="re@example.com", password=PASSWORD)
    first = sink.code_for("re@example.com")
    too_soon = sign_in.resend_code(session, user_id=user.id, challenge_id=step.challenge_id)
    assert too_soon.error == "signin_code.resend_wait" and too_soon.params["seconds"] > 0
    challenge = session.get(SignInChallenge, step.challenge_id)
    challenge.last_sent_at = challenge.created_at.replace(year=2020)
    assert sign_in.resend_code(session, user_id=user.id, challenge_id=step.challenge_id).error == "signin_code.resent"
    second = sink.code_for("re@example.com", count=2)
    if first != second:
        assert (
            sign_in.verify_code(
                session, user_id=user.id, method="email", code=first, challenge_id=step.challenge_id
            ).error
            == "signin_code.wrong"
        )
    assert (
        sign_in.verify_code(
            session, user_id=user.id, method="email", code=second, challenge_id=step.challenge_id
        ).status
        == "signed_in"
    )


def test_a_challenge_of_another_user_is_refused(session: Session, sink) -> None:
    _, ana = _mandatory(session, email="a1@example.com")
    _, bob = _mandatory(session, email="b1@example.com")
    step = sign_in.start(session, email="a1@example.com", password=PASSWORD)
    code = sink.code_for("a1@example.com")
    assert (
        sign_in.verify_code(session, user_id=bob.id, method="email", code=code, challenge_id=step.challenge_id).error
        == "signin.start_again"
    )


def _enrol(session: Session, user) -> tuple[str, list[str]]:
    enrolment = two_factor.begin_enrolment(session, user)
    assert enrolment.uri.startswith("otpauth://totp/FlowStudio:") and enrolment.secret in enrolment.uri
    stored = session.exec(select(AccountSecurity).where(AccountSecurity.user_id == user.id)).one()
    assert enrolment.secret not in stored.totp_secret  # sealed at rest
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.confirm_enrolment(
            session, user, "000000" if pyotp.TOTP(enrolment.secret).now() != "000000" else "111111"
        )
    codes = two_factor.confirm_enrolment(session, user, pyotp.TOTP(enrolment.secret).now())
    return enrolment.secret, codes


def _next_step_code(secret: str) -> str:
    """The code of the next 30-second step (accepted: one step of clock drift)."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_totp_sign_in_refuses_replayed_codes(session: Session) -> None:
    workspace = make_workspace(session)
    user = make_user(session, workspace=workspace, email="totp@example.com")
    secret, codes = _enrol(session, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    step = sign_in.start(session, email="totp@example.com", password=PASSWORD)
    assert (step.status, step.method) == ("code", "totp")
    # the enrolment code was just used: the same step cannot be used again
    replay = sign_in.verify_code(session, user_id=user.id, method="totp", code=pyotp.TOTP(secret).now())
    assert replay.error == "signin_code.wrong"
    fresh = _next_step_code(secret)
    assert sign_in.verify_code(session, user_id=user.id, method="totp", code=fresh).status == "signed_in"
    assert sign_in.verify_code(session, user_id=user.id, method="totp", code=fresh).error == "signin_code.wrong"
    assert [e.action for e in audit.entries(session, workspace.id, action_prefix="auth.2fa")] == ["auth.2fa_enabled"]


def test_recovery_codes_work_once(session: Session) -> None:
    workspace = make_workspace(session)
    user = make_user(session, workspace=workspace, email="rec@example.com")
    _, codes = _enrol(session, user)
    assert sign_in.verify_code(session, user_id=user.id, method="recovery", code=codes[3].upper()).status == "signed_in"
    assert sign_in.verify_code(session, user_id=user.id, method="recovery", code=codes[3]).error == "signin_code.wrong"
    assert two_factor.remaining_recovery_codes(session, user.id) == 9
    renewed = two_factor.regenerate_recovery_codes(session, user)
    assert sign_in.verify_code(session, user_id=user.id, method="recovery", code=codes[4]).status == "code"
    assert sign_in.verify_code(session, user_id=user.id, method="recovery", code=renewed[0]).status == "signed_in"


def test_totp_users_never_get_the_email_code_even_when_mandatory(session: Session) -> None:
    _, user = _mandatory(session, email="both@example.com")
    _enrol(session, user)
    assert sign_in.start(session, email="both@example.com", password=PASSWORD).method == "totp"


def test_disabling_the_app_needs_a_code_and_is_audited(session: Session) -> None:
    workspace = make_workspace(session)
    user = make_user(session, workspace=workspace, email="off@example.com")
    secret, codes = _enrol(session, user)
    with pytest.raises(two_factor.TwoFactorError):
        two_factor.disable(session, user, "123")
    two_factor.disable(session, user, codes[0])
    assert not two_factor.totp_enabled(session, user.id)
    assert two_factor.remaining_recovery_codes(session, user.id) == 0
    assert sign_in.start(session, email="off@example.com", password=PASSWORD).status == "signed_in"
    assert [e.action for e in audit.entries(session, workspace.id, action_prefix="auth.2fa")] == [
        "auth.2fa_disabled",
        "auth.2fa_enabled",
    ]


def test_an_oidc_ticket_works_once_and_keeps_the_2fa_rules(session: Session, sink) -> None:
    _, user = _mandatory(session, email="sso@example.com")
    ticket = sign_in.issue_ticket(session, user, mfa_done=False)
    step = sign_in.redeem_ticket(session, ticket=ticket)
    assert (step.status, step.method) == ("code", "email")
    assert sign_in.redeem_ticket(session, ticket=ticket).error == "oidc.failed"
    mfa_ticket = sign_in.issue_ticket(session, user, mfa_done=True)
    assert sign_in.redeem_ticket(session, ticket=mfa_ticket + "x").error == "oidc.failed"
    done = sign_in.redeem_ticket(session, ticket=mfa_ticket)
    assert done.status == "signed_in" and auth.principal_from_token(session=session, token=done.token)
