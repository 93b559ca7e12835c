"""The code actions tab's state: the workspace's library, the action being edited, and its test runs."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from flow_runtime.sandbox_http import inward_entries
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.pages.developers.common import error_text, scope, when
from flowstudio.services.identity.permissions import DEVELOPERS_MANAGE
from flowstudio.services.studio import action_catalog, action_test_runs, code_actions
from flowstudio.services.studio.code_actions import ActionError, ActionInput
from flowstudio.state.guard import requires

TYPES = ["text", "number", "boolean", "json"]


NEW_CODE = "# flow.params, flow.vars, flow.say(...), flow.http.get(...); return 'outcome'\n"


@dataclasses.dataclass
class ActionRow:
    """One action as the list shows it."""

    key: str
    name: str
    flavour: str
    parameters: str
    outcomes: str
    updated_at: str


@dataclasses.dataclass
class ParamRow:
    """One row of the parameters table."""

    name: str = ""
    type: str = "text"
    required: bool = False
    default: str = ""


class ActionsState(rx.State):
    """The list, the form of the action being edited, and the last test run."""

    actions: list[ActionRow] = []
    editing: bool = False
    original_key: str = ""
    key: str = ""
    name: str = ""
    flavour: str = "python"
    description: str = ""
    code: str = ""
    server_url: str = ""
    rasa_action: str = ""
    outcomes: str = ""
    hosts: str = ""
    timeout: str = "5"
    params: list[ParamRow] = []
    error: str = ""
    sample_params: str = "{}"
    sample_variables: str = "{}"
    run_done: bool = False
    run_outcome: str = ""
    run_variables: str = ""
    run_messages: list[str] = []
    run_error: str = ""
    sandbox_problem: str = ""

    @rx.var
    def inward_hosts(self) -> str:
        """Allowed hosts that point back at this server (``0.0.0.0``, ``[::ffff:127.0.0.1]``, ``localhost``...)."""
        return ", ".join(inward_entries(self.hosts.split()))

    def _read(self, workspace_id: int) -> None:
        with session_scope() as session:
            self.actions = [
                ActionRow(
                    key=a.key,
                    name=a.name,
                    flavour=getattr(a.flavour, "value", a.flavour),
                    parameters=", ".join(p["name"] for p in a.parameters or []),
                    outcomes=", ".join(a.outcomes or []),
                    updated_at=when(a.updated_at),
                )
                for a in action_catalog.list_actions(session=session, workspace_id=workspace_id)
            ]

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def load(self):
        """Read the library."""
        workspace_id, _, _ = await scope(self)
        self._read(workspace_id)
        self.sandbox_problem = await rx.run_in_thread(action_test_runs.sandbox_problem)

    def _fill(self, data: ActionInput, original_key: str) -> None:
        self.editing, self.original_key, self.error, self.run_done = True, original_key, "", False
        self.key, self.name, self.flavour, self.description = data.key, data.name, data.flavour, data.description
        self.code, self.server_url, self.rasa_action = data.code, data.server_url, data.rasa_action
        self.outcomes, self.hosts, self.timeout = (
            "\n".join(data.outcomes),
            "\n".join(data.allowed_hosts),
            f"{data.timeout:g}",
        )
        self.params = [
            ParamRow(
                name=p["name"],
                type=p.get("type", "text"),
                required=bool(p.get("required")),
                default=""
                if p.get("default") is None
                else json.dumps(p["default"])
                if p.get("type") == "json"
                else str(p["default"]),
            )
            for p in data.parameters
        ]
        self.sample_params = json.dumps({p["name"]: p.get("default") for p in data.parameters}, ensure_ascii=False)
        self.sample_variables = "{}"

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def new(self):
        """Open an empty form."""
        self._fill(ActionInput(key="", name="", code=NEW_CODE), "")

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def edit(self, key: str):
        """Open the form of a stored action."""
        workspace_id, _, lang = await scope(self)
        try:
            with session_scope() as session:
                self._fill(
                    code_actions.as_input(code_actions.get_action(session=session, workspace_id=workspace_id, key=key)),
                    key,
                )
        except ActionError as error:
            return rx.toast.error(error_text(error, lang))
        return None

    @rx.event
    def close(self):
        """Leave the form without saving."""
        self.editing, self.error = False, ""

    @rx.event
    def set_field(self, field: str, value: str):
        """A text field of the form being typed."""
        if field in (
            "key",
            "name",
            "flavour",
            "description",
            "code",
            "server_url",
            "rasa_action",
            "outcomes",
            "hosts",
            "timeout",
            "sample_params",
            "sample_variables",
        ):
            setattr(self, field, value)

    @rx.event
    def add_param(self):
        """A new row in the parameters table."""
        self.params = [*self.params, ParamRow()]

    @rx.event
    def remove_param(self, index: int):
        """Drop a row of the parameters table."""
        self.params = [p for i, p in enumerate(self.params) if i != index]

    @rx.event
    def set_param(self, index: int, field: str, value: str | bool):
        """One cell of the parameters table changed."""
        rows = list(self.params)
        if 0 <= index < len(rows) and field in ("name", "type", "required", "default"):
            rows[index] = dataclasses.replace(rows[index], **{field: value})
            self.params = rows

    def _input(self) -> ActionInput:
        def default(row: ParamRow) -> object:
            if row.type == "json" and row.default.strip():
                try:
                    return json.loads(row.default)
                except ValueError:
                    raise ActionError("developers.err.default_json", name=row.name) from None
            return row.default

        try:
            timeout = float(self.timeout.replace(",", "."))
        except ValueError:
            timeout = -1.0
        return ActionInput(
            key=self.key,
            name=self.name,
            flavour=self.flavour,
            description=self.description,
            code=self.code,
            server_url=self.server_url,
            rasa_action=self.rasa_action,
            parameters=[
                {"name": p.name, "type": p.type, "required": p.required, "default": default(p)} for p in self.params
            ],
            outcomes=self.outcomes.replace(",", "\n").split(),
            allowed_hosts=self.hosts.split(),
            timeout=timeout,
        )

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def save(self):
        """Validate and store the form's action (the reason shows on the form when it is refused)."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                code_actions.save_action(
                    session=session,
                    workspace_id=workspace_id,
                    data=self._input(),
                    original_key=self.original_key or None,
                    actor=actor,
                )
        except ActionError as error:
            self.error = error_text(error, lang)
            return None
        self.editing, self.error = False, ""
        self._read(workspace_id)
        return rx.toast.success(translate("developers.actions.saved", lang))

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def delete(self, key: str):
        """Delete an action."""
        workspace_id, actor, lang = await scope(self)
        try:
            with session_scope() as session:
                code_actions.delete_action(session=session, workspace_id=workspace_id, key=key, actor=actor)
        except ActionError as error:
            return rx.toast.error(error_text(error, lang))
        self._read(workspace_id)
        return rx.toast.success(translate("developers.actions.deleted", lang))

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def test_run(self):
        """Run the form's action once with the sample parameters and variables (in a worker thread)."""
        workspace_id, _, lang = await scope(self)
        self.run_done, self.run_error, self.run_messages, self.run_variables = False, "", [], ""
        try:
            data = self._input()
            params, variables = json.loads(self.sample_params or "{}"), json.loads(self.sample_variables or "{}")
            if not isinstance(params, dict) or not isinstance(variables, dict):
                raise ValueError("not an object")
            run = await rx.run_in_thread(
                lambda: action_test_runs.test_run(
                    workspace_id=workspace_id, data=data, params=params, variables=variables
                )
            )
        except ActionError as error:
            self.run_outcome, self.run_error, self.run_done = "-", error_text(error, lang), True
            return
        except ValueError:
            self.run_outcome, self.run_done = "-", True
            self.run_error = translate("developers.actions.sample_not_json", lang)
            return
        self.run_outcome = run.outcome or "-"
        self.run_variables = json.dumps(run.variables, ensure_ascii=False, indent=2)
        self.run_messages = [m.get("text") or json.dumps(m, ensure_ascii=False) for m in run.messages]
        known = f"developers.run_error.{run.error_code}"
        lead = translate(known, lang) if run.error_code and translate(known, lang) != known else ""
        self.run_error = "\n".join(part for part in (lead, run.error, run.stdout) if part)
        self.run_done = True
