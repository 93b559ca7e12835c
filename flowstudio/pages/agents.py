"""The agents of the workspace: who answers, their role, status, capacity, load and queues; CSV import.

Admins and supervisors manage agents; a supervisor cannot touch administrators nor make anyone one, and
nobody removes themselves or changes their own role here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import reflex as rx
from sqlmodel import Session

from flowstudio.components.dialogs import confirm_delete_dialog
from flowstudio.components.layout import shell, t
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import AgentStatus, Role
from flowstudio.pages.admin_forms import FormError, audit_member, can_manage, member_role, not_allowed
from flowstudio.services.assignment import agents as agent_service
from flowstudio.services.assignment import queues as queue_service
from flowstudio.services.identity import permissions
from flowstudio.services.identity import permissions as can
from flowstudio.state.actions import ConfirmDialog, PageActions, Permit
from flowstudio.state.guard import request_ip, requires
from flowstudio.state.session import SessionState, scope_of

IMPORT_ID = "agents-import"
ROLES = tuple(role.value for role in Role)
STATUSES = tuple(status.value for status in AgentStatus)
STATUS_COLORS = {"online": "green", "away": "amber", "offline": "gray"}


@dataclass
class AgentRow:
    """One agent in the table."""

    user_id: int
    name: str
    email: str
    role: str
    status: str
    capacity: int
    load: int
    queues: list[str] = field(default_factory=list)
    queue_ids: list[str] = field(default_factory=list)
    is_me: bool = False
    can_read_encrypted: bool = False


@dataclass
class QueueChoice:
    """A queue an agent may serve."""

    value: str
    label: str


@dataclass
class LineError:
    """A bad line of an imported CSV file."""

    line: int
    message: str


@dataclass
class NewPassword:
    """A generated password, shown once."""

    email: str
    password: str


def guard(
    actor_role: str | None,
    *,
    target_role: str | None = None,
    new_role: str | None = None,
    actor_id: int | None = None,
    target_id: int | None = None,
    changes_role_or_removes: bool = False,
) -> str | None:
    """Why the actor may not make this change to an agent (an i18n key), or None when they may.

    Args:
        actor_role: the acting user's role now.
        target_role: the agent's current role (None for a new agent).
        new_role: the role being given (None when unchanged).
        changes_role_or_removes: the change is a role change or a removal (not allowed on oneself).
    """
    if not can_manage(actor_role, permissions.MEMBERS_MANAGE):
        return "forms.not_allowed"
    if not permissions.may_assign_role(actor_role, target_role, new_role):
        return "agents.only_admin"
    if changes_role_or_removes and actor_id is not None and actor_id == target_id:
        return "agents.not_yourself"
    return None


def permit(*, target_id: int | None = None, new_role: str | None = None, removes_or_role: bool = False) -> Permit:
    """The `PageActions` permit for a change to an agent: `guard` with the roles read now."""

    def check(session: Session, workspace_id: int, user_id: int | None) -> str | None:
        return guard(
            member_role(session=session, workspace_id=workspace_id, user_id=user_id),
            target_role=member_role(session=session, workspace_id=workspace_id, user_id=target_id)
            if target_id
            else None,
            new_role=new_role,
            actor_id=user_id,
            target_id=target_id,
            changes_role_or_removes=removes_or_role,
        )

    return check


def csv_grants_admin(content: bytes | str) -> bool:
    """Whether an agents CSV file gives anyone the admin role (only administrators may)."""
    import csv
    import io

    text = content.decode("utf-8-sig", errors="replace") if isinstance(content, bytes) else content
    rows = csv.DictReader(io.StringIO(text))
    return any(
        (row.get("role") or "").strip().lower() == Role.ADMIN.value
        for row in ({(k or "").strip().lower(): v for k, v in r.items()} for r in rows)
    )


class AgentsState(PageActions, ConfirmDialog, rx.State):
    """The agents table, its dialogs and the CSV import report."""

    loaded: bool = False
    allowed: bool = False
    agents: list[AgentRow] = []
    queue_choices: list[QueueChoice] = []

    form_open: bool = False
    form_id: int = 0
    form_name: str = ""
    form_email: str = ""
    form_role: str = "agent"
    form_capacity: str = "3"
    form_queues: list[str] = []
    form_error: str = ""
    new_password_email: str = ""
    new_password: str = ""

    import_errors: list[LineError] = []
    import_passwords: list[NewPassword] = []
    import_added: int = 0

    def _refresh(self, session, workspace_id: int, user_id: int | None) -> None:
        self.agents = [
            AgentRow(
                user_id=a.user_id,
                name=a.name,
                email=a.email,
                role=a.role,
                status=a.status,
                capacity=a.capacity,
                load=a.load,
                queues=[q["name"] for q in a.queues],
                queue_ids=[str(q["id"]) for q in a.queues],
                is_me=a.user_id == user_id,
                can_read_encrypted=a.can_read_encrypted,
            )
            for a in agent_service.list_agents(session=session, workspace_id=workspace_id)
        ]
        self.queue_choices = [
            QueueChoice(value=str(q.id), label=q.name)
            for q in queue_service.list_queues(session=session, workspace_id=workspace_id)
        ]

    @rx.event
    @requires(can.AGENTS_MANAGE)
    async def load(self):
        """Read the workspace's agents (nothing for a user who may not manage them)."""
        workspace_id, user_id, _ = await scope_of(self)
        if workspace_id is None:
            return
        with session_scope() as session:
            self.allowed = can_manage(member_role(session=session, workspace_id=workspace_id, user_id=user_id))
            if self.allowed:
                self._refresh(session, workspace_id, user_id)
        self.loaded = True

    async def _after_action(self, workspace_id: int, user_id: int | None, lang: str) -> None:
        with session_scope() as session:
            self._refresh(session, workspace_id, user_id)

    # ------------------------------------------------------------------------------------ the form

    @rx.event
    def open_add(self):
        """Open the dialog for a new agent."""
        self.form_id, self.form_name, self.form_email, self.form_role = 0, "", "", "agent"
        self.form_capacity, self.form_error = str(agent_service.DEFAULT_CAPACITY), ""
        self.form_queues = []  # serving a queue is a choice to make, not a default to notice
        self.form_open = True

    @rx.event
    def open_edit(self, user_id: int):
        """Open the dialog on an agent."""
        row = next((a for a in self.agents if a.user_id == user_id), None)
        if row is None:
            return
        self.form_id, self.form_name, self.form_email, self.form_role = row.user_id, row.name, row.email, row.role
        self.form_capacity, self.form_error = str(row.capacity), ""
        self.form_queues = list(row.queue_ids)
        self.form_open = True

    @rx.event
    def set_form_open(self, value: bool):
        """Close the dialog."""
        self.form_open = value

    @rx.event
    def set_form_name(self, value: str):
        """The agent's name."""
        self.form_name = value

    @rx.event
    def set_form_email(self, value: str):
        """The agent's e-mail (their login)."""
        self.form_email = value

    @rx.event
    def set_form_role(self, value: str):
        """Admin, supervisor or agent."""
        self.form_role = value

    @rx.event
    def set_form_capacity(self, value: str):
        """How many chats at once."""
        self.form_capacity = value

    @rx.event
    def toggle_form_queue(self, queue_id: str, checked: bool):
        """Serve a queue or not."""
        current = [q for q in self.form_queues if q != queue_id]
        self.form_queues = [*current, queue_id] if checked else current

    @rx.event
    @requires(can.AGENTS_MANAGE)
    async def save(self):
        """Add or edit the agent from the dialog."""
        agent_id, name, email, role = self.form_id, self.form_name, self.form_email, self.form_role
        capacity, queues = self.form_capacity, [int(q) for q in self.form_queues]
        current = next((a for a in self.agents if a.user_id == agent_id), None)
        role_changes = current is not None and current.role != role
        ip = request_ip(self)

        def save(session, workspace_id: int, _user_id: int | None):
            if agent_id:
                agent_service.edit_agent(
                    session=session,
                    workspace_id=workspace_id,
                    user_id=agent_id,
                    name=name,
                    email=email,
                    role=role,
                    queues=queues,
                    capacity=capacity,
                )
                if role_changes:
                    audit_member(
                        session,
                        "member.role_changed",
                        workspace_id=workspace_id,
                        actor_id=_user_id,
                        target_id=agent_id,
                        details={"from": current.role, "to": role},
                        ip=ip,
                    )
                return None
            added = agent_service.add_agent(
                session=session,
                workspace_id=workspace_id,
                name=name,
                email=email,
                role=role,
                queues=queues,
                capacity=capacity,
            )
            audit_member(
                session,
                "member.added",
                workspace_id=workspace_id,
                actor_id=_user_id,
                target_id=added.user_id,
                details={"role": role},
                ip=ip,
            )
            return added

        result = await self._perform(
            save,
            permit=permit(
                target_id=agent_id or None,
                new_role=role if role_changes or not agent_id else None,
                removes_or_role=role_changes,
            ),
            error_field="form_error",
        )
        if self.form_error:
            return None
        self.form_open = False
        _, _, lang = await scope_of(self)
        if isinstance(result, agent_service.AddedAgent) and result.password:
            self.new_password_email, self.new_password = email.strip().lower(), result.password
        return rx.toast.success(translate("agents.saved", lang))

    @rx.event
    def dismiss_password(self):
        """Forget the password shown once."""
        self.new_password_email = self.new_password = ""

    # ----------------------------------------------------------------------------------- inline

    @rx.event
    @requires(can.AGENTS_MANAGE)
    async def change_status(self, user_id: int, status: str):
        """Set an agent online, away or offline."""
        await self._perform(
            lambda session, workspace_id, _: agent_service.set_status(
                session=session, workspace_id=workspace_id, user_id=user_id, status=status
            ),
            permit=permit(target_id=user_id),
        )

    @rx.event
    @requires(can.AGENTS_MANAGE)
    async def change_capacity(self, user_id: int, value: str):
        """Set how many chats the agent holds at once (saved when the field loses focus)."""
        row = next((a for a in self.agents if a.user_id == user_id), None)
        if row is not None and str(row.capacity) == value.strip():
            return
        await self._perform(
            lambda session, workspace_id, _: agent_service.set_capacity(
                session=session, workspace_id=workspace_id, user_id=user_id, capacity=value
            ),
            permit=permit(target_id=user_id),
        )

    @rx.event
    @requires(can.MEMBERS_GRANT_ADMIN)
    async def change_encrypted_access(self, user_id: int, allowed: bool):
        """Let a member read encrypted messages, or stop them (administrators only)."""
        await self._perform(
            lambda session, workspace_id, actor: agent_service.set_encrypted_access(
                session=session, workspace_id=workspace_id, user_id=user_id, allowed=allowed, actor_id=actor
            ),
            permit=permit(target_id=user_id),
        )

    # ----------------------------------------------------------------------------------- remove

    @rx.event
    @requires(can.AGENTS_MANAGE)
    async def remove(self):
        """Remove the agent being confirmed; their conversations go back to their queues."""
        user_id = self._take_confirmed()
        _, _, lang = await scope_of(self)
        ip = request_ip(self)

        def remove(session, workspace_id: int, actor: int | None):
            role = member_role(session=session, workspace_id=workspace_id, user_id=user_id)
            done = agent_service.remove_agent(
                session=session, workspace_id=workspace_id, user_id=user_id, actor_id=actor
            )
            audit_member(
                session,
                "member.removed",
                workspace_id=workspace_id,
                actor_id=actor,
                target_id=user_id,
                details={"role": role},
                ip=ip,
            )
            return done

        result = await self._perform(remove, permit=permit(target_id=user_id, removes_or_role=True))
        return rx.toast.success(translate("agents.removed", lang)) if result is not None else None

    # ----------------------------------------------------------------------------------- import

    @rx.event
    @requires(can.AGENTS_MANAGE)
    async def import_file(self, files: list[rx.UploadFile]):
        """Import agents from a CSV file: all rows or none; the bad rows are listed."""
        self.import_errors, self.import_passwords, self.import_added = [], [], 0
        if not files:
            return rx.clear_selected_files(IMPORT_ID)
        content = await files[0].read()
        ip = request_ip(self)

        def run(session, workspace_id: int, user_id: int | None):
            if member_role(
                session=session, workspace_id=workspace_id, user_id=user_id
            ) != Role.ADMIN.value and csv_grants_admin(content):
                raise FormError("agents.only_admin")
            report = agent_service.import_csv(session=session, workspace_id=workspace_id, content=content)
            if not report.ok:
                session.rollback()
            else:
                audit_member(
                    session,
                    "member.added",
                    workspace_id=workspace_id,
                    actor_id=user_id,
                    target_id=None,
                    details={"imported": list(report.added)},
                    ip=ip,
                )
            return report

        report = await self._perform(run, permit=permit())
        if isinstance(report, agent_service.ImportReport):
            _, _, lang = await scope_of(self)
            self.import_errors = [LineError(line=line, message=message) for line, message in report.lines(lang)]
            self.import_added = len(report.added)
            self.import_passwords = [NewPassword(email=e, password=p) for e, p in report.passwords.items()]
        return rx.clear_selected_files(IMPORT_ID)

    @rx.event
    def dismiss_import(self):
        """Hide the import report (and the passwords in it)."""
        self.import_errors, self.import_passwords, self.import_added = [], [], 0


S = AgentsState


# --------------------------------------------------------------------------------------- components


def _status_select(agent: AgentRow) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            variant="soft",
            color_scheme=rx.match(agent.status, *STATUS_COLORS.items(), "gray"),
            data_testid="agent-status",
        ),
        rx.select.content(*[rx.select.item(t(f"agent_status.{s}"), value=s) for s in STATUSES]),
        value=agent.status,
        on_change=lambda status: S.change_status(agent.user_id, status),
        size="1",
    )


def _row(agent: AgentRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(agent.name, weight="medium"),
            rx.cond(agent.is_me, rx.badge(t("agents.you"), size="1", margin_left="6px")),
        ),
        rx.table.cell(agent.email),
        rx.table.cell(
            rx.badge(
                SessionState.tr["role." + agent.role],
                variant="soft",
                color_scheme=rx.match(agent.role, ("admin", "crimson"), ("supervisor", "violet"), "gray"),
            )
        ),
        rx.table.cell(_status_select(agent)),
        rx.table.cell(
            rx.input(
                default_value=agent.capacity.to_string(),
                type="number",
                min="0",
                max="100",
                size="1",
                width="64px",
                key=agent.user_id.to_string() + "-" + agent.capacity.to_string(),
                on_blur=lambda value: S.change_capacity(agent.user_id, value),
                aria_label=t("agents.capacity"),
                data_testid="agent-capacity",
            )
        ),
        rx.table.cell(
            rx.text(
                agent.load,
                " / ",
                agent.capacity,
                size="2",
                color=rx.cond(agent.load >= agent.capacity, rx.color("red", 11), rx.color("gray", 12)),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.foreach(agent.queues, lambda q: rx.badge(q, variant="outline", size="1")), wrap="wrap", spacing="1"
            )
        ),
        rx.table.cell(
            rx.tooltip(
                rx.switch(
                    checked=agent.can_read_encrypted,
                    size="1",
                    disabled=SessionState.role != "admin",
                    on_change=lambda value: S.change_encrypted_access(agent.user_id, value),
                    aria_label=t("agents.read_encrypted"),
                    data_testid="agent-decrypt",
                ),
                content=t("agents.read_encrypted_hint"),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.icon_button(
                    rx.icon("pencil", size=14),
                    size="1",
                    variant="ghost",
                    on_click=S.open_edit(agent.user_id),
                    aria_label=t("agents.edit"),
                    data_testid="agent-edit",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=S.ask_confirm(agent.user_id, agent.name),
                    aria_label=t("agents.remove"),
                    disabled=agent.is_me,
                    data_testid="agent-remove",
                ),
                spacing="2",
            )
        ),
        data_testid="agent-row",
        data_email=agent.email,
    )


def _table() -> rx.Component:
    headers = [
        "agents.name",
        "login.email",
        "settings.role",
        "agents.status",
        "agents.capacity",
        "agents.load",
        "agents.queues",
        "agents.read_encrypted",
        "",
    ]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(h) if h else "") for h in headers])),
            rx.table.body(rx.foreach(S.agents, _row)),
            variant="surface",
            size="2",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _field(label_key: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(t(label_key), size="2", weight="medium"), control, spacing="1", width="100%")


def _form_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.form_id > 0, t("agents.edit"), t("agents.add"))),
            rx.vstack(
                _field(
                    "agents.name",
                    rx.input(value=S.form_name, on_change=S.set_form_name, width="100%", data_testid="agent-form-name"),
                ),
                _field(
                    "login.email",
                    rx.input(
                        value=S.form_email,
                        on_change=S.set_form_email,
                        type="email",
                        width="100%",
                        data_testid="agent-form-email",
                    ),
                ),
                rx.grid(
                    _field(
                        "settings.role",
                        rx.select.root(
                            rx.select.trigger(width="100%", data_testid="agent-form-role"),
                            rx.select.content(*[rx.select.item(t(f"role.{r}"), value=r) for r in ROLES]),
                            value=S.form_role,
                            on_change=S.set_form_role,
                        ),
                    ),
                    _field(
                        "agents.capacity",
                        rx.input(
                            value=S.form_capacity,
                            on_change=S.set_form_capacity,
                            type="number",
                            min="0",
                            max="100",
                            width="100%",
                            data_testid="agent-form-capacity",
                        ),
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                _field(
                    "agents.queues",
                    rx.flex(
                        rx.foreach(
                            S.queue_choices,
                            lambda q: rx.checkbox(
                                q.label,
                                checked=S.form_queues.contains(q.value),
                                on_change=lambda checked: S.toggle_form_queue(q.value, checked),
                            ),
                        ),
                        wrap="wrap",
                        gap="12px",
                    ),
                ),
                rx.cond(
                    (S.form_role == "agent") & (S.form_queues.length() == 0),
                    rx.text(
                        t("agents.no_queue_hint"), size="1", color_scheme="amber", data_testid="agent-form-no-queue"
                    ),
                ),
                rx.cond(S.form_id == 0, rx.text(t("agents.password_hint"), size="1", color_scheme="gray")),
                rx.cond(
                    S.form_error != "",
                    rx.callout(
                        S.form_error,
                        icon="triangle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        data_testid="agent-form-error",
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("agents.save"), on_click=S.save, data_testid="agent-form-save"),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="480px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def _remove_dialog() -> rx.Component:
    return confirm_delete_dialog(
        title_key="agents.remove",
        text_key="agents.remove_text",
        name=S.confirm_name,
        on_confirm=S.remove,
        open=S.confirm_id > 0,
        on_open_change=S.close_confirm,
        testid="agent-confirm-remove",
    )


def _password_row(item: NewPassword) -> rx.Component:
    return rx.hstack(
        rx.text(item.email, size="2"),
        rx.code(item.password, data_testid="new-password"),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def _passwords() -> rx.Component:
    single = S.new_password != ""
    return rx.cond(
        single | (S.import_passwords.length() > 0),
        rx.callout(
            rx.vstack(
                rx.text(t("agents.passwords_once"), weight="bold"),
                rx.cond(single, _password_row(NewPassword(email=S.new_password_email, password=S.new_password))),
                rx.foreach(S.import_passwords, _password_row),
                rx.button(
                    t("agents.passwords_noted"),
                    size="1",
                    variant="soft",
                    on_click=[S.dismiss_password, S.dismiss_import],
                    data_testid="passwords-noted",
                ),
                spacing="2",
                align="start",
            ),
            icon="key-round",
            color_scheme="amber",
            width="100%",
            data_testid="agent-passwords",
        ),
    )


def _import_report() -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.import_errors.length() > 0,
            rx.callout(
                rx.vstack(
                    rx.text(t("agents.import_failed"), weight="bold"),
                    rx.foreach(
                        S.import_errors,
                        lambda e: rx.text(
                            t("agents.line"), " ", e.line, ": ", e.message, size="2", data_testid="import-error"
                        ),
                    ),
                    rx.button(t("agents.dismiss"), size="1", variant="soft", on_click=S.dismiss_import),
                    spacing="1",
                    align="start",
                ),
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
                data_testid="agent-import-errors",
            ),
        ),
        rx.cond(
            S.import_added > 0,
            rx.callout(
                rx.text(t("agents.imported"), " ", S.import_added),
                icon="circle-check",
                color_scheme="green",
                width="100%",
                data_testid="agent-import-ok",
            ),
        ),
    )


def _import_button() -> rx.Component:
    return rx.upload.root(
        rx.button(rx.icon("upload", size=14), t("agents.import"), variant="soft", data_testid="agent-import"),
        id=IMPORT_ID,
        accept={"text/csv": [".csv"], "text/plain": [".txt"]},
        multiple=False,
        no_drag=True,
        on_drop=S.import_file(rx.upload_files(upload_id=IMPORT_ID)),
        padding="0",
        border="none",
    )


def agents_page() -> rx.Component:
    """The agents of the workspace, for admins and supervisors."""
    return shell(
        t("agents.title"),
        rx.cond(
            S.loaded,
            rx.cond(
                S.allowed,
                rx.vstack(
                    rx.hstack(
                        rx.text(t("agents.subtitle"), size="2", color_scheme="gray"),
                        rx.spacer(),
                        rx.tooltip(_import_button(), content=t("agents.csv_format")),
                        rx.button(
                            rx.icon("user-plus", size=14), t("agents.add"), on_click=S.open_add, data_testid="agent-add"
                        ),
                        width="100%",
                        align="center",
                        wrap="wrap",
                        spacing="2",
                    ),
                    rx.text(t("agents.csv_format"), size="1", color_scheme="gray"),
                    rx.cond(
                        S.error != "",
                        rx.callout(
                            S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="agents-error"
                        ),
                    ),
                    _passwords(),
                    _import_report(),
                    _table(),
                    _form_dialog(),
                    _remove_dialog(),
                    spacing="3",
                    width="100%",
                ),
                not_allowed(t),
            ),
            rx.center(rx.spinner(), width="100%", padding="48px"),
        ),
    )
