"""The agents page's state: the table, the agent dialog, removal and the CSV import report."""

from __future__ import annotations

import reflex as rx

from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.models import AgentStatus, Role
from flowstudio.pages.admin_forms import FormError, audit_member, can_manage, member_role
from flowstudio.pages.agents.rules import AgentRow, LineError, NewPassword, QueueChoice, csv_grants_admin, permit
from flowstudio.services.assignment import agent_import, agent_status
from flowstudio.services.assignment import agents as agent_service
from flowstudio.services.assignment import queues as queue_service
from flowstudio.services.identity import permissions as can
from flowstudio.state.actions import ConfirmDialog, PageActions
from flowstudio.state.guard import request_ip, requires
from flowstudio.state.session import scope_of

IMPORT_ID = "agents-import"


STATUSES = tuple(status.value for status in AgentStatus)


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
            lambda session, workspace_id, _: agent_status.set_status(
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
            lambda session, workspace_id, _: agent_status.set_capacity(
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

        await self._perform(remove, permit=permit(target_id=user_id, removes_or_role=True))
        return None if self.error else rx.toast.success(translate("agents.removed", lang))

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
            report = agent_import.import_csv(session=session, workspace_id=workspace_id, content=content)
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
        if isinstance(report, agent_import.ImportReport):
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
