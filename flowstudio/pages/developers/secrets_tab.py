"""The secrets tab: names, when and by whom; values are typed once and never shown back."""

from __future__ import annotations

import dataclasses

import reflex as rx

from flowstudio.components.layout import t
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.pages.developers.common import error_text, scope, when
from flowstudio.services.identity.permissions import DEVELOPERS_MANAGE
from flowstudio.services.integrations import secrets
from flowstudio.state.guard import requires


@dataclasses.dataclass
class SecretRow:
    """One secret as the list shows it (never its value)."""

    name: str
    updated_at: str
    updated_by: str


class SecretsState(rx.State):
    """The names, and the add/replace form (its value is cleared as soon as it is saved)."""

    rows: list[SecretRow] = []
    name: str = ""
    value: str = ""
    error: str = ""

    def _read(self, workspace_id: int) -> None:
        with session_scope() as session:
            self.rows = [
                SecretRow(name=s.name, updated_at=when(s.updated_at), updated_by=s.updated_by)
                for s in secrets.list_secrets(session=session, workspace_id=workspace_id)
            ]

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def load(self):
        """Read the names."""
        workspace_id, _, _ = await scope(self)
        self.value, self.error = "", ""
        self._read(workspace_id)

    @rx.event
    def set_name(self, value: str):
        """The name being typed."""
        self.name = value

    @rx.event
    def set_value(self, value: str):
        """The value being typed (held only until it is saved)."""
        self.value = value

    @rx.event
    def replace(self, name: str):
        """Fill the form's name to replace that secret's value."""
        self.name, self.value, self.error = name, "", ""

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def save(self):
        """Store the typed secret (sealed) and forget its value."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                secrets.set_secret(
                    session=session, workspace_id=workspace_id, name=self.name, value=self.value, actor=actor
                )
        except secrets.SecretError as error:
            self.error = error_text(error, lang)
            return None
        self.name, self.value, self.error = "", "", ""
        self._read(workspace_id)
        return rx.toast.success(translate("developers.secrets.saved", lang))

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def delete(self, name: str):
        """Delete a secret."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                secrets.delete_secret(session=session, workspace_id=workspace_id, name=name, actor=actor)
        except secrets.SecretError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(translate("developers.secrets.deleted", lang))


S = SecretsState


def _row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row.name)),
        rx.table.cell(rx.text(secrets.MASK, color=rx.color("gray", 10))),
        rx.table.cell(rx.text(row.updated_at, size="1")),
        rx.table.cell(rx.text(row.updated_by, size="1")),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    t("developers.secrets.replace"),
                    size="1",
                    variant="soft",
                    on_click=S.replace(row.name),
                    data_testid="secret-replace",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    variant="ghost",
                    color_scheme="red",
                    on_click=S.delete(row.name),
                    aria_label=t("developers.delete"),
                    data_testid="secret-delete",
                ),
                justify="end",
            ),
            text_align="right",
        ),
        data_testid="secret-row",
    )


def secrets_tab() -> rx.Component:
    """The list of secrets and the add/replace form."""
    return rx.vstack(
        rx.text(t("developers.secrets.intro"), size="2", color=rx.color("gray", 11)),
        rx.cond(
            S.rows.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(t(f"developers.col.{c}"))
                            for c in ("name", "value", "updated", "by")
                        ],
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.rows, _row)),
                width="100%",
            ),
            rx.text(t("developers.secrets.empty"), size="2", color=rx.color("gray", 10)),
        ),
        rx.card(
            rx.vstack(
                rx.heading(t("developers.secrets.add_title"), size="3"),
                rx.flex(
                    rx.input(
                        value=S.name,
                        on_change=S.set_name,
                        placeholder="CRM_TOKEN",
                        width="220px",
                        data_testid="secret-name",
                    ),
                    rx.input(
                        value=S.value,
                        on_change=S.set_value,
                        type="password",
                        auto_complete="new-password",
                        placeholder=t("developers.secrets.value"),
                        flex="1",
                        min_width="200px",
                        data_testid="secret-value",
                    ),
                    rx.button(
                        rx.icon("lock", size=14), t("developers.save"), on_click=S.save, data_testid="secret-save"
                    ),
                    gap="8px",
                    wrap="wrap",
                    width="100%",
                ),
                rx.text(t("developers.secrets.hint"), size="1", color=rx.color("gray", 10)),
                rx.cond(
                    S.error != "",
                    rx.callout(
                        S.error,
                        icon="triangle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        data_testid="secret-error",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
