"""``code``: sandboxed Python over ``variables`` through the code port."""

import logging

from flow_runtime.context import NodeContext
from flow_runtime.nodes._failure import failed
from flow_runtime.schema import CodeNode
from flow_runtime.steps import Continue, Step, Updates

log = logging.getLogger("flow_runtime.nodes.code")


def run(node: CodeNode, ctx: NodeContext) -> Step:
    """Run the code; on success the variables it leaves become the session's variables."""
    result = ctx.ports.code.run(code=node.code, variables=dict(ctx.session.variables), timeout=node.timeout_seconds)
    if not result.ok:
        log.info("flow.code.error", extra={"node_id": node.id, "error": result.error})
        return failed(node, ctx, "flow.code.error", result.message, error=result.error)
    return Continue("next", updates=Updates(session={"variables": dict(result.variables)}))
