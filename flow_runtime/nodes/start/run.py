"""``start``: where every new session begins."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes.start.schema import StartNode
from flow_runtime.steps import Continue, Step


def run(node: StartNode, ctx: NodeContext) -> Step:
    """Follow ``next``."""
    return Continue("next")
