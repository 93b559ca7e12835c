"""The application shell: a sidebar of sections, a top bar, and the page content."""

from __future__ import annotations

import reflex as rx

from flowstudio.i18n import LANGUAGES
from flowstudio.state.session import SessionState

NAV_ITEMS: list[tuple[str, str, str, str]] = [  # route, icon, text, the capability that opens it ("" = everyone)
    ("/bots", "bot", "nav.bots", "bots.view"),
    ("/inbox", "inbox", "nav.inbox", "inbox.work"),
    ("/flow-manager", "workflow", "nav.flow_manager", "routing.manage"),
    ("/agents", "headset", "nav.agents", "agents.manage"),
    ("/queues", "list-ordered", "nav.queues", "queues.manage"),
    ("/channels", "radio-tower", "chanpage.nav", "channels.manage"),
    ("/campaigns", "megaphone", "nav.campaigns", "channels.manage"),
    ("/metrics", "chart-column", "nav.metrics", "inbox.supervise"),
    ("/settings", "settings", "nav.settings", ""),
    ("/inbox/monitor", "activity", "nav.monitor", "inbox.supervise"),
    ("/developers", "code-xml", "developers.nav", "developers.manage"),
]
"""The sidebar shows a member only the sections their role opens (each page checks again on load)."""


def _visible(capability: str, component: rx.Component) -> rx.Component:
    return rx.cond(SessionState.caps.contains(capability), component) if capability else component


def t(key: str) -> rx.Var:
    """A UI text in the current language."""
    return SessionState.tr[key]


def language_select(on_change=None, **props) -> rx.Component:
    """A select that switches the UI language (`on_change` for pages that must redraw more than texts)."""
    return rx.select.root(
        rx.select.trigger(variant="ghost", aria_label="language"),
        rx.select.content(*[rx.select.item(label, value=code) for code, label in LANGUAGES.items()]),
        value=SessionState.lang,
        on_change=on_change or SessionState.set_language,
        size="1",
        **props,
    )


def _nav_link(route: str, icon: str, key: str) -> rx.Component:
    active = rx.State.router.page.path == route
    return rx.link(
        rx.hstack(rx.icon(icon, size=18), rx.text(t(key), size="2", weight="medium"), spacing="3", align="center"),
        href=route,
        underline="none",
        color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
        background=rx.cond(active, rx.color("accent", 3), "transparent"),
        border_radius="8px",
        padding="8px 12px",
        width="100%",
        _hover={"background": rx.color("gray", 3)},
        data_testid=f"nav-{route.strip('/')}",
    )


def sidebar() -> rx.Component:
    """The left navigation."""
    return rx.vstack(
        rx.hstack(
            rx.icon("messages-square", size=22, color=rx.color("accent", 9)),
            rx.heading("FlowStudio", size="4", weight="bold"),
            align="center",
            spacing="2",
            padding="4px 12px 16px 12px",
        ),
        *[_visible(capability, _nav_link(route, icon, key)) for route, icon, key, capability in NAV_ITEMS],
        rx.spacer(),
        rx.vstack(
            rx.text(SessionState.user_name, size="2", weight="medium"),
            rx.text(SessionState.user_email, size="1", color_scheme="gray"),
            rx.link(
                rx.hstack(rx.icon("shield-check", size=14), t("acct.nav"), spacing="1", align="center"),
                href="/account/security",
                size="1",
                data_testid="nav-account-security",
            ),
            rx.button(
                rx.icon("log-out", size=14),
                t("nav.logout"),
                variant="soft",
                color_scheme="gray",
                size="1",
                on_click=SessionState.logout,
                data_testid="logout",
            ),
            spacing="1",
            padding="12px",
            align="start",
        ),
        width="232px",
        min_width="232px",
        height="100vh",
        padding="16px 8px",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        position="sticky",
        top="0",
        display=rx.breakpoints(initial="none", md="flex"),  # phones get the top bar's menu instead
    )


def mobile_menu() -> rx.Component:
    """The sections as a menu, for screens too narrow for the sidebar."""
    return rx.box(
        rx.dropdown_menu.root(
            rx.dropdown_menu.trigger(
                rx.icon_button(rx.icon("menu", size=18), variant="soft", aria_label="menu", data_testid="mobile-menu")
            ),
            rx.dropdown_menu.content(
                *[
                    _visible(
                        capability,
                        rx.dropdown_menu.item(
                            rx.link(
                                rx.hstack(rx.icon(icon, size=14), t(key), align="center"), href=route, underline="none"
                            )
                        ),
                    )
                    for route, icon, key, capability in NAV_ITEMS
                ],
                rx.dropdown_menu.separator(),
                rx.dropdown_menu.item(rx.icon("log-out", size=14), t("nav.logout"), on_click=SessionState.logout),
            ),
        ),
        display=rx.breakpoints(initial="block", md="none"),
    )


def topbar(title: rx.Var | str) -> rx.Component:
    """The page title with the workspace name and the language switch."""
    return rx.hstack(
        mobile_menu(),
        rx.heading(title, size=rx.breakpoints(initial="5", md="6")),
        rx.spacer(),
        rx.badge(
            rx.icon("building-2", size=12),
            SessionState.workspace_name,
            variant="soft",
            size="2",
            display=rx.breakpoints(initial="none", sm="flex"),
        ),  # a phone's top bar has no room for it
        language_select(),
        align="center",
        width="100%",
        padding_bottom="16px",
    )


def shell(title: rx.Var | str, *children: rx.Component) -> rx.Component:
    """A private page: sidebar + top bar + content, shown once the login is confirmed."""
    return rx.cond(
        SessionState.is_authenticated,
        rx.hstack(
            sidebar(),
            rx.box(
                topbar(title),
                *children,
                flex="1",
                padding=rx.breakpoints(initial="12px", md="24px 32px"),
                min_width="0",
            ),
            spacing="0",
            align="start",
            width="100%",
        ),
        rx.center(rx.spinner(size="3"), height="100vh"),
    )
