"""The login page's state: credentials -> code (e-mail, app or recovery) -> new password when it expired.

The pending user, challenge and stage are backend-only vars, so the browser cannot skip a step. The
rules themselves live in `flowstudio.services.identity.sign_in`.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.services.identity import oidc, sign_in
from flowstudio.state.session import SessionState, home_for


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot send a user elsewhere after login."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not target.startswith("/login")
    ):
        return target
    return ""  # the member's own landing page (agents: the inbox), chosen once we know who signed in


def _mask(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'*' * max(1, len(local) - 1)}@{domain}"


class LoginState(rx.State):
    """The login form and where the sign-in stands."""

    stage: str = "credentials"  # credentials | code | new_password
    method: str = ""  # email | totp | recovery
    error_text: str = ""
    notice_text: str = ""
    code_to: str = ""
    providers: list[dict[str, str]] = []
    _user_id: int | None = None
    _challenge_id: int | None = None
    _via: str = "password"
    _next: str = ""

    async def _lang(self) -> str:
        return (await self.get_state(SessionState)).lang

    async def _apply(self, step: sign_in.Step, email: str = ""):
        """Show the step the service returned; on success keep the token and leave."""
        lang = await self._lang()
        message = translate(step.error, lang, **step.params) if step.error else ""
        self.error_text, self.notice_text = "", ""
        if step.error == "signin_code.resent":
            self.notice_text = message
        else:
            self.error_text = message
        if step.status == "signed_in":
            self._reset_flow()
            session_state = await self.get_state(SessionState)
            session_state._login_as(step.token)
            return rx.redirect(self._next or home_for(session_state.role))
        if step.status == "refused":
            self._reset_flow()
            return None
        if step.status == "code" and self.stage != "code":
            self.method = step.method
            if step.method == "email" and email:
                self.code_to = _mask(email)
        self.stage = step.status
        self._user_id, self._challenge_id = step.user_id, step.challenge_id or self._challenge_id
        return None

    def _reset_flow(self) -> None:
        self.stage, self.method, self.code_to = "credentials", "", ""
        self._user_id = self._challenge_id = None
        self._via = "password"

    @rx.event
    async def submit(self, form_data: dict[str, str]):
        """First step: e-mail and password."""
        email = (form_data.get("email") or "").strip()
        self._next = _safe_next(self.router.url.query_parameters.get("next"))
        self._via = "password"
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            step = sign_in.start(
                session,
                email=email,
                password=form_data.get("password") or "",
                ip=session_state._client_ip(),
                lang=session_state.lang,
            )
        return await self._apply(step, email)

    @rx.event
    async def submit_code(self, form_data: dict[str, str]):
        """Second step: the code from the e-mail, the app, or a recovery code."""
        if self.stage != "code":
            return None
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            step = sign_in.verify_code(
                session,
                user_id=self._user_id,
                method=self.method,
                code=form_data.get("code") or "",
                challenge_id=self._challenge_id,
                via=self._via,
                ip=session_state._client_ip(),
                lang=session_state.lang,
            )
        return await self._apply(step)

    @rx.event
    async def resend(self):
        """Mail a new code (same screen; limited)."""
        if self.stage != "code" or self.method != "email":
            return None
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            step = sign_in.resend_code(
                session, user_id=self._user_id, challenge_id=self._challenge_id, lang=session_state.lang
            )
        return await self._apply(step)

    @rx.event
    def use_recovery(self):
        """Type a recovery code instead of the app's code."""
        if self.stage == "code" and self.method == "totp":
            self.method, self.error_text = "recovery", ""

    @rx.event
    def use_app(self):
        """Back from the recovery code to the app's code."""
        if self.stage == "code" and self.method == "recovery":
            self.method, self.error_text = "totp", ""

    @rx.event
    def start_over(self):
        """Abandon the pending sign-in."""
        self._reset_flow()
        self.error_text = self.notice_text = ""

    @rx.event
    async def submit_new_password(self, form_data: dict[str, str]):
        """Last step when the password expired."""
        if self.stage != "new_password":
            return None
        session_state = await self.get_state(SessionState)
        with session_scope() as session:
            step = sign_in.replace_expired_password(
                session,
                user_id=self._user_id,
                password=form_data.get("password") or "",
                confirm=form_data.get("confirm") or "",
                ip=session_state._client_ip(),
            )
        return await self._apply(step)

    @rx.event
    async def on_load(self):
        """Skip the form when logged in; take over an OIDC sign-in (`?ticket=`); list the OIDC buttons."""
        self._reset_flow()
        self.error_text = self.notice_text = ""
        query = self.router.url.query_parameters
        self._next = _safe_next(query.get("next"))
        session_state = await self.get_state(SessionState)
        if session_state.token and session_state._load_principal() is not None:
            return rx.redirect(self._next or home_for(session_state.role))
        only = query.get("workspace", "")
        with session_scope() as session:
            self.providers = [
                {"label": label, "href": f"/api/auth/oidc/{quote(slug)}/start?next={quote(self._next)}"}
                for slug, label in oidc.enabled_providers(session)
                if not only or slug == only
            ]
            if query.get("ticket"):
                self._via = "oidc"
                step = sign_in.redeem_ticket(
                    session, ticket=query["ticket"], ip=session_state._client_ip(), lang=session_state.lang
                )
            else:
                step = None
        if step is not None:
            return await self._apply(step)
        if query.get("oidc_error", "").startswith(("oidc.", "ip.")):
            self.error_text = translate(query["oidc_error"], session_state.lang)
        return None
