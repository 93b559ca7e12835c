"""The ``code`` kind in the studio: a commented example when dropped; the card shows the first line of code and
every exit is labelled (the outcomes the designer named)."""

from __future__ import annotations

from typing import Any

from flowstudio.nodes.registry import StudioKind, Translate, clip


def lines(raw: dict[str, Any], t: Translate) -> list[str]:
    """The first line of code that is not blank."""
    first = next((line for line in (raw.get("code") or "").splitlines() if line.strip()), "")
    return [clip(first, 60)]


STUDIO = StudioKind(
    "code",
    "act",
    "code",
    defaults=lambda document, lang: {
        "language": "python",
        "code": "# flow.vars['total'] = 10\n# flow.say('Olá!')\n# return 'ok'\n",
        "outcomes": [],
        "allowed_hosts": [],
    },
    lines=lines,
    named_exits=True,
    texts=("code_actions.help", "code_actions.outcomes", "code_actions.allowed_hosts"),
)
