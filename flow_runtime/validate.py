"""Validation from raw data: schema errors and compiler problems as one list of ``Problem``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flow_runtime.graph import CompiledFlow, compile
from flow_runtime.ports import ActionCatalog
from flow_runtime.problems import Problem, error
from flow_runtime.schema import DocumentVersionError, FlowDocument, read_raw, upgrade


def _node_id(raw: dict[str, Any], loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] == "nodes" and isinstance(loc[1], int):
        nodes = raw.get("nodes") or []
        if loc[1] < len(nodes) and isinstance(nodes[loc[1]], dict):
            return nodes[loc[1]].get("id")
    return None


def schema_problems(raw: dict[str, Any], exc: ValidationError) -> list[Problem]:
    """Turn pydantic errors into designer-readable problems pointing at the node."""
    problems = []
    for item in exc.errors():
        loc = tuple(item["loc"])
        node_id = _node_id(raw, loc)
        where = ".".join(map(str, loc[3:] if node_id else loc))
        if item["type"] == "extra_forbidden":
            problems.append(error("unknown_field", node_id, f"Unknown field '{loc[-1]}'; check its spelling."))
        elif item["type"] in ("union_tag_invalid", "union_tag_not_found"):
            problems.append(error("unknown_kind", node_id, f"Unknown or missing node kind: {item['msg']}."))
        else:
            problems.append(error("schema", node_id, f"{where or 'document'}: {item['msg']}."))
    return problems


def validate_flow(
    data: FlowDocument | dict[str, Any] | str | Path, *, actions: ActionCatalog | None = None
) -> tuple[CompiledFlow | None, list[Problem]]:
    """Load and compile, never raising for bad input.

    Args:
        data: A document, a dict, a JSON string or a path.
        actions: The workspace's reusable actions; with it, ``action`` nodes naming an unknown
            action or missing required parameters are problems on the node.

    Returns:
        ``(compiled flow or None, problems)``; the flow is ``None`` when the document
        could not even be loaded (the problems then say why).
    """
    if isinstance(data, FlowDocument):
        flow = compile(data, actions=actions)
        return flow, list(flow.problems)
    try:
        raw = read_raw(data)
    except (OSError, json.JSONDecodeError) as exc:
        return None, [error("not_json", None, f"The file could not be read as JSON: {exc}.")]
    if not isinstance(raw, dict):
        return None, [error("schema", None, "A flow document must be a JSON object.")]
    try:
        document = FlowDocument.model_validate(upgrade(raw))
    except DocumentVersionError as exc:
        return None, [error("schema_version", None, str(exc))]
    except ValidationError as exc:
        return None, schema_problems(upgrade(raw), exc)
    flow = compile(document, actions=actions)
    return flow, list(flow.problems)
