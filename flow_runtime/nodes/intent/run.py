"""``intent``: a recognised intent; records the topic for the related-topic fallback."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes.intent.schema import IntentNode
from flow_runtime.steps import Continue, Step, Updates


def run(node: IntentNode, ctx: NodeContext) -> Step:
    """Remember the intent and its topic, then follow ``next``."""
    return Continue("next", updates=Updates(session={"intent": node.id, "topic": node.topic}))
