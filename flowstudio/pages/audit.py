"""/settings/audit (administrators): the workspace's audit log, newest first, read-only.

Filters: action prefix (`auth.`, `settings.`...) and actor e-mail; pages of 50 walk back by id.
"""

from __future__ import annotations

import json

import reflex as rx

from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.models import as_utc
from flowstudio.services.identity import account_policy
from flowstudio.services.privacy import audit
from flowstudio.state.session import scope_of

PAGE_SIZE = 50
ACTION_PREFIXES = ["all", "auth.", "member.", "settings.", "flow.", "contact.", "retention.", "data.", "token."]


class AuditLogState(rx.State):
    """One page of entries and the filters."""

    allowed: bool = False
    rows: list[dict[str, str]] = []
    action_prefix: str = "all"
    actor: str = ""
    has_older: bool = False
    page: int = 1
    _cursors: list[int | None] = [None]  # before_id of each page shown so far

    async def _read(self) -> None:
        workspace_id, user_id, _ = await scope_of(self)
        with session_scope() as session:
            try:
                account_policy.require_admin(session, workspace_id=workspace_id, user_id=user_id)
            except account_policy.NotAllowed:
                self.allowed, self.rows = False, []
                return
            found = audit.entries(
                session,
                workspace_id,
                action_prefix="" if self.action_prefix == "all" else self.action_prefix,
                actor_email=self.actor[:254],
                before_id=self._cursors[-1],
                limit=PAGE_SIZE + 1,
            )
        self.allowed = True
        self.has_older = len(found) > PAGE_SIZE
        self.rows = [
            {
                "id": str(entry.id),
                "when": as_utc(entry.created_at).strftime("%Y-%m-%d %H:%M:%S UTC"),
                "action": entry.action,
                "actor": entry.actor_email or "system",
                "target": f"{entry.target_type} {entry.target_id}".strip(),
                "ip": entry.ip,
                "details": json.dumps(entry.details, ensure_ascii=False, sort_keys=True)[:300] if entry.details else "",
            }
            for entry in found[:PAGE_SIZE]
        ]
        self.page = len(self._cursors)

    @rx.event
    async def load(self):
        """First page, filters cleared."""
        self.action_prefix, self.actor, self._cursors = "all", "", [None]
        await self._read()

    @rx.event
    async def set_prefix(self, value: str):
        """Filter by action prefix."""
        self.action_prefix = value if value in ACTION_PREFIXES else "all"
        self._cursors = [None]
        await self._read()

    @rx.event
    async def filter_actor(self, form: dict[str, str]):
        """Filter by (part of) the actor's e-mail."""
        self.actor = (form.get("actor") or "").strip()
        self._cursors = [None]
        await self._read()

    @rx.event
    async def older(self):
        """The next page back in time."""
        if self.has_older and self.rows:
            self._cursors = [*self._cursors, int(self.rows[-1]["id"])]
            await self._read()

    @rx.event
    async def newer(self):
        """The previous page."""
        if len(self._cursors) > 1:
            self._cursors = self._cursors[:-1]
            await self._read()


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row["when"], size="1")),
        rx.table.cell(rx.code(row["action"], size="1")),
        rx.table.cell(rx.text(row["actor"], size="1")),
        rx.table.cell(rx.text(row["target"], size="1")),
        rx.table.cell(rx.text(row["ip"], size="1")),
        rx.table.cell(rx.text(row["details"], size="1", color_scheme="gray", style={"word_break": "break-all"})),
        data_testid="audit-row",
    )


def audit_page() -> rx.Component:
    """The page (administrators only)."""
    state = AuditLogState
    return shell(
        t("auditlog.title"),
        rx.cond(
            state.allowed,
            rx.vstack(
                rx.hstack(
                    rx.select.root(
                        rx.select.trigger(data_testid="audit-prefix"),
                        rx.select.content(
                            *[rx.select.item(t("auditlog.all") if p == "all" else p, value=p) for p in ACTION_PREFIXES]
                        ),
                        value=state.action_prefix,
                        on_change=state.set_prefix,
                    ),
                    rx.form(
                        rx.hstack(
                            rx.input(
                                name="actor",
                                placeholder=t("auditlog.actor_filter"),
                                width="240px",
                                data_testid="audit-actor",
                            ),
                            rx.button(rx.icon("search", size=14), t("auditlog.filter"), type="submit", variant="soft"),
                        ),
                        on_submit=state.filter_actor,
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(t("auditlog.help"), size="1", color_scheme="gray"),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(t(f"auditlog.{c}"))
                                for c in ("when", "action", "actor", "target", "ip", "details")
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(state.rows, _row)),
                    size="1",
                    width="100%",
                ),
                rx.cond(state.rows.length() == 0, rx.text(t("auditlog.empty"), color_scheme="gray", size="2")),
                rx.hstack(
                    rx.button(
                        rx.icon("chevron-left", size=14),
                        t("auditlog.newer"),
                        variant="soft",
                        size="1",
                        disabled=state.page <= 1,
                        on_click=state.newer,
                    ),
                    rx.text(t("auditlog.page") + " " + state.page.to_string(), size="2"),
                    rx.button(
                        t("auditlog.older"),
                        rx.icon("chevron-right", size=14),
                        variant="soft",
                        size="1",
                        disabled=~state.has_older,
                        on_click=state.older,
                        data_testid="audit-older",
                    ),
                    align="center",
                    spacing="3",
                ),
                spacing="3",
                width="100%",
            ),
            rx.callout(t("auditlog.admins_only"), icon="lock", color_scheme="gray"),
        ),
    )
