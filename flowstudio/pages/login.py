"""The login page: credentials -> code (e-mail, app or recovery) -> new password when it expired.

The pending user, challenge and stage are backend-only vars, so the browser cannot skip a step. The
rules themselves live in `flowstudio.services.identity.sign_in`.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from flowstudio.components.layout import language_select, t
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


def _field(label_key: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium", html_for=props.get("id")),
        rx.input(size="3", width="100%", **props),
        spacing="1",
        width="100%",
    )


def _credentials() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.vstack(
                _field(
                    "login.email",
                    id="email",
                    name="email",
                    type="email",
                    auto_complete="username",
                    data_testid="login-email",
                ),
                _field(
                    "login.password",
                    id="password",
                    name="password",
                    type="password",
                    auto_complete="current-password",
                    data_testid="login-password",
                ),
                rx.button(
                    t("login.submit"),
                    type="submit",
                    size="3",
                    width="100%",
                    margin_top="8px",
                    data_testid="login-submit",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=LoginState.submit,
            width="100%",
        ),
        rx.cond(
            LoginState.providers.length() > 0,
            rx.vstack(
                rx.hstack(
                    rx.separator(size="4"),
                    rx.text(t("signin.or"), size="1", color_scheme="gray"),
                    rx.separator(size="4"),
                    align="center",
                    width="100%",
                ),
                rx.foreach(
                    LoginState.providers,
                    lambda p: rx.el.a(
                        rx.button(
                            rx.icon("key-round", size=16),
                            p["label"],
                            variant="outline",
                            size="3",
                            width="100%",
                            type="button",
                        ),
                        href=p["href"],
                        style={"width": "100%"},
                        data_testid="login-oidc",
                    ),
                ),
                width="100%",
                spacing="2",
            ),
        ),
        width="100%",
        spacing="3",
    )


def _code_step() -> rx.Component:
    prompt = rx.match(
        LoginState.method,
        ("email", rx.text(t("signin.code_sent"), " ", rx.text.strong(LoginState.code_to), size="2")),
        ("recovery", rx.text(t("signin.recovery_prompt"), size="2")),
        rx.text(t("signin.totp_prompt"), size="2"),
    )
    return rx.vstack(
        prompt,
        rx.form(
            rx.vstack(
                _field(
                    "signin.code",
                    id="code",
                    name="code",
                    auto_complete="one-time-code",
                    input_mode=rx.cond(LoginState.method == "recovery", "text", "numeric"),
                    data_testid="login-code",
                ),
                rx.button(t("signin.verify"), type="submit", size="3", width="100%", data_testid="login-code-submit"),
                spacing="2",
                width="100%",
            ),
            on_submit=LoginState.submit_code,
            reset_on_submit=True,
            width="100%",
        ),
        rx.hstack(
            rx.cond(
                LoginState.method == "email",
                rx.button(
                    t("signin.resend"),
                    variant="ghost",
                    size="2",
                    on_click=LoginState.resend,
                    data_testid="login-resend",
                ),
            ),
            rx.cond(
                LoginState.method == "totp",
                rx.button(
                    t("signin.use_recovery"),
                    variant="ghost",
                    size="2",
                    on_click=LoginState.use_recovery,
                    data_testid="login-use-recovery",
                ),
            ),
            rx.cond(
                LoginState.method == "recovery",
                rx.button(t("signin.use_app"), variant="ghost", size="2", on_click=LoginState.use_app),
            ),
            rx.spacer(),
            rx.button(
                t("signin.start_over"),
                variant="ghost",
                color_scheme="gray",
                size="2",
                on_click=LoginState.start_over,
                data_testid="login-start-over",
            ),
            width="100%",
        ),
        width="100%",
        spacing="3",
    )


def _new_password_step() -> rx.Component:
    return rx.vstack(
        rx.callout(t("signin.password_expired"), icon="key-round", color_scheme="amber", width="100%"),
        rx.form(
            rx.vstack(
                _field(
                    "acct.new_password",
                    id="new-password",
                    name="password",
                    type="password",
                    auto_complete="new-password",
                    data_testid="login-new-password",
                ),
                _field(
                    "acct.confirm_password",
                    id="confirm-password",
                    name="confirm",
                    type="password",
                    auto_complete="new-password",
                    data_testid="login-confirm-password",
                ),
                rx.text(t("pwd.rules_hint"), size="1", color_scheme="gray"),
                rx.button(
                    t("signin.save_and_continue"),
                    type="submit",
                    size="3",
                    width="100%",
                    data_testid="login-new-password-submit",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=LoginState.submit_new_password,
            width="100%",
        ),
        width="100%",
    )


def login_page() -> rx.Component:
    """The sign-in card, its current step, the error in words, and a language switch."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("messages-square", size=28, color=rx.color("accent", 9)),
                    rx.heading("FlowStudio", size="6"),
                    rx.spacer(),
                    language_select(),
                    align="center",
                    width="100%",
                ),
                rx.text(t("app.tagline"), color_scheme="gray", size="2"),
                rx.heading(
                    rx.match(
                        LoginState.stage,
                        ("code", t("signin.code_title")),
                        ("new_password", t("signin.new_password_title")),
                        t("login.title"),
                    ),
                    size="4",
                    margin_top="8px",
                ),
                rx.cond(
                    LoginState.error_text != "",
                    rx.callout(
                        LoginState.error_text,
                        icon="triangle-alert",
                        color_scheme="red",
                        width="100%",
                        data_testid="login-error",
                    ),
                ),
                rx.cond(
                    LoginState.notice_text != "",
                    rx.callout(
                        LoginState.notice_text,
                        icon="mail",
                        color_scheme="green",
                        width="100%",
                        data_testid="login-notice",
                    ),
                ),
                rx.match(
                    LoginState.stage, ("code", _code_step()), ("new_password", _new_password_step()), _credentials()
                ),
                spacing="3",
                width="100%",
            ),
            width="400px",
            max_width="calc(100vw - 32px)",
            size="4",
        ),
        height="100vh",
        background=rx.color("gray", 2),
    )
