"""``event``: inactivity, media or location received."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes.event.schema import EventNode
from flow_runtime.steps import Continue, Step, Updates


def run(node: EventNode, ctx: NodeContext) -> Step:
    """Save the received media URL or location as ``last_<event>`` and follow ``next``."""
    event = ctx.event
    if event is None or not event.data or node.event == "inactivity":
        return Continue("next")
    value = dict(event.data) if node.event == "location" else event.data.get("url")
    return Continue("next", updates=Updates(variables={f"last_{node.event}": value}))
