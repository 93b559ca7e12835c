"""``media``: one attachment."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.media.schema import MediaNode
from flow_runtime.steps import Continue, Step


def run(node: MediaNode, ctx: NodeContext) -> Step:
    """Emit the attachment and follow ``next``."""
    caption = ctx.render(node.caption) if node.caption else None
    return Continue(
        "next", outputs=(out.media(node.type, ctx.render(node.url), caption=caption, filename=node.filename),)
    )
