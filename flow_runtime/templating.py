"""``${name}`` templating over variables, constants, contact fields and system values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

PLACEHOLDER = re.compile(r"\$\{\s*([A-Za-z_][\w.]*)\s*\}")
_MISSING = object()


@dataclass(frozen=True, slots=True)
class Scope:
    """What a template can see. Lookup order: variables, constants, system, ``contact.*``."""

    variables: Mapping[str, Any]
    constants: Mapping[str, Any]
    contact: Mapping[str, Any]
    system: Mapping[str, Any]

    def lookup(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default`` when nothing defines it."""
        for source in (self.variables, self.constants, self.system):
            value = source.get(name, _MISSING)
            if value is not _MISSING:
                return value
        if name.startswith("contact."):
            return self.contact.get(name[8:], default)
        if "." in name:
            return _dig(self.variables.get(name.split(".", 1)[0], _MISSING), name.split(".")[1:], default)
        return default


def _dig(value: Any, path: list[str], default: Any) -> Any:
    for part in path:
        if isinstance(value, Mapping):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return default
    return default if value is _MISSING else value


def format_value(value: Any) -> str:
    """How a value looks inside a message (``45.0`` as ``45``, ``None`` as empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "sim" if value else "não"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    return str(value)


@lru_cache(maxsize=2048)
def _parts(template: str) -> tuple[tuple[str, str | None], ...]:
    parts: list[tuple[str, str | None]] = []
    last = 0
    for match in PLACEHOLDER.finditer(template):
        parts.append((template[last : match.start()], match.group(1)))
        last = match.end()
    parts.append((template[last:], None))
    return tuple(parts)


def render(template: str, scope: Scope) -> str:
    """Replace every ``${name}``; unknown names become empty text.

    Args:
        template: Text with placeholders.
        scope: Values to substitute.

    Returns:
        The rendered text.
    """
    if "${" not in template:
        return template
    return "".join(text + ("" if name is None else format_value(scope.lookup(name))) for text, name in _parts(template))


def render_value(value: Any, scope: Scope) -> Any:
    """Render strings inside any JSON value; a string that is exactly ``${x}`` keeps x's type."""
    if isinstance(value, str):
        match = PLACEHOLDER.fullmatch(value.strip())
        if match:
            return scope.lookup(match.group(1))
        return render(value, scope)
    if isinstance(value, list):
        return [render_value(v, scope) for v in value]
    if isinstance(value, dict):
        return {k: render_value(v, scope) for k, v in value.items()}
    return value


def referenced_names(value: Any) -> list[str]:
    """Every placeholder name used anywhere inside a JSON value."""
    if isinstance(value, str):
        return PLACEHOLDER.findall(value)
    if isinstance(value, list):
        return [n for v in value for n in referenced_names(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in referenced_names(v)]
    return []
