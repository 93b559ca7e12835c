"""``archive``: archive the conversation."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.archive.schema import ArchiveNode
from flow_runtime.steps import End, Step, Updates


def run(node: ArchiveNode, ctx: NodeContext) -> Step:
    """Record the archive event, mark the session archived and stop."""
    return End(
        outputs=(out.event("flow.conversation.archived", node_id=node.id),),
        updates=Updates(session={"status": "archived"}),
    )
