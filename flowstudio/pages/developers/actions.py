"""The code actions tab: the workspace's library, the action form (parameters table, outcomes, hosts, code)
and a test-run panel that runs the form's action through the real sandbox."""

from __future__ import annotations

import dataclasses
import json

import reflex as rx

from flow_runtime.sandbox_http import inward_entries
from flowstudio.components.code_editor import code_editor
from flowstudio.components.layout import t
from flowstudio.db import session_scope
from flowstudio.i18n import translate
from flowstudio.pages.developers.common import error_text, scope, when
from flowstudio.services.identity.permissions import DEVELOPERS_MANAGE
from flowstudio.services.studio import code_actions
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
                for a in code_actions.list_actions(session=session, workspace_id=workspace_id)
            ]

    @rx.event
    @requires(DEVELOPERS_MANAGE)
    async def load(self):
        """Read the library."""
        workspace_id, _, _ = await scope(self)
        self._read(workspace_id)
        self.sandbox_problem = await rx.run_in_thread(code_actions.sandbox_problem)

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
                lambda: code_actions.test_run(workspace_id=workspace_id, data=data, params=params, variables=variables)
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


S = ActionsState


def _row(action: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(action.key)),
        rx.table.cell(rx.text(action.name, weight="medium")),
        rx.table.cell(rx.badge(action.flavour, color_scheme=rx.cond(action.flavour == "rasa", "purple", "blue"))),
        rx.table.cell(rx.text(action.parameters, size="1")),
        rx.table.cell(rx.text(action.outcomes, size="1")),
        rx.table.cell(rx.text(action.updated_at, size="1", color=rx.color("gray", 10))),
        rx.table.cell(
            rx.hstack(
                rx.icon_button(
                    rx.icon("pencil", size=14),
                    variant="ghost",
                    on_click=S.edit(action.key),
                    aria_label=t("developers.edit"),
                    data_testid="action-edit",
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    variant="ghost",
                    color_scheme="red",
                    on_click=S.delete(action.key),
                    aria_label=t("developers.delete"),
                    data_testid="action-delete",
                ),
                justify="end",
            ),
            text_align="right",
        ),
        data_testid="action-row",
    )


def _field(label: str, control: rx.Component, hint: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(t(label), size="2", weight="medium"),
        control,
        rx.text(t(hint), size="1", color=rx.color("gray", 10)) if hint else rx.fragment(),
        spacing="1",
        width="100%",
    )


def _param_row(param: rx.Var, index: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.input(
                value=param.name,
                on_change=lambda v: S.set_param(index, "name", v),
                size="1",
                placeholder="order_id",
                data_testid="param-name",
            )
        ),
        rx.table.cell(rx.select(TYPES, value=param.type, on_change=lambda v: S.set_param(index, "type", v), size="1")),
        rx.table.cell(rx.checkbox(checked=param.required, on_change=lambda v: S.set_param(index, "required", v))),
        rx.table.cell(rx.input(value=param.default, on_change=lambda v: S.set_param(index, "default", v), size="1")),
        rx.table.cell(
            rx.icon_button(
                rx.icon("x", size=12),
                variant="ghost",
                color_scheme="gray",
                size="1",
                on_click=S.remove_param(index),
                aria_label=t("developers.delete"),
            )
        ),
    )


def _mono(value: rx.Var, field: str, rows: str, testid: str) -> rx.Component:
    return rx.text_area(
        value=value,
        on_change=lambda v: S.set_field(field, v),
        rows=rows,
        width="100%",
        font_family="ui-monospace, SFMono-Regular, Menlo, monospace",
        font_size="13px",
        spell_check=False,
        data_testid=testid,
    )


def _test_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("developers.actions.test_title"), size="3"),
            rx.text(t("developers.actions.test_hint"), size="1", color=rx.color("gray", 10)),
            rx.grid(
                _field("developers.actions.sample_params", _mono(S.sample_params, "sample_params", "3", "test-params")),
                _field(
                    "developers.actions.sample_variables",
                    _mono(S.sample_variables, "sample_variables", "3", "test-variables"),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                gap="12px",
                width="100%",
            ),
            rx.button(
                rx.icon("play", size=14),
                t("developers.actions.run"),
                on_click=S.test_run,
                variant="soft",
                data_testid="action-test-run",
            ),
            rx.cond(
                S.run_done,
                rx.vstack(
                    rx.hstack(
                        rx.text(t("developers.actions.outcome"), size="2"),
                        rx.badge(
                            S.run_outcome,
                            color_scheme=rx.cond(S.run_outcome == "error", "red", "green"),
                            data_testid="test-outcome",
                        ),
                        align="center",
                    ),
                    rx.cond(
                        S.run_error != "",
                        rx.callout(
                            S.run_error,
                            icon="triangle-alert",
                            color_scheme="red",
                            size="1",
                            width="100%",
                            data_testid="test-error",
                        ),
                    ),
                    rx.foreach(
                        S.run_messages,
                        lambda m: rx.hstack(
                            rx.icon("message-square", size=14),
                            rx.text(m, size="2"),
                            align="center",
                            data_testid="test-message",
                        ),
                    ),
                    rx.text(t("developers.actions.variables"), size="2", weight="medium"),
                    rx.code_block(S.run_variables, language="json", width="100%"),
                    width="100%",
                    spacing="2",
                    data_testid="test-result",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _form() -> rx.Component:
    python = S.flavour == "python"
    return rx.vstack(
        rx.hstack(
            rx.heading(rx.cond(S.original_key != "", S.original_key, t("developers.actions.new")), size="4"),
            rx.spacer(),
            rx.button(t("developers.cancel"), variant="soft", color_scheme="gray", on_click=S.close),
            rx.button(rx.icon("save", size=14), t("developers.save"), on_click=S.save, data_testid="action-save"),
            width="100%",
            align="center",
        ),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle-alert", color_scheme="red", width="100%", data_testid="action-error"),
        ),
        rx.grid(
            _field(
                "developers.actions.key",
                rx.input(
                    value=S.key,
                    on_change=lambda v: S.set_field("key", v),
                    placeholder="lookup-order",
                    width="100%",
                    data_testid="action-key",
                ),
                "developers.actions.key_hint",
            ),
            _field(
                "developers.actions.name",
                rx.input(
                    value=S.name, on_change=lambda v: S.set_field("name", v), width="100%", data_testid="action-name"
                ),
            ),
            _field(
                "developers.actions.flavour",
                rx.select.root(
                    rx.select.trigger(width="100%"),
                    rx.select.content(
                        rx.select.item(t("developers.actions.python"), value="python"),
                        rx.select.item(t("developers.actions.rasa"), value="rasa"),
                    ),
                    value=S.flavour,
                    on_change=lambda v: S.set_field("flavour", v),
                ),
            ),
            _field(
                "developers.actions.timeout",
                rx.input(value=S.timeout, type="number", width="100%", on_change=lambda v: S.set_field("timeout", v)),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            gap="12px",
            width="100%",
        ),
        _field(
            "developers.actions.description",
            rx.input(value=S.description, width="100%", on_change=lambda v: S.set_field("description", v)),
        ),
        _field(
            "developers.actions.parameters",
            rx.vstack(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(t(f"developers.param.{c}"))
                                for c in ("name", "type", "required", "default")
                            ],
                            rx.table.column_header_cell(""),
                        )
                    ),
                    rx.table.body(rx.foreach(S.params, _param_row)),
                    size="1",
                    width="100%",
                ),
                rx.button(
                    rx.icon("plus", size=12),
                    t("developers.actions.add_param"),
                    size="1",
                    variant="soft",
                    on_click=S.add_param,
                    data_testid="param-add",
                ),
                width="100%",
            ),
        ),
        rx.cond(
            python,
            rx.vstack(
                rx.grid(
                    _field(
                        "developers.actions.outcomes",
                        _mono(S.outcomes, "outcomes", "2", "action-outcomes"),
                        "developers.actions.outcomes_hint",
                    ),
                    _field(
                        "developers.actions.hosts",
                        _mono(S.hosts, "hosts", "2", "action-hosts"),
                        "developers.actions.hosts_hint",
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    gap="12px",
                    width="100%",
                ),
                rx.cond(
                    S.inward_hosts != "",
                    rx.callout(
                        rx.text(t("developers.actions.hosts_inward"), " ", rx.code(S.inward_hosts)),
                        icon="shield-alert",
                        color_scheme="amber",
                        size="1",
                        width="100%",
                        data_testid="hosts-inward",
                    ),
                ),
                _field(
                    "developers.actions.code",
                    code_editor(
                        value=S.code, on_change=lambda v: S.set_field("code", v), height="280px", testid="action-code"
                    ),
                    "developers.actions.code_hint",
                ),
                width="100%",
            ),
            rx.grid(
                _field(
                    "developers.actions.server_url",
                    rx.input(
                        value=S.server_url,
                        on_change=lambda v: S.set_field("server_url", v),
                        placeholder="http://actions:5055",
                        width="100%",
                    ),
                ),
                _field(
                    "developers.actions.rasa_action",
                    rx.input(
                        value=S.rasa_action,
                        on_change=lambda v: S.set_field("rasa_action", v),
                        placeholder="action_check_order",
                        width="100%",
                    ),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                gap="12px",
                width="100%",
            ),
        ),
        _test_panel(),
        spacing="3",
        width="100%",
        data_testid="action-form",
    )


def _sandbox_notice() -> rx.Component:
    return rx.cond(
        S.sandbox_problem != "",
        rx.callout(
            rx.vstack(
                rx.text(t("developers.actions.sandbox_unavailable"), weight="medium"),
                rx.text(S.sandbox_problem, size="1", font_family="monospace"),
                spacing="1",
            ),
            icon="shield-off",
            color_scheme="red",
            width="100%",
            data_testid="sandbox-unavailable",
        ),
    )


def actions_tab() -> rx.Component:
    """The library, or the form of the action being edited (under a notice when code cannot run here)."""
    return rx.vstack(_sandbox_notice(), _actions_body(), spacing="3", width="100%")


def _actions_body() -> rx.Component:
    return rx.cond(
        S.editing,
        _form(),
        rx.vstack(
            rx.hstack(
                rx.text(t("developers.actions.intro"), size="2", color=rx.color("gray", 11)),
                rx.spacer(),
                rx.button(
                    rx.icon("plus", size=14), t("developers.actions.new"), on_click=S.new, data_testid="action-new"
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                S.actions.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(t(f"developers.col.{c}"))
                                for c in ("key", "name", "flavour", "parameters", "outcomes", "updated")
                            ],
                            rx.table.column_header_cell(""),
                        )
                    ),
                    rx.table.body(rx.foreach(S.actions, _row)),
                    width="100%",
                ),
                rx.text(t("developers.actions.empty"), size="2", color=rx.color("gray", 10)),
            ),
            spacing="3",
            width="100%",
        ),
    )
