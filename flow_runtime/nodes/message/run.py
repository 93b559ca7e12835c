"""``message``: templated text, optional media, optional delay before it."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.message.schema import MessageNode
from flow_runtime.steps import Continue, Step


def run(node: MessageNode, ctx: NodeContext) -> Step:
    """Emit a typing pause (when ``delay_seconds``), then the text or the media with the text as caption."""
    emitted = []
    if node.delay_seconds:
        emitted.append(out.typing(node.delay_seconds))
    template = ctx.ports.random.choice([node.text, *node.variants]) if node.variants else node.text
    text = ctx.render(template)
    if node.media is not None:
        emitted.append(
            out.media(node.media.type, ctx.render(node.media.url), caption=text or None, filename=node.media.filename)
        )
    else:
        emitted.append(out.text(text))
    return Continue("next", outputs=tuple(emitted))
