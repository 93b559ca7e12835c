"""/developers: tabs for code actions, secrets and webhooks; admins and developers only (`developers.manage`)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.pages.developers.actions import ActionsState, actions_tab
from flowstudio.pages.developers.secrets_tab import SecretsState, secrets_tab
from flowstudio.pages.developers.webhooks_tab import WebhooksState, webhooks_tab
from flowstudio.services.identity.permissions import DEVELOPERS_MANAGE
from flowstudio.state.guard import requires

ROUTE = "/developers"
TABS = ("actions", "secrets", "webhooks")


class DevelopersState(rx.State):
    """Which tab is open (`?tab=`), and loading the three tabs."""

    tab: str = "actions"
    loaded: bool = False

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def load(self):
        """Open the tab the URL names and read every tab's data."""
        wanted = self.router.page.params.get("tab", "actions")
        self.tab = wanted if wanted in TABS else "actions"
        self.loaded = True
        return [ActionsState.load, SecretsState.load, WebhooksState.load]

    @rx.event
    def set_tab(self, tab: str):
        """Another tab."""
        if tab in TABS:
            self.tab = tab


def developers_page() -> rx.Component:
    """The three developer tools."""
    return shell(
        t("developers.title"),
        rx.cond(
            DevelopersState.loaded,
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(
                        rx.hstack(rx.icon("code", size=14), t("developers.tab.actions")),
                        value="actions",
                        data_testid="tab-actions",
                    ),
                    rx.tabs.trigger(
                        rx.hstack(rx.icon("key-round", size=14), t("developers.tab.secrets")),
                        value="secrets",
                        data_testid="tab-secrets",
                    ),
                    rx.tabs.trigger(
                        rx.hstack(rx.icon("webhook", size=14), t("developers.tab.webhooks")),
                        value="webhooks",
                        data_testid="tab-webhooks",
                    ),
                ),
                rx.tabs.content(rx.box(actions_tab(), padding_top="16px"), value="actions"),
                rx.tabs.content(rx.box(secrets_tab(), padding_top="16px"), value="secrets"),
                rx.tabs.content(rx.box(webhooks_tab(), padding_top="16px"), value="webhooks"),
                value=DevelopersState.tab,
                on_change=DevelopersState.set_tab,
                width="100%",
                max_width="1100px",
            ),
            rx.center(rx.spinner(), width="100%", padding="48px"),
        ),
    )
