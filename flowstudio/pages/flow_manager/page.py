"""The flow manager page: drag bots onto knowledge areas, choose the default bot, order routing rules, and try a
sample message to see where it would go (sections: board.py, rules_view.py, tryout_view.py)."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.pages.admin_forms import not_allowed
from flowstudio.pages.flow_manager.board import board_section
from flowstudio.pages.flow_manager.rules_view import delete_rule_dialog, rule_dialog, rules_section
from flowstudio.pages.flow_manager.tryout_view import tryout_section
from flowstudio.pages.flow_manager.widgets import S


def flow_manager_page() -> rx.Component:
    """Bots on knowledge areas, the routing rules in order, and the sample-message tryout."""
    return shell(
        t("nav.flow_manager"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.allowed,
                rx.vstack(
                    rx.cond(
                        S.error != "",
                        rx.callout(
                            S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="fm-error"
                        ),
                    ),
                    board_section(),
                    rules_section(),
                    tryout_section(),
                    rule_dialog(),
                    delete_rule_dialog(),
                    spacing="4",
                    width="100%",
                ),
                not_allowed(t),
            ),
            rx.center(rx.spinner(), width="100%", padding="48px"),
        ),
    )
