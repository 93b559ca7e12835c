"""The login page."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import language_select, t
from flowstudio.db import session_scope
from flowstudio.services import auth
from flowstudio.state.session import HOME_ROUTE, SessionState


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so a crafted link cannot send a user elsewhere after login."""
    if target and target.startswith("/") and not target.startswith("//") and not target.startswith("/login"):
        return target
    return HOME_ROUTE


class LoginState(rx.State):
    """The login form."""

    error_key: str = ""

    @rx.event
    async def submit(self, form_data: dict[str, str]):
        """Check the credentials; on success, keep the login and go where the user was headed."""
        email = (form_data.get("email") or "").strip()
        password = form_data.get("password") or ""
        if not email or not password:
            self.error_key = "login.missing"
            return None
        with session_scope() as session:
            user = auth.authenticate(session=session, email=email, password=password)
            token = auth.issue_token(user) if user else ""
        if not token:
            self.error_key = "login.invalid"
            return None
        self.error_key = ""
        session_state = await self.get_state(SessionState)
        session_state._login_as(token)
        return rx.redirect(_safe_next(self.router.url.query_parameters.get("next")))

    @rx.event
    async def redirect_if_logged_in(self):
        """Someone already logged in skips the form."""
        self.error_key = ""
        session_state = await self.get_state(SessionState)
        if session_state.token and session_state._load_principal() is not None:
            return rx.redirect(HOME_ROUTE)
        return None


def login_page() -> rx.Component:
    """E-mail and password, with the error in words and a language switch."""
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
                rx.heading(t("login.title"), size="4", margin_top="8px"),
                rx.cond(
                    LoginState.error_key != "",
                    rx.callout(
                        SessionState.tr[LoginState.error_key],
                        icon="triangle-alert",
                        color_scheme="red",
                        width="100%",
                        data_testid="login-error",
                    ),
                ),
                rx.form(
                    rx.vstack(
                        rx.text(t("login.email"), as_="label", size="2", weight="medium", html_for="email"),
                        rx.input(
                            id="email", name="email", type="email", auto_complete="username",
                            size="3", width="100%", data_testid="login-email",
                        ),
                        rx.text(t("login.password"), as_="label", size="2", weight="medium", html_for="password"),
                        rx.input(
                            id="password", name="password", type="password", auto_complete="current-password",
                            size="3", width="100%", data_testid="login-password",
                        ),
                        rx.button(t("login.submit"), type="submit", size="3", width="100%", margin_top="8px",
                                  data_testid="login-submit"),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=LoginState.submit,
                    width="100%",
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
