"""Node kinds the product does not offer yet: a flow that still has one loads, with a warning on the node."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from flow_runtime.problems import Problem, warning

if TYPE_CHECKING:
    from flow_runtime.graph import CompiledFlow

UNAVAILABLE: dict[str, str] = {
    "search": "The Search block is not available yet: it always takes its 'not found' exit. "
    "Remove it, or keep its 'not found' path as the answer.",
}
"""Kind -> why designers should not rely on it. ``search`` returns when it is rebuilt on the knowledge base."""


def check_availability(flow: CompiledFlow) -> Iterator[Problem]:
    """Yield a ``block_unavailable`` warning for each node of a kind in `UNAVAILABLE`."""
    for node in flow.document.nodes:
        if node.kind in UNAVAILABLE:
            yield warning("block_unavailable", node.id, UNAVAILABLE[node.kind])
