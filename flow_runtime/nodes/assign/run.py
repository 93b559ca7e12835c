"""``assign``: hand the conversation to a queue, an agent or another bot."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.assign.schema import AssignNode
from flow_runtime.steps import Handoff, Step


def run(node: AssignNode, ctx: NodeContext) -> Step:
    """Emit the hand-off; the engine records the new owner and stops."""
    kind, target = next((k, v) for k, v in node.to.model_dump().items() if v is not None)
    target = ctx.render(target)
    owner_kind = "other_bot" if kind == "bot" else kind
    return Handoff(owner_kind=owner_kind, owner_id=target, outputs=(out.handoff(**{kind: target}),))
