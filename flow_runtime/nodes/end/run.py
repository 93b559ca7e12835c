"""``end``: stop the path."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes.end.schema import EndNode
from flow_runtime.steps import End, Step


def run(node: EndNode, ctx: NodeContext) -> Step:
    """Stop."""
    return End()
