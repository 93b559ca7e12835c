"""``{{secret.NAME}}`` in outgoing HTTP headers and URLs: substituted at the last moment, scrubbed from messages.

Secrets are not template variables (``${...}``): they never enter the session, outputs, events or
error messages. Only the request that leaves the server carries their values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from flow_runtime.ports import Secrets

SECRET = re.compile(r"\{\{\s*secret\.([A-Za-z_][\w-]*)\s*\}\}")
MASK = "***"


class MissingSecret(LookupError):
    """A ``{{secret.NAME}}`` whose name the workspace does not define."""

    def __init__(self, name: str) -> None:
        super().__init__(f"secret {name} is not defined")
        self.name = name


def names(text: str) -> list[str]:
    """Secret names referenced in ``text``."""
    return SECRET.findall(text)


def substitute(text: str, secrets: Secrets, used: list[str]) -> str:
    """``text`` with every ``{{secret.NAME}}`` replaced by its value; values are appended to ``used``.

    Raises:
        MissingSecret: A referenced name is not defined.
    """
    if "{{" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        found = secrets.get(match.group(1))
        if found is None:
            raise MissingSecret(match.group(1))
        used.append(found)
        return found

    return SECRET.sub(value, text)


def render_with_secrets(template: str, render: Callable[[str], str], secrets: Secrets, used: list[str]) -> str:
    """Render ``${...}`` in ``template`` and substitute its ``{{secret.NAME}}``, in one pass.

    Only the designer's own text can name a secret: a variable whose value is ``{{secret.X}}``
    (typed by a user, say) stays literal text.

    Raises:
        MissingSecret: A referenced name is not defined.
    """
    pieces = SECRET.split(template)
    rendered = []
    for i, piece in enumerate(pieces):
        if i % 2:
            found = secrets.get(piece)
            if found is None:
                raise MissingSecret(piece)
            used.append(found)
            rendered.append(found)
        else:
            rendered.append(render(piece))
    return "".join(rendered)


def substitute_headers(headers: Mapping[str, str], secrets: Secrets, used: list[str]) -> dict[str, str]:
    """Headers with their values' secrets substituted (names are left as they are)."""
    return {name: substitute(str(v), secrets, used) for name, v in headers.items()}


def scrub(text: str, values: Iterable[str]) -> str:
    """``text`` with any secret value masked (for error messages and logs)."""
    for value in sorted({v for v in values if v}, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text
