"""``wait``: a delay before what follows, or a pause until the user writes anything."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.wait.schema import WaitNode
from flow_runtime.steps import Continue, NotForMe, Step, Updates, Wait


def run(node: WaitNode, ctx: NodeContext) -> Step:
    """Emit a delay and continue, or wait for input."""
    if node.mode == "input":
        return Wait()
    return Continue("next", outputs=(out.delay(node.seconds),) if node.seconds else ())


def resume(node: WaitNode, ctx: NodeContext) -> Step | NotForMe:
    """Any text (or location) continues; ``save_as`` keeps the text."""
    event = ctx.event
    if event is None or event.type not in ("text", "location"):
        return NotForMe("not input")
    variables = {node.save_as: event.text or dict(event.data)} if node.save_as else {}
    return Continue("next", updates=Updates(variables=variables))
