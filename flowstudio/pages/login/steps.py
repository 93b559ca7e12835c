"""The login page's steps: the credentials form (and single sign-on), the code, the new password."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.login.state import LoginState


def _field(label_key: str, **props) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), as_="label", size="2", weight="medium", html_for=props.get("id")),
        rx.input(size="3", width="100%", **props),
        spacing="1",
        width="100%",
    )


def credentials_step() -> rx.Component:
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


def code_step() -> rx.Component:
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


def new_password_step() -> rx.Component:
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
