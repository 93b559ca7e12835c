"""Parameters of reusable actions: coercing a node's (rendered) values to the definition's types."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from flow_runtime.ports import ActionDefinition, ActionParameter

TYPES = ("text", "number", "boolean", "json")
_TRUE = {"true", "yes", "sim", "sí", "si", "1", "on"}
_FALSE = {"false", "no", "não", "nao", "0", "off"}


class ParamError(ValueError):
    """A missing or badly typed parameter; the message names it."""


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def coerce(param: ActionParameter, value: Any) -> Any:
    """``value`` as ``param.type``.

    Raises:
        ParamError: The value cannot be read as that type.
    """
    kind = param.type
    if kind == "text":
        if isinstance(value, (dict, list)):
            raise ParamError(f"parameter {param.name} must be text, got {type(value).__name__}")
        return value if isinstance(value, str) else json.dumps(value) if isinstance(value, bool) else str(value)
    if kind == "number":
        if isinstance(value, bool):
            raise ParamError(f"parameter {param.name} must be a number, got a boolean")
        if isinstance(value, (int, float)):
            return value
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ParamError(f"parameter {param.name} must be a number, got {str(value)[:40]!r}") from None
        if not math.isfinite(number):
            raise ParamError(f"parameter {param.name} must be a finite number")
        return int(number) if number.is_integer() and "." not in str(value) and "," not in str(value) else number
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ParamError(f"parameter {param.name} must be true or false, got {str(value)[:40]!r}")
    if kind == "json":
        try:
            return json.loads(json.dumps(value))
        except (TypeError, ValueError):
            raise ParamError(f"parameter {param.name} must be a JSON value") from None
    raise ParamError(f"parameter {param.name} has an unknown type {kind!r}")


def resolve_params(definition: ActionDefinition, given: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters the action receives: given values (else defaults), coerced; unknown names dropped.

    Raises:
        ParamError: A required parameter is missing or a value has the wrong type.
    """
    resolved: dict[str, Any] = {}
    for param in definition.parameters:
        value = given.get(param.name)
        if _empty(value):
            if not _empty(param.default):
                value = param.default
            elif param.required:
                raise ParamError(f"parameter {param.name} is required")
            else:
                resolved[param.name] = None
                continue
        resolved[param.name] = coerce(param, value)
    return resolved


def missing_required(definition: ActionDefinition, given: Mapping[str, Any]) -> list[str]:
    """Required parameters with neither a value on the node nor a default (design-time check)."""
    return [p.name for p in definition.parameters if p.required and _empty(given.get(p.name)) and _empty(p.default)]
