"""``tag``: add and remove contact tags."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes.tag.schema import TagNode
from flow_runtime.steps import Continue, Step, Updates


def run(node: TagNode, ctx: NodeContext) -> Step:
    """Change the tags and follow ``next``."""
    add = tuple(ctx.render(t) for t in node.add)
    remove = tuple(ctx.render(t) for t in node.remove)
    return Continue("next", updates=Updates(add_tags=add, remove_tags=remove))
