"""The ``code`` node's data: sandboxed Python, its outcomes and the hosts it may call."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class CodeNode(NodeBase):
    """Sandboxed Python; exits ``ok``, ``error`` or one of its declared ``outcomes``.

    The code runs as the body of a function, so ``return "outcome"`` works; it sees a ``flow``
    object (``flow.vars``, ``flow.tags``, ``flow.contact``, ``flow.constants``, ``flow.params``,
    ``flow.say()``, ``flow.http``; see ``flow_runtime.codeapi``) and, as before, the
    ``variables`` dict. Documents drawn before outcomes existed connect ``next``: it is
    followed when ``ok`` is not connected.

    Attributes:
        code: Python source.
        timeout_seconds: Wall-clock limit of the run (CPU time is limited to the same).
        outcomes: Named exits besides ``ok`` and ``error`` (identifiers, e.g. ``vip``).
        allowed_hosts: Hosts ``flow.http`` may call (``api.example.com``, ``host:8443``,
            ``*.example.com``), besides the runner-wide list.
    """

    kind: Literal["code"] = "code"
    language: Literal["python"] = "python"
    code: str = ""
    timeout_seconds: float = Field(default=3.0, gt=0, le=30)
    outcomes: list[str] = Field(default_factory=list)
    allowed_hosts: list[str] = Field(default_factory=list)

    def handles(self) -> tuple[str, ...]:
        return ("ok", "error", *self.outcomes, "next")


MODEL = CodeNode
ORDER = 150
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
