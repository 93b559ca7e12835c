"""Sign-in with OpenID Connect against a real (local, test) provider: the whole flow through the API routes,
and the attacks: wrong state, bad signature, wrong nonce, unverified e-mail, disallowed domain."""

from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio import crypto
from flowstudio.api import oidc as oidc_api
from flowstudio.models import Membership, OidcProvider, Role, SignInPolicy, User
from flowstudio.services.identity import auth, ip_rules, oidc, sign_in
from flowstudio.services.privacy import audit
from tests.support.auth import fresh_rate_limits  # noqa: F401 - autouse fixture
from tests.support.factories import make_user, make_workspace
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, running_provider


@pytest.fixture
def provider():
    oidc._discovery_cache.clear()
    with running_provider() as running:
        yield running


@pytest.fixture
def setup(session: Session, provider):
    workspace = make_workspace(session, slug="acme")
    admin = make_user(session, workspace=workspace, role=Role.ADMIN)
    oidc.save_config(
        session,
        workspace_id=workspace.id,
        user_id=admin.id,
        config=oidc.ProviderConfig(
            enabled=True,
            issuer=provider.issuer,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            button_label="Acme SSO",
            allowed_domains=["acme.example"],
            auto_create_role="",
        ),
    )
    session.commit()
    return workspace


def _client() -> TestClient:
    app = FastAPI()
    app.include_router(oidc_api.router)
    return TestClient(app)


def _run_flow(client: TestClient, *, state: str | None = None) -> httpx.Response:
    """start -> provider (auto-approves) -> callback; the callback's response."""
    start = client.get("/api/auth/oidc/acme/start?next=/inbox", follow_redirects=False)
    assert start.status_code == 303 and "fs_oidc" in start.cookies
    authorize = httpx.get(start.headers["location"], follow_redirects=False)
    back = urlparse(authorize.headers["location"])
    query = {k: v[0] for k, v in parse_qs(back.query).items()}
    if state is not None:
        query["state"] = state
    return client.get(back.path, params=query, follow_redirects=False)


def _login_query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 303
    target = urlparse(response.headers["location"])
    assert target.path == "/login"
    return {k: v[0] for k, v in parse_qs(target.query).items()}


def test_a_member_signs_in_through_the_provider(session: Session, setup, provider) -> None:
    member = make_user(session, workspace=setup, email="sso.user@acme.example")
    session.commit()
    query = _login_query(_run_flow(_client()))
    assert query["next"] == "/inbox" and "oidc_error" not in query
    step = sign_in.redeem_ticket(session, ticket=query["ticket"], ip="10.0.0.5")
    assert step.status == "signed_in"
    assert auth.principal_from_token(session=session, token=step.token).user_id == member.id
    assert provider.token_requests[0]["code_verifier"]  # PKCE was used
    assert audit.entries(session, setup.id, action_prefix="auth.sign_in")[0].details == {"via": "oidc"}


def test_the_client_secret_is_sealed_at_rest(session: Session, setup) -> None:
    row = session.exec(select(OidcProvider)).one()
    assert CLIENT_SECRET not in row.client_secret and crypto.is_sealed(row.client_secret)
    entry = audit.entries(session, setup.id, action_prefix="auth.oidc")[0]
    assert CLIENT_SECRET not in str(entry.details) and entry.details["changes"]["client_secret"] == "replaced"


def test_a_wrong_state_is_refused(session: Session, setup) -> None:
    make_user(session, workspace=setup, email="sso.user@acme.example")
    session.commit()
    assert _login_query(_run_flow(_client(), state="forged"))["oidc_error"] == "oidc.failed"
    failures = audit.entries(session, setup.id, action_prefix="auth.sign_in_failed")
    assert failures[0].details == {"reason": "oidc", "error": "oidc.failed"}


def test_a_callback_without_the_transaction_cookie_is_refused(session: Session, setup) -> None:
    response = _client().get("/api/auth/oidc/callback?state=x&code=y", follow_redirects=False)
    assert _login_query(response)["oidc_error"] == "oidc.failed"


def test_an_id_token_signed_by_another_key_is_refused(session: Session, setup, provider) -> None:
    make_user(session, workspace=setup, email="sso.user@acme.example")
    session.commit()
    provider.sign_with_other_key = True
    assert _login_query(_run_flow(_client()))["oidc_error"] == "oidc.failed"


def test_an_id_token_with_another_nonce_is_refused(session: Session, setup, provider) -> None:
    make_user(session, workspace=setup, email="sso.user@acme.example")
    session.commit()
    provider.nonce_override = "replayed-nonce"
    assert _login_query(_run_flow(_client()))["oidc_error"] == "oidc.failed"


def test_a_disallowed_domain_is_refused(session: Session, setup, provider) -> None:
    make_user(session, workspace=setup, email="intruder@evil.example")
    session.commit()
    provider.email = "intruder@evil.example"
    assert _login_query(_run_flow(_client()))["oidc_error"] == "oidc.domain_not_allowed"


def test_an_unverified_email_is_refused(session: Session, setup, provider) -> None:
    make_user(session, workspace=setup, email="sso.user@acme.example")
    session.commit()
    provider.email_verified = False
    assert _login_query(_run_flow(_client()))["oidc_error"] == "oidc.email_unverified"


def test_non_members_are_refused_unless_auto_create_is_on(session: Session, setup) -> None:
    assert _login_query(_run_flow(_client()))["oidc_error"] == "oidc.not_member"
    row = session.exec(select(OidcProvider)).one()
    row.auto_create_role = Role.AGENT.value
    session.add(row)
    session.commit()
    query = _login_query(_run_flow(_client()))
    user = session.exec(select(User).where(User.email == "sso.user@acme.example")).one()
    role = session.exec(select(Membership.role).where(Membership.user_id == user.id)).one()
    assert (user.name, Role(role)) == ("Sso User", Role.AGENT)
    assert sign_in.redeem_ticket(session, ticket=query["ticket"]).status == "signed_in"
    assert audit.entries(session, setup.id, action_prefix="member.added")[0].details == {"role": "agent", "via": "oidc"}


def test_mandatory_2fa_applies_unless_the_provider_did_mfa(
    session: Session, setup, provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user(session, workspace=setup, email="sso.user@acme.example")
    session.add(SignInPolicy(workspace_id=setup.id, two_factor_required=True))
    session.commit()
    monkeypatch.setattr(sign_in, "_mail_code", lambda *args: None)
    step = sign_in.redeem_ticket(session, ticket=_login_query(_run_flow(_client()))["ticket"])
    assert (step.status, step.method) == ("code", "email")
    session.commit()
    provider.amr = ["pwd", "mfa"]
    step = sign_in.redeem_ticket(session, ticket=_login_query(_run_flow(_client()))["ticket"])
    assert step.status == "signed_in"


def test_a_disabled_provider_or_unknown_workspace_cannot_start(session: Session, setup) -> None:
    response = _client().get("/api/auth/oidc/nope/start", follow_redirects=False)
    assert _login_query(response)["oidc_error"] == "oidc.disabled"


def test_only_admins_configure_the_provider(session: Session, setup, provider) -> None:
    agent = make_user(session, workspace=setup, role=Role.AGENT)
    config = oidc.ProviderConfig(
        enabled=True,
        issuer=provider.issuer,
        client_id="x",
        client_secret="",
        button_label="",
        allowed_domains=[],
        auto_create_role="",
    )
    with pytest.raises(PermissionError):
        oidc.save_config(session, workspace_id=setup.id, user_id=agent.id, config=config)
    admin = session.exec(select(Membership.user_id).where(Membership.role == Role.ADMIN)).first()
    with pytest.raises(oidc.OidcError) as bad:
        oidc.save_config(
            session,
            workspace_id=setup.id,
            user_id=admin,
            config=oidc.ProviderConfig(
                enabled=True,
                issuer="ftp://x",
                client_id="x",
                client_secret="",
                button_label="",
                allowed_domains=[],
                auto_create_role="",
            ),
        )
    assert bad.value.key == "oidc.bad_issuer"
    assert oidc.enabled_providers(session) == [("acme", "Acme SSO")]


def test_an_address_outside_the_agents_allow_list_is_refused_after_the_provider(session: Session, setup) -> None:
    make_user(session, workspace=setup, email="sso.user@acme.example")  # an agent
    ip_rules.add_rule(session=session, workspace_id=setup.id, kind="allow", network="10.0.0.0/8")
    session.commit()
    assert _login_query(_run_flow(_client()))["oidc_error"] == ip_rules.NOT_ALLOWED
    failures = audit.entries(session, setup.id, action_prefix="auth.sign_in_failed")
    assert failures[0].details == {"reason": "oidc", "error": ip_rules.NOT_ALLOWED}
