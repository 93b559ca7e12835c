"""``go_to``: jump to an intent."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.go_to.schema import GoToNode
from flow_runtime.steps import End, GoTo, Step


def run(node: GoToNode, ctx: NodeContext) -> Step:
    """Jump to the intent named by id or name; a missing one ends the path with an error event."""
    target = ctx.flow.intent_ids.get(node.intent)
    if target is None:
        return End(outputs=(out.event("flow.go_to.unknown_intent", node_id=node.id, intent=node.intent),))
    return GoTo(target)
