"""Sections whose screens arrive in later versions: each says what it will hold."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import shell, t

SECTIONS: list[tuple[str, str, str, str]] = [
    ("/campaigns", "megaphone", "nav.campaigns", "placeholder.campaigns"),
    ("/metrics", "chart-column", "nav.metrics", "placeholder.metrics"),
]


def section_page(icon: str, title_key: str, body_key: str):
    """A page factory for a section under construction."""

    def page() -> rx.Component:
        return shell(
            t(title_key),
            rx.card(
                rx.hstack(
                    rx.icon(icon, size=32, color=rx.color("accent", 9)),
                    rx.vstack(
                        rx.badge(t("placeholder.soon"), color_scheme="amber"),
                        rx.text(t(body_key), size="3"),
                        spacing="2",
                        align="start",
                    ),
                    spacing="4",
                    align="center",
                ),
                max_width="640px",
            ),
        )

    return page
