"""Developer extension kinds: inline ``code``, ``rasa_action`` (a Rasa SDK action server) and ``action``
(a reusable workspace action)."""

from __future__ import annotations

from typing import Any, Literal

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


class RasaActionNode(NodeBase):
    """Calls one action on a Rasa SDK action server; slot events set variables, responses are sent.

    Attributes:
        server_url: Base URL of the action server (``http://actions:5055``); ``/webhook`` is added.
        action: The action's name (``action_check_order``).
        timeout_seconds: How long to wait for the server.
    """

    kind: Literal["rasa_action"] = "rasa_action"
    server_url: str = ""
    action: str = ""
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    def handles(self) -> tuple[str, ...]:
        return ("ok", "error")


class ActionNode(NodeBase):
    """A reusable workspace action (``ActionDefinition`` in ``flow_runtime.ports``) with its parameters.

    Attributes:
        action: The definition's key.
        params: Parameter values; strings may hold ``${...}`` placeholders (rendered, then
            checked against the parameter's type when the node runs).
        outcomes: The definition's outcomes, copied when the node is placed so its exits are
            known without the catalog.
    """

    kind: Literal["action"] = "action"
    action: str = ""
    params: dict[str, Any] = Field(default_factory=dict)
    outcomes: list[str] = Field(default_factory=list)

    def handles(self) -> tuple[str, ...]:
        return ("ok", "error", *self.outcomes)
