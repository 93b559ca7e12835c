"""``condition``: the first branch whose rules hold, else ``else``."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes.condition.schema import ConditionNode
from flow_runtime.rules import rules_hold
from flow_runtime.steps import Continue, Step


def run(node: ConditionNode, ctx: NodeContext) -> Step:
    """Follow the first matching branch's handle."""
    rule_ctx = ctx.rules()
    for branch in node.branches:
        if rules_hold(branch.rules, branch.match, rule_ctx):
            return Continue(branch.id)
    return Continue("else")
