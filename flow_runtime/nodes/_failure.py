"""Shared handling for actions that can fail (code, HTTP, e-mail)."""

from __future__ import annotations

from typing import Any

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.steps import Continue, End, Step


def failed(node: Any, ctx: NodeContext, name: str, message: str, **data: Any) -> Step:
    """Record an error event and take the ``error`` exit, or stop the path when it is not connected.

    Stopping (rather than following ``next``) keeps later nodes from running on missing
    data; the next user message is matched against intents as usual.
    """
    event = out.event(name, node_id=node.id, message=message, **data)
    if ctx.has_exit("error", node.id):
        return Continue("error", outputs=(event,))
    return End(outputs=(event,))
