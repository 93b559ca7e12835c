"""The contact's side panel: their details, variables and tags."""

from __future__ import annotations

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.pages.inbox.bubbles import tr
from flowstudio.pages.inbox.forget import forget_section
from flowstudio.pages.inbox.items import Variable
from flowstudio.pages.inbox.state import InboxState as S
from flowstudio.pages.inbox.types import type_select


def _variable(variable: rx.Var[Variable]) -> rx.Component:
    return rx.data_list.item(
        rx.data_list.label(variable.name, min_width="80px"),
        rx.data_list.value(rx.text(variable.value, size="2", style={"overflow_wrap": "anywhere"})),
    )


def info_panel() -> rx.Component:
    """The contact's details, variables and tags (tags can be added and removed)."""
    return rx.vstack(
        rx.heading(S.contact_name, size="3"),
        rx.cond(S.contact_phone != "", rx.text(S.contact_phone, size="2", color_scheme="gray")),
        rx.cond(S.contact_email != "", rx.text(S.contact_email, size="2", color_scheme="gray")),
        rx.hstack(
            rx.badge(S.channel, variant="outline"),
            rx.badge(tr("status", S.status)),
            rx.cond(S.csat > 0, rx.badge("CSAT ", S.csat, "/5", color_scheme="amber")),
            wrap="wrap",
        ),
        type_select(),
        rx.divider(),
        rx.text(t("inbox.tags"), size="2", weight="bold"),
        rx.flex(
            rx.foreach(
                S.tags,
                lambda tag: rx.badge(
                    tag,
                    rx.icon(
                        "x",
                        size=12,
                        cursor="pointer",
                        on_click=S.remove_tag(tag),
                        aria_label="remove",
                        data_testid="tag-remove",
                    ),
                    variant="soft",
                    size="2",
                    data_testid="chat-tag",
                ),
            ),
            rx.foreach(S.flow_tags, lambda tag: rx.badge(rx.icon("bot", size=10), tag, variant="outline", size="1")),
            wrap="wrap",
            gap="4px",
        ),
        rx.form(
            rx.hstack(
                rx.input(
                    name="tag",
                    id="inbox-new-tag",
                    placeholder=t("inbox.new_tag"),
                    size="1",
                    max_length=64,
                    list="inbox-tag-names",
                    data_testid="tag-input",
                    flex="1",
                ),
                rx.icon_button(rx.icon("plus", size=14), size="1", type="submit", data_testid="tag-add"),
                width="100%",
            ),
            rx.el.datalist(rx.foreach(S.all_tags, lambda o: rx.el.option(value=o.value)), id="inbox-tag-names"),
            on_submit=S.add_tag,
            reset_on_submit=False,
            width="100%",
        ),
        rx.divider(),
        rx.text(t("inbox.variables"), size="2", weight="bold"),
        rx.cond(
            S.variables.length() > 0,
            rx.data_list.root(rx.foreach(S.variables, _variable), orientation="vertical", size="1"),
            rx.text(t("inbox.no_variables"), size="1", color_scheme="gray"),
        ),
        forget_section(),
        spacing="2",
        align="start",
        width="100%",
        padding="12px",
        data_testid="chat-info",
    )
