"""``send_email``: send a templated e-mail through the e-mail port."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes._failure import failed
from flow_runtime.nodes.send_email.schema import SendEmailNode
from flow_runtime.steps import Continue, Step


def run(node: SendEmailNode, ctx: NodeContext) -> Step:
    """Send; exit ``next``, or ``error`` when sending fails."""
    try:
        ctx.ports.email.send(
            to=ctx.render(node.to),
            subject=ctx.render(node.subject),
            body=ctx.render(node.body),
            cc=[ctx.render(c) for c in node.cc],
        )
    except Exception as exc:  # adapter failure becomes a flow error event
        return failed(node, ctx, "flow.email.error", str(exc) or type(exc).__name__)
    return Continue("next")
