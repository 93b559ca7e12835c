"""/settings/tokens: the workspace's REST API tokens (admins: `security.manage`): create with a role (and the
member it acts for: an agent's token sees that agent's inbox), shown once to copy; the list with creator, creation and last use; revoke with confirmation."""

from __future__ import annotations

import dataclasses

import reflex as rx

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.errors import DomainError, error_text
from flowstudio.i18n import translate
from flowstudio.models import Role
from flowstudio.services.identity import api_tokens
from flowstudio.services.identity.permissions import SECURITY_MANAGE
from flowstudio.services.privacy import audit
from flowstudio.state.actions import ConfirmDialog
from flowstudio.state.guard import authorize, requires
from flowstudio.state.session import SessionState


@dataclasses.dataclass
class TokenRow:
    """One token as the list shows it (never its value)."""

    id: int
    name: str
    prefix: str
    role: str
    created_by: str
    created_at: str
    last_used_at: str
    revoked_at: str
    member: str = ""


@dataclasses.dataclass
class MemberOption:
    """A member a new token can act for."""

    value: str
    email: str


NO_MEMBER = "none"


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


class TokensState(ConfirmDialog, rx.State):
    """The list, the create form and the token just created (kept only until dismissed)."""

    rows: list[TokenRow] = []
    name: str = ""
    role: str = Role.ADMIN.value
    member: str = NO_MEMBER
    members: list[MemberOption] = []
    new_token: str = ""
    error: str = ""

    async def _scope(self) -> tuple[int, audit.Actor, str]:
        access = await authorize(self)
        session_state = await self.get_state(SessionState)
        return access.workspace_id, audit.Actor(user_id=access.user_id, email=session_state.user_email), access.lang

    def _read(self, workspace_id: int) -> None:
        with session_scope() as session:
            views = api_tokens.list_tokens(session=session, workspace_id=workspace_id)
            people = api_tokens.members(session=session, workspace_id=workspace_id)
        self.members = [MemberOption(value=str(user_id), email=email) for user_id, email in people]
        self.rows = [
            TokenRow(
                id=v.id,
                name=v.name,
                prefix=v.prefix,
                role=v.role,
                created_by=v.created_by,
                created_at=_when(v.created_at),
                last_used_at=_when(v.last_used_at),
                revoked_at=_when(v.revoked_at),
                member=v.member,
            )
            for v in views
        ]

    @rx.event
    @requires(SECURITY_MANAGE)
    async def load(self):
        """Read the tokens; forget any token shown before."""
        workspace_id, _, _ = await self._scope()
        self.new_token, self.error, self.confirm_id = "", "", 0
        self._read(workspace_id)

    @rx.event
    def set_name(self, value: str):
        """The name being typed."""
        self.name = value

    @rx.event
    def set_role(self, value: str):
        """The role the new token gets."""
        self.role = value

    @rx.event
    def set_member(self, value: str):
        """The member the new token acts for (`NO_MEMBER`: none)."""
        self.member = value

    @rx.event
    @requires(SECURITY_MANAGE)
    async def create(self):
        """Create a token and show it once."""
        workspace_id, actor, lang = await self._scope()
        try:
            with session_scope() as session:
                token = api_tokens.create_token(
                    session=session,
                    workspace_id=workspace_id,
                    name=self.name,
                    role=self.role,
                    actor=actor,
                    member_id=None if self.member == NO_MEMBER else int(self.member),
                )
        except DomainError as error:
            self.error = error_text(error, lang)
            return
        self.new_token, self.name, self.member, self.error = token, "", NO_MEMBER, ""
        self._read(workspace_id)

    @rx.event
    def dismiss(self):
        """Forget the token shown once."""
        self.new_token = ""

    @rx.event
    @requires(SECURITY_MANAGE)
    async def revoke(self):
        """Revoke the token the confirmation names."""
        workspace_id, actor, lang = await self._scope()
        token_id = self._take_confirmed()
        try:
            with session_scope() as session:
                row = api_tokens.get_token(session=session, workspace_id=workspace_id, token_id=token_id)
                api_tokens.revoke_token(session=session, token=row, actor=actor)
        except DomainError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(translate("apitokens.revoked_toast", lang))


S = TokensState


def _row(row: rx.Var[TokenRow]) -> rx.Component:
    revoked = row.revoked_at != ""
    return rx.table.row(
        rx.table.cell(
            rx.text(row.name, weight="medium"),
            rx.cond(
                row.member != "",
                rx.text(t("apitokens.member_for").replace("{email}", row.member), size="1", color_scheme="gray"),
            ),
        ),
        rx.table.cell(rx.code(row.prefix + "…", size="1")),
        rx.table.cell(SessionState.tr["role." + row.role]),
        rx.table.cell(rx.text(row.created_by, size="1")),
        rx.table.cell(rx.text(row.created_at, size="1")),
        rx.table.cell(rx.text(rx.cond(row.last_used_at != "", row.last_used_at, t("apitokens.never")), size="1")),
        rx.table.cell(
            rx.cond(
                revoked,
                rx.badge(t("apitokens.revoked").replace("{when}", row.revoked_at), color_scheme="gray"),
                rx.badge(t("apitokens.active"), color_scheme="green"),
            ),
            data_testid="token-status",
        ),
        rx.table.cell(
            rx.cond(
                revoked,
                rx.fragment(),
                rx.button(
                    t("apitokens.revoke"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.ask_confirm(row.id, row.name),
                    data_testid="token-revoke",
                ),
            )
        ),
        data_testid="token-row",
    )


def _created() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("key-round")),
        rx.vstack(
            rx.text(t("apitokens.created"), size="2", weight="medium"),
            rx.hstack(
                rx.code(S.new_token, word_break="break-all", data_testid="token-value"),
                rx.icon_button(
                    rx.icon("copy", size=14),
                    size="1",
                    variant="soft",
                    on_click=[rx.set_clipboard(S.new_token), rx.toast.success(t("apitokens.copied"))],
                    aria_label=t("apitokens.copy"),
                    data_testid="token-copy",
                ),
                align="center",
                wrap="wrap",
            ),
            rx.button(t("apitokens.done"), size="1", variant="ghost", on_click=S.dismiss, data_testid="token-done"),
            spacing="2",
        ),
        color_scheme="green",
        width="100%",
    )


def _form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.input(
                    value=S.name,
                    on_change=S.set_name,
                    placeholder=t("apitokens.name"),
                    flex="1",
                    min_width="200px",
                    data_testid="token-name",
                ),
                rx.select.root(
                    rx.select.trigger(min_width="160px", data_testid="token-role"),
                    rx.select.content(*[rx.select.item(t(f"role.{r.value}"), value=r.value) for r in Role]),
                    value=S.role,
                    on_change=S.set_role,
                ),
                rx.select.root(
                    rx.select.trigger(min_width="200px", data_testid="token-member"),
                    rx.select.content(
                        rx.select.item(t("apitokens.member_none"), value=NO_MEMBER),
                        rx.foreach(S.members, lambda m: rx.select.item(m.email, value=m.value)),
                    ),
                    value=S.member,
                    on_change=S.set_member,
                ),
                rx.button(
                    rx.icon("plus", size=14), t("apitokens.create"), on_click=S.create, data_testid="token-create"
                ),
                gap="8px",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                S.error != "",
                rx.callout(
                    S.error,
                    icon="triangle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    data_testid="token-error",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def api_tokens_page() -> rx.Component:
    """The API tokens page."""
    return shell(
        t("apitokens.title"),
        rx.vstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), t("apitokens.back"), align="center", spacing="1"),
                href="/settings",
                size="2",
            ),
            rx.text(t("apitokens.intro"), size="2", color_scheme="gray"),
            _form(),
            rx.cond(S.new_token != "", _created()),
            rx.cond(
                S.rows.length() > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(t(f"apitokens.col.{c}"))
                                    for c in ("name", "token", "role", "created_by", "created", "last_used", "status")
                                ],
                                rx.table.column_header_cell(""),
                            )
                        ),
                        rx.table.body(rx.foreach(S.rows, _row)),
                        width="100%",
                        size="1",
                    ),
                    width="100%",
                    overflow_x="auto",
                ),
                rx.text(t("apitokens.empty"), size="2", color_scheme="gray"),
            ),
            confirm_delete_dialog(
                title_key="apitokens.revoke_title",
                text_key="apitokens.revoke_text",
                name=S.confirm_name,
                on_confirm=S.revoke,
                open=S.confirm_id != 0,
                on_open_change=S.close_confirm,
                testid="token-revoke-confirm",
                confirm_key="apitokens.revoke",
            ),
            spacing="4",
            width="100%",
            max_width="1100px",
        ),
    )
