"""The password sign-in: lockout with backoff, rate limits, expired passwords, hash upgrades, audit."""

import hashlib
import secrets
from datetime import timedelta

import pytest
from sqlmodel import Session

from flowstudio.models import Role, SignInPolicy
from flowstudio.services.identity import account_policy, auth, sign_in
from flowstudio.services.identity.auth import security_of
from flowstudio.services.privacy import audit
from tests.conftest import use_env
from tests.support.auth import expire_lock, fresh_rate_limits  # noqa: F401 - autouse fixture
from tests.support.factories import make_user, make_workspace

PASSWORD = "s3cret-pass"


@pytest.fixture
def generous_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lockout tests make more attempts than the per-e-mail rate limit allows in 5 minutes."""
    monkeypatch.setattr(sign_in, "EMAIL_LIMIT", (1000, 300))
    monkeypatch.setattr(sign_in, "IP_LIMIT", (1000, 300))


def _fail(session: Session, email: str, times: int, ip: str = "10.0.0.1") -> sign_in.Step:
    step = None
    for _ in range(times):
        step = sign_in.start(session, email=email, password="wrong-password", ip=ip)
    return step


def test_right_password_without_2fa_signs_in_and_is_audited(session: Session) -> None:
    workspace = make_workspace(session)
    user = make_user(session, workspace=workspace, email="ana@example.com")
    step = sign_in.start(session, email=" ANA@example.com", password=PASSWORD, ip="10.0.0.9")
    assert step.status == "signed_in"
    assert auth.principal_from_token(session=session, token=step.token).user_id == user.id
    entry = audit.entries(session, workspace.id)[0]
    assert (entry.action, entry.actor_user_id, entry.ip, entry.details) == (
        "auth.sign_in",
        user.id,
        "10.0.0.9",
        {"via": "password"},
    )


def test_wrong_password_and_unknown_email_get_the_same_answer(session: Session) -> None:
    workspace = make_workspace(session)
    make_user(session, workspace=workspace, email="ana@example.com")
    wrong = sign_in.start(session, email="ana@example.com", password="nope-nope", ip="10.0.0.1")
    unknown = sign_in.start(session, email="ghost@example.com", password="nope-nope", ip="10.0.0.1")
    assert (wrong.status, wrong.error) == (unknown.status, unknown.error) == ("refused", "login.invalid")
    assert [e.details["reason"] for e in audit.entries(session, workspace.id)] == ["password"]


def test_lockout_after_the_threshold_with_exponential_backoff(session: Session, generous_limits: None) -> None:
    workspace = make_workspace(session)
    make_user(session, workspace=workspace, email="bia@example.com")
    assert _fail(session, "bia@example.com", 4).error == "login.invalid"
    locked = _fail(session, "bia@example.com", 1)
    assert (locked.error, locked.params) == ("signin.locked", {"minutes": 1})
    # while locked even the right password is refused, without being checked
    assert sign_in.start(session, email="bia@example.com", password=PASSWORD).error == "signin.locked"
    expire_lock(session, "bia@example.com")
    assert _fail(session, "bia@example.com", 5).params == {"minutes": 2}
    expire_lock(session, "bia@example.com")
    assert _fail(session, "bia@example.com", 5).params == {"minutes": 4}
    actions = [e.action for e in audit.entries(session, workspace.id, action_prefix="auth.locked")]
    assert len(actions) == 3
    expire_lock(session, "bia@example.com")
    assert sign_in.start(session, email="bia@example.com", password=PASSWORD).status == "signed_in"
    # a success forgets the history: the next lock starts at 1 minute again
    assert _fail(session, "bia@example.com", 5).params == {"minutes": 1}


def test_backoff_is_capped(session: Session, generous_limits: None) -> None:
    make_user(session, workspace=make_workspace(session), email="cap@example.com")
    for _ in range(10):
        step = _fail(session, "cap@example.com", 5)
        expire_lock(session, "cap@example.com")
    assert step.params == {"minutes": sign_in.MAX_LOCK_MINUTES}


def test_unknown_emails_lock_exactly_like_known_ones(session: Session) -> None:
    assert _fail(session, "nobody@example.com", 5).error == "signin.locked"


def test_the_workspace_sets_the_lockout_threshold(session: Session) -> None:
    workspace = make_workspace(session)
    session.add(SignInPolicy(workspace_id=workspace.id, lockout_threshold=3))
    make_user(session, workspace=workspace, email="strict@example.com")
    assert _fail(session, "strict@example.com", 3).error == "signin.locked"


def test_sign_ins_are_rate_limited_per_ip(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sign_in, "IP_LIMIT", (3, 60))
    for n in range(3):
        assert sign_in.start(session, email=f"u{n}@example.com", password="x", ip="10.9.9.9").error == "login.invalid"
    limited = sign_in.start(session, email="u9@example.com", password="x", ip="10.9.9.9")
    assert limited.error == "signin.rate_limited" and 0 < limited.params["seconds"] <= 60
    assert sign_in.start(session, email="u9@example.com", password="x", ip="10.9.9.8").error == "login.invalid"


def test_sign_ins_are_rate_limited_per_email(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sign_in, "EMAIL_LIMIT", (2, 60))
    make_user(session, workspace=make_workspace(session), email="rl@example.com")
    _fail(session, "rl@example.com", 1, ip="10.0.0.1")
    _fail(session, "rl@example.com", 1, ip="10.0.0.2")
    assert (
        sign_in.start(session, email="rl@example.com", password=PASSWORD, ip="10.0.0.3").error == "signin.rate_limited"
    )


@pytest.mark.parametrize("shared", [False, True])
def test_right_passwords_do_not_use_up_the_budget_of_guesses(
    session: Session, monkeypatch: pytest.MonkeyPatch, shared: bool, request: pytest.FixtureRequest
) -> None:
    if shared:
        use_env(monkeypatch, REDIS_URL=request.getfixturevalue("redis_url"))
    monkeypatch.setattr(sign_in, "IP_LIMIT", (3, 60))
    monkeypatch.setattr(sign_in, "EMAIL_LIMIT", (2, 60))
    ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    email = f"busy{secrets.randbelow(10**6)}@example.com"
    make_user(session, workspace=make_workspace(session), email=email)
    for _ in range(6):  # a team signing in all day from one office, one person many times
        assert sign_in.start(session, email=email, password=PASSWORD, ip=ip).status == "signed_in"
    for _ in range(2):
        assert sign_in.start(session, email=email, password="wrong", ip=ip).error == "login.invalid"
    assert sign_in.start(session, email=email, password=PASSWORD, ip=ip).error == "signin.rate_limited"


def test_rate_limits_are_shared_through_redis(
    session: Session, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(monkeypatch, REDIS_URL=redis_url)
    monkeypatch.setattr(sign_in, "IP_LIMIT", (2, 60))
    ip = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    sign_in.start(session, email="a@example.com", password="x", ip=ip)
    sign_in.start(session, email="b@example.com", password="x", ip=ip)
    monkeypatch.setattr("flowstudio.services.system.rate_limit._memory", None)  # proves the count is not in-process
    assert sign_in.start(session, email="c@example.com", password="x", ip=ip).error == "signin.rate_limited"


def test_a_legacy_scrypt_hash_is_upgraded_on_sign_in(session: Session) -> None:
    user = make_user(session, workspace=make_workspace(session), email="old@example.com")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(b"Old-pass-2020", salt=salt, dklen=32, n=2**14, r=8, p=1)
    user.password_hash = f"scrypt${2**14}$8$1${salt.hex()}${digest.hex()}"
    session.add(user)
    assert sign_in.start(session, email="old@example.com", password="Old-pass-2020").status == "signed_in"
    assert user.password_hash.startswith("$argon2id$")
    assert sign_in.start(session, email="old@example.com", password="Old-pass-2020").status == "signed_in"


def _expire_password(session: Session, workspace_id: int, user_id: int) -> None:
    session.add(SignInPolicy(workspace_id=workspace_id, password_max_age_days=30))
    security = security_of(session, user_id)
    security.password_changed_at = security.created_at - timedelta(days=31)
    session.add(security)
    session.flush()


def test_an_expired_password_must_be_changed_before_anything_else(session: Session) -> None:
    workspace = make_workspace(session)
    user = make_user(session, workspace=workspace, email="exp@example.com", name="Exp User")
    _expire_password(session, workspace.id, user.id)
    step = sign_in.start(session, email="exp@example.com", password=PASSWORD)
    assert (step.status, step.token) == ("new_password", "")
    weak = sign_in.replace_expired_password(session, user_id=user.id, password="short", confirm="short")
    assert (weak.status, weak.error) == ("new_password", "pwd.too_short")
    same = sign_in.replace_expired_password(session, user_id=user.id, password=PASSWORD, confirm=PASSWORD)
    assert same.error == "pwd.same"
    differ = sign_in.replace_expired_password(session, user_id=user.id, password="Novo-Segredo-9", confirm="x")
    assert differ.error == "pwd.mismatch"
    done = sign_in.replace_expired_password(
        session, user_id=user.id, password="Novo-Segredo-9", confirm="Novo-Segredo-9"
    )
    assert done.status == "signed_in" and auth.principal_from_token(session=session, token=done.token)
    assert not account_policy.password_expired(session, user)
    actions = [e.action for e in audit.entries(session, workspace.id)]
    assert actions[:2] == ["auth.sign_in", "auth.password_changed"]


def test_passwords_never_expire_by_default(session: Session) -> None:
    user = make_user(session, workspace=make_workspace(session))
    security = security_of(session, user.id)
    security.password_changed_at = security.created_at - timedelta(days=3000)
    assert not account_policy.password_expired(session, user)


def test_an_ip_check_refuses_before_the_password_is_looked_at(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(session)
    make_user(session, workspace=workspace, email="ip@example.com", role=Role.AGENT)
    seen = []

    def block(_session, user, ip):
        seen.append((user.email if user else None, ip))
        return "signin.ip_blocked" if ip == "203.0.113.5" else None

    monkeypatch.setattr(sign_in, "_ip_checks", [])
    sign_in.add_ip_check(block)
    assert (
        sign_in.start(session, email="ip@example.com", password=PASSWORD, ip="203.0.113.5").error == "signin.ip_blocked"
    )
    assert sign_in.start(session, email="ip@example.com", password=PASSWORD, ip="198.51.100.1").status == "signed_in"
    assert seen == [("ip@example.com", "203.0.113.5"), ("ip@example.com", "198.51.100.1")]
    assert audit.entries(session, workspace.id, action_prefix="auth.sign_in_failed")[0].details == {"reason": "ip"}


def test_the_policy_is_the_strictest_of_the_users_workspaces(session: Session) -> None:
    lax, strict = make_workspace(session), make_workspace(session)
    user = make_user(session, workspace=lax)
    from flowstudio.models import Membership

    session.add(Membership(workspace_id=strict.id, user_id=user.id, role=Role.AGENT))
    session.add(
        SignInPolicy(
            workspace_id=strict.id,
            two_factor_required=True,
            password_min_length=14,
            password_max_age_days=90,
            lockout_threshold=4,
        )
    )
    session.add(SignInPolicy(workspace_id=lax.id, password_max_age_days=365))
    policy = account_policy.for_user(session, user.id)
    assert policy == account_policy.Policy(True, 90, 14, 4)


def test_only_admins_change_the_policy_and_it_is_audited(session: Session) -> None:
    workspace = make_workspace(session)
    admin = make_user(session, workspace=workspace, role=Role.ADMIN)
    agent = make_user(session, workspace=workspace, role=Role.AGENT)
    new = account_policy.Policy(
        two_factor_required=True, password_max_age_days=90, password_min_length=12, lockout_threshold=5
    )
    with pytest.raises(account_policy.NotAllowed):
        account_policy.save_policy(session, workspace_id=workspace.id, user_id=agent.id, policy=new)
    with pytest.raises(account_policy.PolicyError):
        account_policy.save_policy(
            session, workspace_id=workspace.id, user_id=admin.id, policy=account_policy.Policy(password_min_length=4)
        )
    account_policy.save_policy(session, workspace_id=workspace.id, user_id=admin.id, policy=new, ip="10.0.0.2")
    assert account_policy.workspace_policy(session, workspace.id) == new
    entry = audit.entries(session, workspace.id)[0]
    assert entry.action == "auth.policy_changed" and entry.details["changes"]["password_min_length"] == {
        "from": 10,
        "to": 12,
    }
