"""Structural checks: entry nodes, edges and handles, reachability, dead ends, busy loops."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

import networkx as nx

from flow_runtime.problems import Problem, error, warning

if TYPE_CHECKING:
    from flow_runtime.graph import CompiledFlow

_ERROR_HANDLE_KINDS = ("code", "rasa_action", "action", "http_request", "send_email")


def check_structure(flow: CompiledFlow) -> Iterator[Problem]:
    """Yield structural problems."""
    yield from _entries(flow)
    yield from _edges(flow)
    yield from _reachability(flow)
    yield from _dead_ends(flow)
    yield from _busy_loops(flow)


def _entries(flow: CompiledFlow) -> Iterator[Problem]:
    kinds = Counter(n.kind for n in flow.document.nodes)
    if kinds["start"] == 0:
        yield error("missing_start", None, "The flow has no start node: new conversations have nowhere to begin.")
    elif kinds["start"] > 1:
        for node in flow.document.nodes:
            if node.kind == "start" and node.id != flow.start_id:
                yield error("multiple_start", node.id, "A flow has exactly one start node; remove this one.")
    if kinds["fallback"] == 0:
        yield error(
            "missing_fallback",
            None,
            "The flow has no fallback node: the bot cannot answer what it does not understand.",
        )
    elif kinds["fallback"] > 1:
        for node in flow.document.nodes:
            if node.kind == "fallback" and node.id != flow.fallback_id:
                yield error("multiple_fallback", node.id, "A flow has exactly one fallback node; remove this one.")
    seen: set[str] = set()
    for node in flow.document.nodes:
        if node.id in seen:
            yield error(
                "duplicate_node_id", node.id, f"Two nodes share the id '{node.id}'; every node needs its own id."
            )
        seen.add(node.id)


def _edges(flow: CompiledFlow) -> Iterator[Problem]:
    used: set[tuple[str, str]] = set()
    for edge in flow.document.edges:
        source = flow.nodes.get(edge.source)
        if source is None or edge.target not in flow.nodes:
            missing = edge.source if source is None else edge.target
            yield error(
                "dangling_edge",
                edge.source if source else None,
                f"A connection points to the node '{missing}', which does not exist.",
                edge_id=edge.id,
            )
            continue
        if edge.source_handle not in source.handles():
            yield error(
                "unknown_handle",
                source.id,
                f"A connection leaves from '{edge.source_handle}', which this {source.kind} node does not have.",
                edge_id=edge.id,
            )
        key = (edge.source, edge.source_handle)
        if key in used:
            yield error(
                "duplicate_exit",
                source.id,
                f"The exit '{edge.source_handle}' has more than one connection; keep only one.",
                edge_id=edge.id,
            )
        used.add(key)


def _successors(flow: CompiledFlow, node_id: str) -> list[str]:
    node = flow.nodes[node_id]
    targets = [flow.transitions[(node_id, h)] for h in node.handles() if (node_id, h) in flow.transitions]
    if node.kind == "go_to" and node.intent in flow.intent_ids:
        targets.append(flow.intent_ids[node.intent])
    return targets


def _reachability(flow: CompiledFlow) -> Iterator[Problem]:
    roots = [n.id for n in flow.nodes.values() if n.entry]
    reached = set(roots)
    stack = list(roots)
    while stack:
        for target in _successors(flow, stack.pop()):
            if target not in reached:
                reached.add(target)
                stack.append(target)
    for node_id, _node in flow.nodes.items():
        if node_id not in reached:
            yield warning(
                "unreachable", node_id, "No path leads to this node, so it never runs. Connect it or delete it."
            )


def _dead_ends(flow: CompiledFlow) -> Iterator[Problem]:
    for node_id, node in flow.nodes.items():
        missing = [h for h in node.handles() if (node_id, h) not in flow.transitions]
        if node.entry and "next" in missing:
            yield warning(
                "dead_end", node_id, f"This {node.kind} leads nowhere: connect its exit to what the bot should do."
            )
        elif node.kind in ("buttons", "carousel"):
            for handle in missing:
                yield warning(
                    "dead_end",
                    node_id,
                    f"The button '{handle}' is not connected: a user who presses it gets no answer.",
                )
        elif node.kind == "question" and "valid" in missing:
            yield warning("dead_end", node_id, "A valid answer leads nowhere: connect the 'valid' exit.")
        elif node.kind in _ERROR_HANDLE_KINDS and "error" in missing:
            yield warning(
                "no_error_path",
                node_id,
                "If this step fails the conversation stops here silently; connect the 'error' exit.",
            )


def _busy_loops(flow: CompiledFlow) -> Iterator[Problem]:
    busy = nx.DiGraph()
    for node_id, node in flow.nodes.items():
        if node.stops_for_input():
            continue
        busy.add_node(node_id)
        for target in _successors(flow, node_id):
            if not flow.nodes[target].stops_for_input():
                busy.add_edge(node_id, target)
    for component in nx.strongly_connected_components(busy):
        if len(component) == 1:
            (only,) = component
            if not busy.has_edge(only, only):
                continue
        members = sorted(component)
        names = ", ".join(members)
        if any(flow.nodes[m].kind == "condition" for m in members):
            yield warning(
                "loop_may_not_wait",
                members[0],
                f"These nodes form a loop that never waits for the user ({names}); make sure a condition ends it.",
            )
        else:
            yield error(
                "loop_without_wait",
                members[0],
                f"These nodes form an endless loop that never waits for the user ({names}).",
            )
