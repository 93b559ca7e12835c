"""Test runs of a code action from the developers' page: the sandbox's state, and one run with sample parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flow_runtime.adapters.sandbox_jail import JailUnavailable, jail
from flow_runtime.ports import ActionDefinition
from flowstudio.models import CodeAction
from flowstudio.services.integrations.secrets import WorkspaceSecrets
from flowstudio.services.studio.action_catalog import definition
from flowstudio.services.studio.code_actions import ActionInput, validate
from flowstudio.services.studio.code_policy import network_policy


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
