"""OpenID Connect sign-in routes: `/api/auth/oidc/{workspace}/start` and `/api/auth/oidc/callback`.

The transaction (state, nonce, PKCE verifier) lives in a signed cookie, HttpOnly, SameSite=Lax (the
provider's redirect back is a cross-site navigation: a Strict cookie would not come along), limited to
these paths and 10 minutes. The callback hands the signed-in user to the login page as a single-use
ticket (`/login?ticket=...`): the page applies the second-factor rules and sets the session cookie,
exactly as for a password sign-in.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from flowstudio.db import session_scope
from flowstudio.services.identity import oidc, sign_in
from flowstudio.services.privacy import audit
from flowstudio.settings import Environment, get_settings

log = logging.getLogger("flowstudio.oidc")
router = APIRouter(prefix="/api/auth/oidc", include_in_schema=False)
COOKIE = "fs_oidc"
_MAX_AGE_S = 600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().resolved_secret_key(), salt="flowstudio.oidc")


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


def _to_login(**query: str) -> RedirectResponse:
    params = "&".join(f"{name}={quote(value, safe='')}" for name, value in query.items() if value)
    response = RedirectResponse(f"/login?{params}" if params else "/login", status_code=303)
    response.delete_cookie(COOKIE, path="/api/auth/oidc")
    return response


@router.get("/{workspace}/start")
def oidc_start(workspace: str, request: Request, next: str = "") -> RedirectResponse:
    """Send the browser to the workspace's provider."""
    try:
        with session_scope() as session:
            url, transaction = oidc.begin(session, workspace_slug=workspace[:64], redirect_uri=_redirect_uri(request))
    except oidc.OidcError as error:
        log.warning("oidc.start_failed workspace=%s error=%s", workspace, error)
        return _to_login(oidc_error=error.key)
    response = RedirectResponse(url, status_code=303)
    value = _serializer().dumps(
        {
            "ws": transaction.workspace_id,
            "state": transaction.state,
            "nonce": transaction.nonce,
            "verifier": transaction.verifier,
            "next": _safe_next(next),
        }
    )
    response.set_cookie(
        COOKIE,
        value,
        max_age=_MAX_AGE_S,
        path="/api/auth/oidc",
        httponly=True,
        samesite="lax",
        secure=get_settings().env is Environment.PRODUCTION,
    )
    return response


@router.get("/callback", name="oidc_callback")
def oidc_callback(request: Request, state: str = "", code: str = "", error: str = "") -> RedirectResponse:
    """Back from the provider: verify, then hand a ticket to the login page."""
    try:
        data = _serializer().loads(request.cookies.get(COOKIE, ""), max_age=_MAX_AGE_S)
    except BadSignature:
        log.warning("oidc callback without a transaction cookie")
        return _to_login(oidc_error="oidc.failed")
    if error or not code:
        return _to_login(oidc_error="oidc.cancelled")
    transaction = oidc.Transaction(data["ws"], data["state"], data["nonce"], data["verifier"])
    ip = _client_ip(request)
    try:
        with session_scope() as session:
            user, mfa = oidc.complete(
                session, transaction=transaction, state=state, code=code, redirect_uri=_redirect_uri(request), ip=ip
            )
            refusal = sign_in.ip_refusal(session, user, ip)
            if refusal:
                raise oidc.OidcError(refusal, detail="ip")
            ticket = sign_in.issue_ticket(session, user, mfa_done=mfa)
    except oidc.OidcError as failure:
        log.warning("oidc.callback_failed error=%s", failure)
        with session_scope() as session:
            audit.record(
                session,
                "auth.sign_in_failed",
                workspace_id=transaction.workspace_id,
                details={"reason": "oidc", "error": failure.key},
                ip=ip,
            )
        return _to_login(oidc_error=failure.key)
    return _to_login(ticket=ticket, next=data.get("next", ""))
