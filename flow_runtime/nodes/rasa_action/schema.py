"""The ``rasa_action`` node's data: one action on a Rasa SDK action server."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


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


MODEL = RasaActionNode
ORDER = 160
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
