"""``code``: sandboxed Python through the code port; exits ``ok``, ``error`` or a declared outcome.

What the code sees (``flow.vars``, ``flow.say``, ``flow.http``, ``return "outcome"``...) is documented
in ``flow_runtime.codeapi``.
"""

from flow_runtime.context import NodeContext
from flow_runtime.nodes._code_run import run_code
from flow_runtime.nodes.code.schema import CodeNode
from flow_runtime.steps import Step


def run(node: CodeNode, ctx: NodeContext) -> Step:
    """Run the node's code with its outcomes and allowed hosts."""
    return run_code(
        node,
        ctx,
        code=node.code,
        timeout=node.timeout_seconds,
        outcomes=node.outcomes,
        allowed_hosts=node.allowed_hosts,
    )
