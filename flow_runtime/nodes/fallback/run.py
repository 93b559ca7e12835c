"""``fallback``: not understood."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes.fallback.schema import FallbackNode
from flow_runtime.steps import Continue, Step


def run(node: FallbackNode, ctx: NodeContext) -> Step:
    """Follow ``next``."""
    return Continue("next")
