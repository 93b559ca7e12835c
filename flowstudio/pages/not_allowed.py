"""The screen a member lands on when a page is not for their role, or their address is refused."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.services.identity.ip_rules import BLOCKED, NOT_ALLOWED
from flowstudio.state.guard import GuardState
from flowstudio.state.session import SessionState


def not_allowed_page() -> rx.Component:
    """What happened, in the member's language, and the way back."""
    reason = rx.cond(
        GuardState.reason == BLOCKED,
        t("access.ip_blocked"),
        rx.cond(GuardState.reason == NOT_ALLOWED, t("access.ip_not_allowed"), t("access.denied")),
    )
    return shell(
        t("access.title"),
        rx.callout.root(
            rx.callout.icon(rx.icon("lock")),
            rx.callout.text(
                rx.vstack(
                    rx.text(reason, weight="medium"),
                    rx.text(t("access.role_is"), " ", rx.code(SessionState.role), size="2"),
                    rx.text(t("access.ask_admin"), size="2", color=rx.color("gray", 11)),
                    spacing="1",
                )
            ),
            color_scheme="amber",
            max_width="640px",
            data_testid="not-allowed",
        ),
        rx.link(
            rx.button(rx.icon("arrow-left", size=16), t("access.back"), variant="soft", margin_top="16px"),
            href=SessionState.home,
        ),
    )
