"""``action``: a reusable workspace action (``ActionCatalog`` port) run with the node's parameters."""

import logging

from flow_runtime.action_params import ParamError, resolve_params
from flow_runtime.context import NodeContext
from flow_runtime.nodes._code_run import run_code
from flow_runtime.nodes._failure import failed
from flow_runtime.nodes._rasa import call_action
from flow_runtime.nodes.action.schema import ActionNode
from flow_runtime.steps import Step

log = logging.getLogger("flow_runtime.nodes.action")


def run(node: ActionNode, ctx: NodeContext) -> Step:
    """Look the action up, render and check the parameters, then run its code or call its Rasa server.

    Python actions get the parameters as ``flow.params`` and may follow the outcomes the node
    copied from the definition; Rasa actions exit ``ok``/``error``.
    """
    definition = ctx.ports.actions.get(node.action)
    if definition is None:
        return failed(
            node,
            ctx,
            "flow.action.error",
            f"the action '{node.action}' does not exist in this workspace",
            error="unknown_action",
        )
    try:
        params = resolve_params(definition, ctx.render_value(dict(node.params)))
    except ParamError as exc:
        return failed(node, ctx, "flow.action.error", str(exc), error="bad_params")
    log.debug("flow.action.run", extra={"node_id": node.id, "action": definition.key})
    if definition.flavour == "rasa":
        return call_action(
            node,
            ctx,
            server_url=definition.server_url,
            action=definition.rasa_action or definition.key,
            timeout=definition.timeout,
        )
    outcomes = [o for o in node.outcomes if o in definition.outcomes]
    return run_code(
        node,
        ctx,
        code=definition.code,
        timeout=definition.timeout,
        outcomes=outcomes,
        allowed_hosts=definition.allowed_hosts,
        params=params,
    )
