"""Schema upgrades and the loader that applies them before validation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flow_runtime.schema.document import CURRENT_SCHEMA_VERSION, FlowDocument

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
UPGRADES: dict[int, Upgrade] = {}
"""Maps version N to the function turning a version-N document into version N+1."""


class DocumentVersionError(ValueError):
    """The document is newer than this runtime or has no upgrade path."""


def register_upgrade(from_version: int) -> Callable[[Upgrade], Upgrade]:
    """Register the function upgrading documents of ``from_version`` to the next version.

    Args:
        from_version: The version the function accepts.

    Returns:
        A decorator that records the function and returns it unchanged.
    """

    def decorator(func: Upgrade) -> Upgrade:
        UPGRADES[from_version] = func
        return func

    return decorator


def upgrade(
    data: dict[str, Any], *, target: int = CURRENT_SCHEMA_VERSION, registry: dict[int, Upgrade] | None = None
) -> dict[str, Any]:
    """Bring a raw document up to ``target`` by chaining registered upgrades.

    Documents without ``schema_version`` are version 0 (a raw canvas export).

    Args:
        data: The raw document; it is not modified.
        target: The version wanted.
        registry: Upgrade functions to use (defaults to ``UPGRADES``).

    Returns:
        A new dict at version ``target``.

    Raises:
        DocumentVersionError: The document is newer than ``target`` or a step is missing.
    """
    registry = UPGRADES if registry is None else registry
    version = data.get("schema_version", 0)
    if not isinstance(version, int) or version < 0:
        raise DocumentVersionError(f"schema_version must be a non-negative integer, got {version!r}")
    if version > target:
        raise DocumentVersionError(
            f"this flow uses schema version {version}, newer than this runtime supports ({target})"
        )
    current = json.loads(json.dumps(data))
    while version < target:
        if version not in registry:
            raise DocumentVersionError(f"no upgrade from schema version {version}")
        current = registry[version](current)
        version += 1
        current["schema_version"] = version
    return current


@register_upgrade(0)
def _from_canvas_export(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0: a raw React Flow export (``type``/``data`` on nodes, ``sourceHandle`` on edges)."""
    nodes = []
    for node in data.get("nodes", []):
        node = dict(node)
        payload = node.pop("data", None) or {}
        if "kind" not in node and "type" in node:
            node["kind"] = node.pop("type")
        for key, value in payload.items():
            node.setdefault(key, value)
        for key in ("width", "height", "selected", "dragging", "positionAbsolute"):
            if key in node:
                node.setdefault("ui", {})[key] = node.pop(key)
        nodes.append(node)
    edges = []
    for edge in data.get("edges", []):
        edge = dict(edge)
        if "sourceHandle" in edge:
            edge["source_handle"] = edge.pop("sourceHandle") or "next"
        for key in ("targetHandle", "type", "animated", "selected", "style", "markerEnd", "label"):
            if key in edge:
                edge.setdefault("ui", {})[key] = edge.pop(key)
        edges.append(edge)
    return {**data, "nodes": nodes, "edges": edges}


def read_raw(data: dict[str, Any] | str | Path) -> dict[str, Any]:
    """Turn a dict, a JSON string or a path to a JSON file into a raw dict."""
    if isinstance(data, Path):
        return json.loads(data.read_text(encoding="utf-8"))
    if isinstance(data, str):
        return json.loads(data)
    return data


def load_document(data: dict[str, Any] | str | Path) -> FlowDocument:
    """Read, upgrade and validate a flow document.

    Args:
        data: A dict, a JSON string, or a ``Path`` to a JSON file.

    Returns:
        The validated document at the current schema version.

    Raises:
        DocumentVersionError: The version is unsupported.
        pydantic.ValidationError: The document does not match the schema.
        json.JSONDecodeError: The text is not JSON.
    """
    return FlowDocument.model_validate(upgrade(read_raw(data)))
