"""``set_variable``: set one variable (strings are templated)."""

import copy

from flow_runtime.context import NodeContext
from flow_runtime.nodes.set_variable.schema import SetVariableNode
from flow_runtime.steps import Continue, Step, Updates


def run(node: SetVariableNode, ctx: NodeContext) -> Step:
    """Set the variable and follow ``next``."""
    value = ctx.render_value(node.value)
    if isinstance(value, (dict, list)):
        value = copy.deepcopy(value)
    return Continue("next", updates=Updates(variables={node.name: value}))
