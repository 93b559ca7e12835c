"""The workspace's library of reusable code actions: validation, CRUD, the runtime's `ActionCatalog`, test runs.

A developer defines an action once (key, parameters with types, outcomes, Python code or a Rasa SDK
action server); designers drop it onto canvases as an `action` node and fill in its parameters. The
runtime reads definitions through `WorkspaceActions`, cached per workspace and process (dropped here on
every change, and after `CACHE_TTL_S` for changes made by another process).
"""

from __future__ import annotations

import keyword
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from sqlmodel import Session, select

from flow_runtime import codeapi
from flow_runtime.action_params import TYPES, ParamError, coerce
from flow_runtime.adapters.sandbox_jail import JailUnavailable, jail
from flow_runtime.checks.actions import HOST, OUTCOME
from flow_runtime.ports import ActionDefinition, ActionParameter
from flow_runtime.sandbox_http import parse_entry
from flow_runtime.schema import RESERVED_HANDLES
from flowstudio.db import session_scope
from flowstudio.errors import Invalid, NotFound
from flowstudio.models import ActionFlavour, Bot, CodeAction, Role, User, utcnow
from flowstudio.services.identity import permissions
from flowstudio.services.integrations.secrets import WorkspaceSecrets
from flowstudio.services.privacy import audit
from flowstudio.services.studio.code_policy import network_policy

KEY = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")
MAX_TIMEOUT_S = 30.0
MAX_PARAMETERS = 30
MAX_OUTCOMES = 10
CACHE_TTL_S = 15.0

_catalogs: dict[int, tuple[float, dict[str, ActionDefinition]]] = {}
_bot_workspaces: dict[int, int] = {}
_cache_lock = threading.Lock()


def can_develop(role: Role | str | None) -> bool:
    """Whether a member with `role` may manage code actions, secrets and webhooks (admins and developers;
    the matrix in `flowstudio.services.identity.permissions` decides)."""
    return permissions.can_develop(role)


def _user_id(actor: Any) -> int | None:
    """The acting user's id: a `Principal`'s `user_id`, a `User`'s `id`, else None."""
    return getattr(actor, "user_id", None) or (actor.id if isinstance(actor, User) else None)


class ActionError(Invalid):
    """An action that cannot be saved, found or run; the message says why (shown to the developer)."""


class ActionNotFound(ActionError, NotFound):
    """No action with that key in the workspace."""


@dataclass
class ActionInput:
    """What a developer fills in for an action (the form and the API share it)."""

    key: str
    name: str
    flavour: str = "python"
    description: str = ""
    code: str = ""
    server_url: str = ""
    rasa_action: str = ""
    parameters: list[dict[str, Any]] = field(default_factory=list)
    outcomes: list[str] = field(default_factory=list)
    allowed_hosts: list[str] = field(default_factory=list)
    timeout: float = 5.0


# ------------------------------------------------------------------------------------------- validation


def _parameters(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(raw) > MAX_PARAMETERS:
        raise ActionError("developers.err.too_many_params", max=MAX_PARAMETERS)
    seen: set[str] = set()
    clean = []
    for item in raw:
        name = str(item.get("name") or "").strip()
        if not name.isidentifier() or keyword.iskeyword(name) or len(name) > 64:
            raise ActionError("developers.err.param_name", name=name)
        if name in seen:
            raise ActionError("developers.err.param_twice", name=name)
        seen.add(name)
        kind = str(item.get("type") or "text")
        if kind not in TYPES:
            raise ActionError("developers.err.param_type", name=name, type=kind, types=", ".join(TYPES))
        default = item.get("default")
        if default is not None and default != "":
            try:
                default = coerce(ActionParameter(name=name, type=kind), default)
            except ParamError as error:
                raise ActionError("developers.err.param_default", detail=str(error)) from error
        else:
            default = None
        clean.append(
            {
                "name": name,
                "type": kind,
                "required": bool(item.get("required")),
                "default": default,
                "label": str(item.get("label") or "")[:80],
            }
        )
    return clean


def _outcomes(raw: list[str]) -> list[str]:
    names = [str(o).strip() for o in raw if str(o).strip()]
    if len(names) > MAX_OUTCOMES:
        raise ActionError("developers.err.too_many_outcomes", max=MAX_OUTCOMES)
    for name in names:
        if name in RESERVED_HANDLES:
            raise ActionError("developers.err.outcome_reserved", name=name)
        if not OUTCOME.match(name):
            raise ActionError("developers.err.outcome_name", name=name)
    if len(set(names)) != len(names):
        raise ActionError("developers.err.outcome_twice")
    return names


def _hosts(raw: list[str]) -> list[str]:
    hosts = []
    for entry in (str(h).strip().lower() for h in raw):
        if not entry:
            continue
        host, _ = parse_entry(entry)
        if "/" in entry or not HOST.match(host):
            raise ActionError("developers.err.host", entry=entry)
        hosts.append(entry)
    return hosts


def syntax_error(code: str) -> str | None:
    """Why the code does not compile as an action's body ("line 3: invalid syntax"), or None."""
    try:
        codeapi.compile_code(code)
    except SyntaxError as error:
        return f"line {error.lineno}: {error.msg}"
    return None


def validate(data: ActionInput) -> ActionInput:
    """The input cleaned, or `ActionError` naming the first problem."""
    key = (data.key or "").strip()
    if not KEY.match(key):
        raise ActionError("developers.err.key")
    name = (data.name or "").strip()
    if not name or len(name) > 120:
        raise ActionError("developers.err.name")
    if data.flavour not in {f.value for f in ActionFlavour}:
        raise ActionError("developers.err.flavour")
    try:
        timeout = float(data.timeout)
    except (TypeError, ValueError):
        raise ActionError("developers.err.timeout_number") from None
    if not 0 < timeout <= MAX_TIMEOUT_S:
        raise ActionError("developers.err.timeout_range", max=f"{MAX_TIMEOUT_S:g}")
    clean = ActionInput(
        key=key,
        name=name,
        flavour=data.flavour,
        description=(data.description or "").strip(),
        parameters=_parameters(list(data.parameters or [])),
        timeout=timeout,
    )
    if data.flavour == ActionFlavour.PYTHON:
        if not (data.code or "").strip():
            raise ActionError("developers.err.no_code")
        problem = syntax_error(data.code)
        if problem:
            raise ActionError("developers.err.syntax", problem=problem)
        clean.code, clean.outcomes, clean.allowed_hosts = (
            data.code,
            _outcomes(list(data.outcomes or [])),
            _hosts(list(data.allowed_hosts or [])),
        )
    else:
        url = (data.server_url or "").strip().rstrip("/")
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ActionError("developers.err.server_url")
        clean.server_url, clean.rasa_action = url, (data.rasa_action or "").strip() or key
    return clean


# ----------------------------------------------------------------------------------------------------- CRUD


def list_actions(*, session: Session, workspace_id: int) -> list[CodeAction]:
    """The workspace's actions by name."""
    return list(
        session.exec(
            select(CodeAction).where(CodeAction.workspace_id == workspace_id).order_by(CodeAction.name, CodeAction.key)
        ).all()
    )


def get_action(*, session: Session, workspace_id: int, key: str) -> CodeAction:
    """One action of the workspace by key (`ActionError` when it is not there)."""
    row = session.exec(select(CodeAction).where(CodeAction.workspace_id == workspace_id, CodeAction.key == key)).first()
    if row is None:
        raise ActionNotFound("developers.err.no_action", action=key)
    return row


def save_action(
    *, session: Session, workspace_id: int, data: ActionInput, original_key: str | None = None, actor: Any = None
) -> CodeAction:
    """Create an action (`original_key` None) or change one (its key may change too).

    Raises:
        ActionError: invalid input, another action has the key, or the original is gone.
    """
    clean = validate(data)
    row = get_action(session=session, workspace_id=workspace_id, key=original_key) if original_key else None
    if (row is None or row.key != clean.key) and session.exec(
        select(CodeAction.id).where(CodeAction.workspace_id == workspace_id, CodeAction.key == clean.key)
    ).first() is not None:
        raise ActionError("developers.err.key_taken", action=clean.key)
    created = row is None
    row = row or CodeAction(workspace_id=workspace_id, key=clean.key, name=clean.name)
    for name in (
        "key",
        "name",
        "flavour",
        "description",
        "code",
        "server_url",
        "rasa_action",
        "parameters",
        "outcomes",
        "allowed_hosts",
        "timeout",
    ):
        setattr(row, name, getattr(clean, name))
    row.updated_by, row.updated_at = _user_id(actor), utcnow()
    session.add(row)
    audit.record(
        session,
        "action.created" if created else "action.changed",
        workspace_id=workspace_id,
        actor=actor,
        target=("action", clean.key),
        details={"key": clean.key, "flavour": clean.flavour},
    )
    session.flush()
    invalidate(workspace_id)
    return row


def delete_action(*, session: Session, workspace_id: int, key: str, actor: Any = None) -> None:
    """Delete an action (nodes that use it then fail on their `error` exit, and the editor marks them)."""
    row = get_action(session=session, workspace_id=workspace_id, key=key)
    session.delete(row)
    audit.record(
        session, "action.deleted", workspace_id=workspace_id, actor=actor, target=("action", key), details={"key": key}
    )
    session.flush()
    invalidate(workspace_id)


def as_input(row: CodeAction) -> ActionInput:
    """A stored action as form input (to edit it)."""
    return ActionInput(
        key=row.key,
        name=row.name,
        flavour=getattr(row.flavour, "value", row.flavour),
        description=row.description,
        code=row.code,
        server_url=row.server_url,
        rasa_action=row.rasa_action,
        parameters=[dict(p) for p in row.parameters or []],
        outcomes=list(row.outcomes or []),
        allowed_hosts=list(row.allowed_hosts or []),
        timeout=row.timeout,
    )


# ------------------------------------------------------------------------------------------ the catalog


def definition(row: CodeAction) -> ActionDefinition:
    """A stored action as the runtime's `ActionDefinition`."""
    return ActionDefinition(
        key=row.key,
        name=row.name,
        flavour=getattr(row.flavour, "value", row.flavour),
        code=row.code,
        server_url=row.server_url,
        rasa_action=row.rasa_action,
        description=row.description,
        parameters=tuple(
            ActionParameter(
                name=p["name"],
                type=p.get("type", "text"),
                required=bool(p.get("required")),
                default=p.get("default"),
                label=p.get("label", ""),
            )
            for p in row.parameters or []
        ),
        outcomes=tuple(row.outcomes or ()),
        allowed_hosts=tuple(row.allowed_hosts or ()),
        timeout=float(row.timeout),
    )


def catalog(*, session: Session, workspace_id: int) -> dict[str, ActionDefinition]:
    """The workspace's definitions by key (cached per process; one query per miss)."""
    now = time.monotonic()
    with _cache_lock:
        cached = _catalogs.get(workspace_id)
    if cached is not None and now - cached[0] < CACHE_TTL_S:
        return cached[1]
    definitions = {row.key: definition(row) for row in list_actions(session=session, workspace_id=workspace_id)}
    with _cache_lock:
        _catalogs[workspace_id] = (now, definitions)
    return definitions


def invalidate(workspace_id: int | None = None) -> None:
    """Forget the cached catalog of one workspace (or all)."""
    with _cache_lock:
        if workspace_id is None:
            _catalogs.clear()
            _bot_workspaces.clear()
        else:
            _catalogs.pop(workspace_id, None)


class WorkspaceActions:
    """The runtime's `ActionCatalog` for one workspace (or for a bot's, found on first use)."""

    def __init__(self, workspace_id: int | None = None, *, bot_id: int | None = None) -> None:
        self._workspace_id, self._bot_id = workspace_id, bot_id

    def _workspace(self, session: Session) -> int | None:
        if self._workspace_id is None and self._bot_id is not None:
            with _cache_lock:
                known = _bot_workspaces.get(self._bot_id)
            if known is None:
                known = session.exec(select(Bot.workspace_id).where(Bot.id == self._bot_id)).first()
                if known is not None:
                    with _cache_lock:
                        _bot_workspaces[self._bot_id] = known
            self._workspace_id = known
        return self._workspace_id

    def get(self, key: str) -> ActionDefinition | None:
        """The definition with this key, or None."""
        with session_scope() as session:
            workspace_id = self._workspace(session)
            return None if workspace_id is None else catalog(session=session, workspace_id=workspace_id).get(key)

    def all(self) -> list[ActionDefinition]:
        """Every definition of the workspace (for the editor's palette)."""
        with session_scope() as session:
            workspace_id = self._workspace(session)
            return [] if workspace_id is None else list(catalog(session=session, workspace_id=workspace_id).values())


# --------------------------------------------------------------------------------------------- test runs


@dataclass(frozen=True)
class TestRun:
    """What running an action once with sample input did."""

    outcome: str  # ok, error or a declared outcome ("" when the run stopped before an exit)
    variables: dict[str, Any]
    messages: list[dict[str, Any]]
    error: str = ""
    stdout: str = ""
    error_code: str = ""  # the runner's machine code (timeout, sandbox_violation, sandbox_unavailable...)


def sandbox_problem() -> str:
    """Why code actions cannot run on this server (the kernel's wall cannot be built), or "" when they can."""
    try:
        jail()
    except JailUnavailable as exc:
        return str(exc)
    return ""


def test_run(
    *,
    workspace_id: int,
    data: ActionInput,
    params: dict[str, Any] | None = None,
    variables: dict[str, Any] | None = None,
) -> TestRun:
    """Run an action (saved or still in the form) once through the real runner, as an `action` node would.

    The code runs in the sandbox with the workspace's secrets and the server's network policy; Rasa
    actions call their server. Nothing is stored.

    Raises:
        ActionError: the action itself is invalid (see `validate`).
    """
    from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
    from flow_runtime.adapters.http_urllib import UrllibHttpClient
    from flow_runtime.engine import step
    from flow_runtime.graph import compile as compile_flow
    from flow_runtime.ports import Ports
    from flow_runtime.session import Event, new_session

    clean = validate(data)
    draft = CodeAction(workspace_id=workspace_id, **{k: v for k, v in vars(clean).items()})
    action = definition(draft)
    handles = ["ok", "error", *clean.outcomes]
    document = {
        "schema_version": 1,
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "fallback", "kind": "fallback"},
            {
                "id": "run",
                "kind": "action",
                "action": clean.key,
                "params": dict(params or {}),
                "outcomes": list(clean.outcomes),
            },
            *({"id": f"exit_{h}", "kind": "end"} for h in handles),
        ],
        "edges": [
            {"id": "e_start", "source": "start", "source_handle": "next", "target": "run"},
            *({"id": f"e_{h}", "source": "run", "source_handle": h, "target": f"exit_{h}"} for h in handles),
        ],
    }
    ports = Ports(
        code=SubprocessCodeRunner(),
        http=UrllibHttpClient(),
        network=network_policy(),
        secrets=WorkspaceSecrets(workspace_id),
        actions=_Single(action),
    )
    session = new_session(id="test-run", channel="test", variables=dict(variables or {}))
    result = step(compile_flow(document), session, Event.message("test"), ports)
    exits = [node_id.removeprefix("exit_") for node_id in result.trace if node_id.startswith("exit_")]
    errors = [o for o in result.outputs if o.get("type") == "event" and str(o.get("name", "")).endswith(".error")]
    return TestRun(
        outcome=exits[0] if exits else "",
        variables=dict(result.session.variables),
        messages=[o for o in result.outputs if o.get("type") != "event"],
        error=str(errors[0].get("message", "")) if errors else "",
        stdout=str(errors[0].get("stdout", "")) if errors else "",
        error_code=str(errors[0].get("error") or "") if errors else "",
    )


class _Single:
    """A catalog of one action (the one being tested)."""

    def __init__(self, action: ActionDefinition) -> None:
        self.action = action

    def get(self, key: str) -> ActionDefinition | None:
        return self.action if key == self.action.key else None
