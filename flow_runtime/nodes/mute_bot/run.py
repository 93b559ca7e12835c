"""``mute_bot``: silence the bot for a while (or until the app unmutes it)."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.mute_bot.schema import MuteBotNode
from flow_runtime.steps import Continue, Step, Updates


def run(node: MuteBotNode, ctx: NodeContext) -> Step:
    """Mark the session muted and follow ``next``."""
    until = ctx.now.timestamp() + node.minutes * 60 if node.minutes else None
    return Continue(
        "next",
        outputs=(out.event("flow.bot.muted", node_id=node.id, until=until),),
        updates=Updates(session={"muted": True, "muted_until": until}),
    )
