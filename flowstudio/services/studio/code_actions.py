"""The workspace's library of reusable code actions: validation and CRUD (the runtime's `ActionCatalog` is
`action_catalog`, test runs `action_test_runs`).

A developer defines an action once (key, parameters with types, outcomes, Python code or a Rasa SDK
action server); designers drop it onto canvases as an `action` node and fill in its parameters. The
runtime reads definitions through `WorkspaceActions`, cached per workspace and process (dropped here on
every change, and after `CACHE_TTL_S` for changes made by another process).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from sqlmodel import Session, select

from flow_runtime import codeapi
from flow_runtime.action_params import TYPES, ParamError, coerce
from flow_runtime.checks.actions import HOST, OUTCOME
from flow_runtime.ports import ActionParameter
from flow_runtime.sandbox_http import parse_entry
from flow_runtime.schema import RESERVED_HANDLES
from flowstudio.errors import Invalid, NotFound
from flowstudio.models import ActionFlavour, CodeAction, Role, User, utcnow
from flowstudio.services.identity import permissions
from flowstudio.services.privacy import audit
from flowstudio.services.studio.action_catalog import invalidate

KEY = re.compile(r"^[a-z][a-z0-9_-]{1,63}$")
MAX_TIMEOUT_S = 30.0
MAX_PARAMETERS = 30
MAX_OUTCOMES = 10


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
