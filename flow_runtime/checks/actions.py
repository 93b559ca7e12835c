"""Checks of the developer kinds: code outcomes and hosts, Rasa actions, reusable actions against the catalog."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from flow_runtime import codeapi
from flow_runtime.action_params import TYPES, ParamError, coerce, missing_required
from flow_runtime.problems import Problem, error, warning
from flow_runtime.sandbox_http import inward_entries, parse_entry
from flow_runtime.schema import RESERVED_HANDLES
from flow_runtime.templating import PLACEHOLDER

if TYPE_CHECKING:
    from flow_runtime.graph import CompiledFlow
    from flow_runtime.ports import ActionCatalog

OUTCOME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$|^[0-9a-f:.]+$")


def check_actions(flow: CompiledFlow, catalog: ActionCatalog | None = None) -> Iterator[Problem]:
    """Yield problems of ``code``, ``rasa_action`` and ``action`` nodes (catalog checks only with a catalog)."""
    for node in flow.document.nodes:
        if node.kind == "code":
            yield from _code(node)
            yield from _outcomes(node.id, node.outcomes)
            yield from _hosts(node.id, node.allowed_hosts)
            if ("ok" in _connected(flow, node.id)) and ("next" in _connected(flow, node.id)):
                yield error(
                    "duplicate_exit", node.id, "Both 'ok' and the older 'next' exit are connected; keep only 'ok'."
                )
        elif node.kind == "rasa_action":
            if not node.server_url.strip():
                yield error("missing_server_url", node.id, "This Rasa action has no action server URL.")
            elif not node.server_url.startswith(("http://", "https://")):
                yield error("bad_server_url", node.id, "The action server URL must start with http:// or https://.")
            if not node.action.strip():
                yield error("missing_action", node.id, "This Rasa action node does not name an action.")
        elif node.kind == "action":
            yield from _outcomes(node.id, node.outcomes)
            yield from _action(node, catalog)


def _connected(flow: CompiledFlow, node_id: str) -> set[str]:
    return {handle for (source, handle) in flow.transitions if source == node_id}


def _code(node) -> Iterator[Problem]:
    if not node.code.strip():
        yield error("empty_code", node.id, "This code node has no code.")
        return
    try:
        codeapi.compile_code(node.code, f"<node {node.id}>")
    except SyntaxError as exc:
        yield error("code_syntax", node.id, f"Python syntax error on line {exc.lineno}: {exc.msg}.")


def _outcomes(node_id: str, outcomes: list[str]) -> Iterator[Problem]:
    seen: set[str] = set()
    for name in outcomes:
        if not OUTCOME.match(name):
            yield error(
                "bad_outcome",
                node_id,
                f"The outcome '{name}' must be a name of letters, digits and _ (up to 32, starting with a letter).",
            )
        elif name in RESERVED_HANDLES:
            yield error("bad_outcome", node_id, f"The outcome '{name}' is reserved; ok and error always exist.")
        elif name in seen:
            yield error("bad_outcome", node_id, f"The outcome '{name}' is declared twice.")
        seen.add(name)


def _hosts(node_id: str, hosts: list[str]) -> Iterator[Problem]:
    for entry in hosts:
        host, _ = parse_entry(entry)
        if "/" in entry or not HOST.match(host):
            yield error(
                "bad_host",
                node_id,
                f"'{entry}' is not a host name: write api.example.com, "
                "api.example.com:8443 or *.example.com (no http:// and no path).",
            )
    for entry in inward_entries(hosts):
        yield warning(
            "inward_host",
            node_id,
            f"'{entry}' points back at this server (loopback, 0.0.0.0, link-local or "
            "localhost): the code could call its internal services.",
        )


def _action(node, catalog: ActionCatalog | None) -> Iterator[Problem]:
    if not node.action.strip():
        yield error("missing_action", node.id, "This action node does not name a workspace action.")
        return
    if catalog is None:
        return
    definition = catalog.get(node.action)
    if definition is None:
        yield error("unknown_action", node.id, f"The action '{node.action}' does not exist in this workspace.")
        return
    for name in missing_required(definition, node.params):
        yield error(
            "missing_param", node.id, f"The action '{definition.name or definition.key}' needs the parameter '{name}'."
        )
    params = {p.name: p for p in definition.parameters}
    for name, value in node.params.items():
        param = params.get(name)
        if param is None:
            yield warning("unknown_param", node.id, f"The action has no parameter '{name}'; it is ignored.")
        elif param.type not in TYPES:
            continue
        elif not (isinstance(value, str) and PLACEHOLDER.search(value)) and value not in (None, ""):
            try:
                coerce(param, value)
            except ParamError as exc:
                yield error("bad_param", node.id, f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
    missing = [o for o in definition.outcomes if o not in node.outcomes]
    removed = [o for o in node.outcomes if o not in definition.outcomes]
    if missing or removed:
        yield warning(
            "outcomes_changed",
            node.id,
            f"The action's outcomes changed ({', '.join(definition.outcomes) or 'none'}); "
            "place the action again to update its exits.",
        )
