"""The login page: the language, the FlowStudio card, and the step the sign-in is at."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import language_select, t
from flowstudio.pages.login.state import LoginState
from flowstudio.pages.login.steps import code_step, credentials_step, new_password_step


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
                    LoginState.stage, ("code", code_step()), ("new_password", new_password_step()), credentials_step()
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
