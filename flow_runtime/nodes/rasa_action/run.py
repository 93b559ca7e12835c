"""``rasa_action``: call an action on a Rasa SDK action server (protocol in ``nodes/_rasa.py``)."""

from flow_runtime.context import NodeContext
from flow_runtime.nodes._rasa import call_action
from flow_runtime.nodes.rasa_action.schema import RasaActionNode
from flow_runtime.steps import Step


def run(node: RasaActionNode, ctx: NodeContext) -> Step:
    """Slot events set variables, responses are sent, ``ok``; any failure takes ``error``."""
    return call_action(node, ctx, server_url=node.server_url, action=node.action, timeout=node.timeout_seconds)
