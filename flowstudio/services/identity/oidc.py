"""Sign-in with a workspace's OpenID Connect provider (Authlib client, joserfc for the id_token).

The flow (authorization code + PKCE S256):
1. `begin` reads the provider's discovery document (`<issuer>/.well-known/openid-configuration`, whose
   `issuer` must be the configured one), and makes the authorization URL with a random `state`,
   `nonce` and PKCE verifier. The API route keeps those in a short-lived signed cookie.
2. `complete` (the callback) checks `state`, exchanges the code (client secret + PKCE verifier), and
   verifies the id_token: RS256/ES256 signature against the provider's JWKS, `iss`, `aud`, `exp`,
   and `nonce`. The e-mail must be asserted verified (`email_verified: true`) and, when the workspace
   lists domains, belong to one of them. The user is the member with that e-mail; when nobody is,
   they are created (or added to the workspace) with the configured role, or refused.
3. 2FA: the provider authenticated the user, but a workspace that makes 2FA mandatory still gets it:
   our second factor is skipped only when the id_token's `amr` says the provider did multi-factor
   (`"mfa"`, RFC 8176). Otherwise the usual rules apply (app code if enrolled, else an e-mailed code
   when mandatory). Password expiry does not apply: no password was used.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlmodel import Session, select

from flowstudio import crypto, http_pool
from flowstudio.errors import Invalid
from flowstudio.models import Membership, OidcProvider, Role, User, Workspace, utcnow
from flowstudio.services.identity import passwords
from flowstudio.services.identity.account_policy import require_admin
from flowstudio.services.privacy import audit

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
_DISCOVERY_TTL_S = 600
_discovery_cache: dict[str, tuple[float, dict]] = {}


class OidcError(Invalid):
    """A refused OIDC sign-in; `key` is the i18n key shown on the login page (details go to the log)."""


@dataclass(frozen=True)
class ProviderConfig:
    """What an administrator configures (the secret in clear only on its way in)."""

    enabled: bool
    issuer: str
    client_id: str
    client_secret: str  # empty on save: keep the stored one
    button_label: str
    allowed_domains: list[str]
    auto_create_role: str  # "" = only existing members


def _associated(workspace_id: int) -> str:
    return f"oidc_provider:{workspace_id}"


def provider_of(session: Session, workspace_id: int) -> OidcProvider | None:
    """The workspace's provider row, configured or not."""
    return session.exec(select(OidcProvider).where(OidcProvider.workspace_id == workspace_id)).first()


def enabled_providers(session: Session) -> list[tuple[str, str]]:
    """(workspace slug, button label) of every enabled provider, for the login page."""
    rows = session.exec(
        select(Workspace.slug, OidcProvider.button_label, Workspace.name)
        .join(OidcProvider, OidcProvider.workspace_id == Workspace.id)
        .where(OidcProvider.enabled.is_(True))
        .order_by(Workspace.id)
    ).all()
    return [(slug, label or name) for slug, label, name in rows]


def save_config(session: Session, *, workspace_id: int, user_id: int, config: ProviderConfig, ip: str = "") -> None:
    """Store the provider (administrators only); the client secret is sealed, never audited.

    Raises:
        NotAllowed: the user is not an administrator of the workspace.
        OidcError: a missing or malformed value (`key` says which).
    """
    require_admin(session, workspace_id=workspace_id, user_id=user_id)
    issuer = config.issuer.strip().rstrip("/")
    if config.enabled or issuer or config.client_id:
        if not issuer.startswith(("https://", "http://")):
            raise OidcError("oidc.bad_issuer")
        if not config.client_id.strip():
            raise OidcError("oidc.bad_client_id")
    domains = sorted({d.strip().lower().lstrip("@") for d in config.allowed_domains if d.strip()})
    if any("." not in d or " " in d for d in domains):
        raise OidcError("oidc.bad_domains")
    if config.auto_create_role and config.auto_create_role not in {r.value for r in Role}:
        raise OidcError("oidc.bad_role")
    row = provider_of(session, workspace_id) or OidcProvider(workspace_id=workspace_id, issuer="", client_id="")
    if config.enabled and not (config.client_secret or row.client_secret):
        raise OidcError("oidc.bad_secret")
    before = {
        "enabled": row.enabled,
        "issuer": row.issuer,
        "client_id": row.client_id,
        "button_label": row.button_label,
        "allowed_domains": list(row.allowed_domains or []),
        "auto_create_role": row.auto_create_role,
    }
    row.enabled, row.issuer, row.client_id = config.enabled, issuer, config.client_id.strip()
    row.button_label, row.allowed_domains = config.button_label.strip()[:60], domains
    row.auto_create_role = config.auto_create_role
    if config.client_secret:
        row.client_secret = crypto.seal(config.client_secret, _associated(workspace_id))
    row.updated_at = utcnow()
    session.add(row)
    after = {k: getattr(row, k) if k != "allowed_domains" else domains for k in before}
    changes = {k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]}
    if config.client_secret:
        changes["client_secret"] = "replaced"
    if changes:
        audit.record(
            session,
            "auth.oidc_changed",
            workspace_id=workspace_id,
            actor=session.get(User, user_id),
            target=("oidc_provider", workspace_id),
            details={"changes": changes},
            ip=ip,
        )


def discover(issuer: str) -> dict:
    """The provider's discovery document (cached 10 minutes); its `issuer` must match exactly."""
    cached = _discovery_cache.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    try:
        response = http_pool.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
        response.raise_for_status()
        document = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise OidcError("oidc.unreachable", detail=str(error)) from error
    if document.get("issuer", "").rstrip("/") != issuer:
        raise OidcError("oidc.failed", detail="discovery issuer mismatch")
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not document.get(name):
            raise OidcError("oidc.failed", detail=f"discovery lacks {name}")
    _discovery_cache[issuer] = (time.monotonic() + _DISCOVERY_TTL_S, document)
    return document


def _active_provider(session: Session, workspace_slug: str) -> tuple[Workspace, OidcProvider]:
    workspace = session.exec(select(Workspace).where(Workspace.slug == workspace_slug)).first()
    provider = provider_of(session, workspace.id) if workspace else None
    if workspace is None or provider is None or not provider.enabled:
        raise OidcError("oidc.disabled")
    return workspace, provider


@dataclass(frozen=True)
class Transaction:
    """What the callback must find again: kept in a signed, short-lived cookie by the API route."""

    workspace_id: int
    state: str
    nonce: str
    verifier: str


def begin(session: Session, *, workspace_slug: str, redirect_uri: str) -> tuple[str, Transaction]:
    """The provider's authorization URL, and the transaction to keep until the callback."""
    workspace, provider = _active_provider(session, workspace_slug)
    document = discover(provider.issuer)
    transaction = Transaction(
        workspace.id, secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
    )
    query = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid email profile",
        "state": transaction.state,
        "nonce": transaction.nonce,
        "code_challenge": create_s256_code_challenge(transaction.verifier),
        "code_challenge_method": "S256",
    }
    return f"{document['authorization_endpoint']}?{urlencode(query)}", transaction


def _claims(provider: OidcProvider, document: dict, id_token: str, nonce: str) -> dict:
    try:
        jwks = http_pool.get(document["jwks_uri"], timeout=10).raise_for_status().json()
        token = jwt.decode(id_token, KeySet.import_key_set(jwks), algorithms=ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": provider.client_id},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
        ).validate(token.claims)
    except (JoseError, httpx.HTTPError, ValueError) as error:
        raise OidcError("oidc.failed", detail=f"id_token: {error}") from error
    return token.claims


def complete(
    session: Session,
    *,
    transaction: Transaction,
    state: str,
    code: str,
    redirect_uri: str,
    ip: str = "",
) -> tuple[User, bool]:
    """The callback: checks everything above; returns the user and whether the provider did MFA."""
    if not state or not secrets.compare_digest(state, transaction.state):
        raise OidcError("oidc.failed", detail="state mismatch")
    provider = provider_of(session, transaction.workspace_id)
    if provider is None or not provider.enabled:
        raise OidcError("oidc.disabled")
    document = discover(provider.issuer)
    client = OAuth2Session(
        provider.client_id,
        crypto.open_sealed(provider.client_secret, _associated(provider.workspace_id)),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    try:
        token = client.fetch_token(
            document["token_endpoint"], code=code, code_verifier=transaction.verifier, timeout=10
        )
    except Exception as error:
        raise OidcError("oidc.failed", detail=f"token exchange: {error}") from error
    finally:
        client.close()
    if "id_token" not in token:
        raise OidcError("oidc.failed", detail="no id_token")
    claims = _claims(provider, document, token["id_token"], transaction.nonce)
    email = str(claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is not True:
        raise OidcError("oidc.email_unverified")
    if provider.allowed_domains and email.rsplit("@", 1)[-1] not in provider.allowed_domains:
        raise OidcError("oidc.domain_not_allowed", detail=email)
    user = _member(session, provider, email, str(claims.get("name") or ""), ip)
    amr = claims.get("amr") or []
    return user, isinstance(amr, list) and "mfa" in amr


def _member(session: Session, provider: OidcProvider, email: str, name: str, ip: str) -> User:
    workspace_id = provider.workspace_id
    user = session.exec(select(User).where(User.email == email)).first()
    member = (
        user is not None
        and session.exec(
            select(Membership.id).where(Membership.workspace_id == workspace_id, Membership.user_id == user.id)
        ).first()
        is not None
    )
    if member:
        if not user.is_active:
            raise OidcError("oidc.not_member", detail=email)
        return user
    if not provider.auto_create_role:
        raise OidcError("oidc.not_member", detail=email)
    if user is None:
        user = User(
            email=email,
            name=(name or email.split("@")[0])[:120],
            password_hash=passwords.hash_password(secrets.token_urlsafe(32)),
        )  # no usable password
        session.add(user)
        session.flush()
    session.add(Membership(workspace_id=workspace_id, user_id=user.id, role=Role(provider.auto_create_role)))
    session.flush()
    audit.record(
        session,
        "member.added",
        workspace_id=workspace_id,
        actor=user,
        target=("user", user.id),
        details={"role": provider.auto_create_role, "via": "oidc"},
        ip=ip,
    )
    return user
