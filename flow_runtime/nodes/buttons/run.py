"""``buttons``: a question with reply buttons, one exit per button."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes._choose import choose
from flow_runtime.nodes.buttons.schema import ButtonsNode
from flow_runtime.steps import Continue, NotForMe, Step, Wait


def run(node: ButtonsNode, ctx: NodeContext) -> Step:
    """Show the text and buttons, then wait."""
    items = [{"id": b.id, "label": ctx.render(b.label)} for b in node.buttons]
    return Wait(outputs=(out.buttons(ctx.render(node.text), items),))


def resume(node: ButtonsNode, ctx: NodeContext) -> Continue | NotForMe:
    """Follow the clicked or typed button."""
    return choose(node.id, node.handles(), ctx)
