"""Passwords and login tokens."""

import time

import pytest
from sqlmodel import Session

from flowstudio.models import Role
from flowstudio.services.identity import auth
from flowstudio.services.identity.passwords import StrengthRules, problems
from flowstudio.services.privacy import audit
from flowstudio.settings import get_settings
from tests.support.factories import make_user, make_workspace


def test_password_hash_verifies_only_the_right_password() -> None:
    encoded = auth.hash_password("correct horse")
    assert encoded.startswith("$argon2id$") and "correct horse" not in encoded
    assert auth.verify_password("correct horse", encoded)
    assert not auth.verify_password("correct hors", encoded)
    assert auth.hash_password("correct horse") != encoded  # salted
    assert not auth.verify_password("x", "not-a-hash")


def test_generated_passwords_are_long_and_distinct() -> None:
    passwords = {auth.generate_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(len(p) == 23 for p in passwords)
    assert all(problems(p, StrengthRules(min_length=12)) == [] for p in passwords)


def test_authenticate_is_case_insensitive_on_email_and_rejects_wrong_or_inactive(session: Session) -> None:
    user = make_user(session, email="ana@example.com", password="s3cret-pass")
    assert auth.authenticate(session=session, email=" ANA@example.com ", password="s3cret-pass").id == user.id
    assert auth.authenticate(session=session, email="ana@example.com", password="wrong") is None
    assert auth.authenticate(session=session, email="nobody@example.com", password="s3cret-pass") is None
    user.is_active = False
    assert auth.authenticate(session=session, email="ana@example.com", password="s3cret-pass") is None


def test_token_gives_back_the_principal(session: Session) -> None:
    workspace = make_workspace(session, name="Loja")
    user = make_user(session, workspace=workspace, role=Role.SUPERVISOR, name="Bia")
    principal = auth.principal_from_token(session=session, token=auth.issue_token(user, session))
    assert principal is not None
    assert (principal.user_id, principal.name, principal.workspace_name, principal.role) == (
        user.id,
        "Bia",
        "Loja",
        Role.SUPERVISOR,
    )


def test_tampered_or_foreign_tokens_are_refused(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(session, workspace=make_workspace(session))
    token = auth.issue_token(user, session)
    assert auth.principal_from_token(session=session, token=token[:-2] + "xx") is None
    assert auth.principal_from_token(session=session, token="") is None
    monkeypatch.setenv("SECRET_KEY", "another-key")
    get_settings.cache_clear()
    assert auth.principal_from_token(session=session, token=token) is None


def test_tokens_expire(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user(session, workspace=make_workspace(session))
    token = auth.issue_token(user, session)
    later = time.time() + get_settings().login_max_age_hours * 3600 + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert auth.principal_from_token(session=session, token=token) is None


def test_changing_the_password_logs_out_existing_tokens(session: Session) -> None:
    user = make_user(session, workspace=make_workspace(session), email="bia@example.com")
    token = auth.issue_token(user, session)
    auth.set_password(session=session, email="bia@example.com", password="brand-new-pass")
    assert auth.principal_from_token(session=session, token=token) is None
    assert auth.authenticate(session=session, email="bia@example.com", password="brand-new-pass") is not None


def test_user_without_workspace_cannot_log_in_to_the_app(session: Session) -> None:
    user = make_user(session)
    assert auth.principal_from_token(session=session, token=auth.issue_token(user, session)) is None


def test_log_out_everywhere_kills_every_older_token(session: Session) -> None:
    user = make_user(session, workspace=make_workspace(session))
    laptop, phone = auth.issue_token(user, session), auth.issue_token(user, session)
    auth.log_out_everywhere(session=session, user_id=user.id, actor=user, ip="10.1.2.3")
    assert auth.principal_from_token(session=session, token=laptop) is None
    assert auth.principal_from_token(session=session, token=phone) is None
    fresh = auth.issue_token(user, session)
    assert auth.principal_from_token(session=session, token=fresh).user_id == user.id
    entry = audit.entries(session, auth.primary_workspace_id(session, user.id), action_prefix="auth.")[0]
    assert (entry.action, entry.ip) == ("auth.signed_out_everywhere", "10.1.2.3")


def test_cli_password_reset_is_argon2_and_audited(session: Session) -> None:
    workspace = make_workspace(session)
    make_user(session, workspace=workspace, email="cli@example.com")
    user = auth.set_password(session=session, email="cli@example.com", password="Nova-senha-42")
    assert user.password_hash.startswith("$argon2id$")
    assert [e.action for e in audit.entries(session, workspace.id)] == ["auth.password_changed"]
