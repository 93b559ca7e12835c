"""/settings/ip-rules: the workspace's block list (everyone) and agents' allow list, for administrators."""

from __future__ import annotations

import dataclasses

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.services.identity import ip_rules
from flowstudio.services.identity.permissions import SECURITY_MANAGE
from flowstudio.services.privacy import audit
from flowstudio.state.guard import authorize, request_ip, requires
from flowstudio.state.session import SessionState

ROUTE = "/settings/ip-rules"


@dataclasses.dataclass
class IpRuleRow:
    """One rule as the page lists it."""

    id: int
    kind: str
    network: str
    note: str


class IpRulesState(rx.State):
    """The two lists and the add forms."""

    rules: list[IpRuleRow] = []
    my_ip: str = ""
    loaded: bool = False
    error: str = ""
    error_kind: str = ""
    block_network: str = ""
    block_note: str = ""
    allow_network: str = ""
    allow_note: str = ""

    @rx.var
    def block_rules(self) -> list[IpRuleRow]:
        """The block list."""
        return [r for r in self.rules if r.kind == "block"]

    @rx.var
    def allow_rules(self) -> list[IpRuleRow]:
        """The agents' allow list."""
        return [r for r in self.rules if r.kind == "allow"]

    def _read(self, workspace_id: int) -> None:
        with session_scope() as session:
            self.rules = [IpRuleRow(**vars(r)) for r in ip_rules.list_rules(session=session, workspace_id=workspace_id)]

    @rx.event
    @requires(SECURITY_MANAGE)
    async def load(self):
        """Read the rules and the address this administrator works from."""
        access = await authorize(self)
        self.my_ip, self.error, self.error_kind = request_ip(self), "", ""
        self._read(access.workspace_id)
        self.loaded = True

    @rx.event
    def set_value(self, name: str, value: str):
        """One of the add forms' fields being typed."""
        if name in ("block_network", "block_note", "allow_network", "allow_note"):
            setattr(self, name, value)

    @rx.event
    @requires(SECURITY_MANAGE)
    async def add(self, kind: str):
        """Add the typed address or network to the block (`block`) or allow (`allow`) list."""
        access, actor = await authorize(self), await self._actor()
        network, note = getattr(self, f"{kind}_network", ""), getattr(self, f"{kind}_note", "")
        try:
            with session_scope() as session:
                ip_rules.add_rule(
                    session=session,
                    workspace_id=access.workspace_id,
                    kind=kind,
                    network=network,
                    note=note,
                    actor=actor,
                    actor_ip=access.ip,
                )
        except ip_rules.IpRuleError as error:
            self.error = translate(error.key, access.lang, detail=error.detail)
            self.error_kind = kind if kind in ("block", "allow") else ""
            return None
        setattr(self, f"{kind}_network", "")
        setattr(self, f"{kind}_note", "")
        self.error, self.error_kind = "", ""
        self._read(access.workspace_id)
        return rx.toast.success(translate("iprules.added", access.lang))

    @rx.event
    @requires(SECURITY_MANAGE)
    async def remove(self, rule_id: int):
        """Remove a rule."""
        access, actor = await authorize(self), await self._actor()
        with session_scope() as session:
            ip_rules.remove_rule(
                session=session, workspace_id=access.workspace_id, rule_id=rule_id, actor=actor, actor_ip=access.ip
            )
        self._read(access.workspace_id)
        return rx.toast.success(translate("iprules.removed", access.lang))

    async def _actor(self) -> audit.Actor:
        session_state = await self.get_state(SessionState)
        return audit.Actor(user_id=session_state._user_id, email=session_state.user_email)


def _rule_row(rule: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(rule.network)),
        rx.table.cell(rx.text(rule.note, size="2")),
        rx.table.cell(
            rx.icon_button(
                rx.icon("trash-2", size=14),
                variant="ghost",
                color_scheme="red",
                on_click=IpRulesState.remove(rule.id),
                aria_label=t("iprules.remove"),
                data_testid="ip-rule-remove",
            ),
            text_align="right",
        ),
        data_testid=f"ip-rule-{rule.kind}",
    )


def _list_card(kind: str) -> rx.Component:
    S = IpRulesState
    rules = getattr(S, f"{kind}_rules")
    return rx.card(
        rx.vstack(
            rx.heading(t(f"iprules.{kind}_title"), size="4"),
            rx.text(t(f"iprules.{kind}_hint"), size="2", color=rx.color("gray", 11)),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("iprules.network")),
                        rx.table.column_header_cell(t("iprules.note")),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(rules, _rule_row)),
                width="100%",
                size="1",
            ),
            rx.cond(
                rules.length() > 0,
                rx.fragment(),
                rx.text(t(f"iprules.{kind}_empty"), size="2", color=rx.color("gray", 10)),
            ),
            rx.flex(
                rx.input(
                    value=getattr(S, f"{kind}_network"),
                    on_change=lambda v: S.set_value(f"{kind}_network", v),
                    placeholder="203.0.113.0/24 · 2001:db8::/32",
                    width="100%",
                    max_width="260px",
                    data_testid=f"ip-{kind}-network",
                ),
                rx.input(
                    value=getattr(S, f"{kind}_note"),
                    on_change=lambda v: S.set_value(f"{kind}_note", v),
                    placeholder=t("iprules.note_placeholder"),
                    flex="1",
                    min_width="160px",
                    data_testid=f"ip-{kind}-note",
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    t("iprules.add"),
                    on_click=S.add(kind),
                    color_scheme="red" if kind == "block" else None,
                    data_testid=f"ip-{kind}-add",
                ),
                gap="8px",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                (S.error != "") & (S.error_kind == kind),
                rx.callout(
                    S.error,
                    icon="triangle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    data_testid=f"ip-{kind}-error",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def ip_rules_page() -> rx.Component:
    """Both lists, with the administrator's own address shown so they do not lock themselves out."""
    return shell(
        t("iprules.title"),
        rx.cond(
            IpRulesState.loaded,
            rx.vstack(
                rx.hstack(
                    rx.link(rx.hstack(rx.icon("arrow-left", size=14), t("iprules.back")), href="/settings", size="2"),
                    rx.spacer(),
                    rx.badge(
                        rx.icon("globe", size=12),
                        t("iprules.your_ip"),
                        " ",
                        IpRulesState.my_ip,
                        variant="soft",
                        size="2",
                        data_testid="ip-mine",
                    ),
                    width="100%",
                    align="center",
                ),
                rx.text(t("iprules.subtitle"), size="2", color=rx.color("gray", 11)),
                _list_card("block"),
                _list_card("allow"),
                spacing="4",
                width="100%",
                max_width="880px",
            ),
            rx.center(rx.spinner(), width="100%", padding="48px"),
        ),
    )
