"""The inspector's view of a node: its fields as strings, and the dotted-path edits the inputs make."""

from __future__ import annotations

import json
from typing import Any

from flowstudio.nodes.registry import numeric_fields


def coerce(path: str, value: Any) -> Any:
    """Numbers typed in text boxes become numbers (the number fields of the kinds' models); an emptied optional
    number becomes None."""
    leaf = path.rsplit(".", 1)[-1]
    if leaf in numeric_fields() and isinstance(value, str):
        value = value.strip().replace(",", ".")
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            return value  # left as typed: the compiler marks it
        return int(number) if number.is_integer() else number
    if (path in {"save_as", "retry_text", "label", "fallback_text"} or leaf in {"subtitle", "image"}) and value == "":
        return None
    return value


def lookup(node: dict[str, Any], path: str) -> Any:
    current: Any = node
    for part in path.split("."):
        current = current[int(part)] if isinstance(current, list) else current.setdefault(part, {})
    return current


def assign(node: dict[str, Any], path: str, value: Any) -> None:
    parent_path, _, leaf = path.rpartition(".")
    parent = lookup(node, parent_path) if parent_path else node
    if isinstance(parent, list):
        parent[int(leaf)] = value
    elif value is None:
        parent.pop(leaf, None)
    else:
        parent[leaf] = value


def as_text(value: Any) -> str:
    """A field value as the text an input shows (numbers without a trailing .0, objects as JSON)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def inspector_form(node: dict[str, Any]) -> dict[str, str]:
    """The selected node's editable fields as strings (what the inspector's inputs show)."""
    if not node:
        return {}
    plain = (
        "text",
        "label",
        "name",
        "topic",
        "save_as",
        "retry_text",
        "max_retries",
        "url",
        "method",
        "to",
        "subject",
        "body",
        "code",
        "value",
        "intent",
        "event",
        "minutes",
        "seconds",
        "mode",
        "delay_seconds",
        "type",
        "caption",
        "query",
        "source",
        "note",
        "timeout_seconds",
        "language",
        "fallback_text",
        "server_url",
        "action",
    )
    form = {key: as_text(node.get(key)) for key in plain}
    spec = node.get("input") or {}
    form.update(
        {
            f"input.{key}": as_text(spec.get(key))
            for key in ("type", "min", "max", "min_length", "max_length", "format", "entity", "pattern")
        }
    )
    form["input.options"] = "\n".join(
        o.get("value", "") if isinstance(o, dict) else str(o) for o in spec.get("options", [])
    )
    target = node.get("to") if isinstance(node.get("to"), dict) else {}
    form["first_message"] = as_text(node.get("first_message") or "match") if node.get("kind") == "start" else ""
    form["assign_target"] = next((k for k, v in target.items() if v), "queue")
    form["assign_value"] = as_text(next((v for v in target.values() if v), ""))
    form["tags_add"] = "\n".join(node.get("add", []) or [])
    form["tags_remove"] = "\n".join(node.get("remove", []) or [])
    form["variants"] = "\n".join(node.get("variants", []) or [])
    form["parameters"] = "\n".join(str(p) for p in node.get("parameters", []) or [])
    form["outcomes"] = "\n".join(str(o) for o in node.get("outcomes", []) or [])
    form["allowed_hosts"] = "\n".join(str(h) for h in node.get("allowed_hosts", []) or [])
    return form
