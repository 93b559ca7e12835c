"""Build flows from small inline dicts and play event sequences: for tests and the emulator."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flow_runtime.engine import StepResult, step
from flow_runtime.graph import CompiledFlow, compile
from flow_runtime.ports import Ports
from flow_runtime.session import Event, Session, new_session
from flow_runtime.testing.fakes import fake_ports

EdgeSpec = tuple[str, str] | tuple[str, str, str]


def make_doc(nodes: Sequence[dict[str, Any]], edges: Iterable[EdgeSpec] = (), **extra: Any) -> dict[str, Any]:
    """A raw document; adds ``start`` and ``fallback`` nodes unless given.

    Args:
        nodes: Node dicts.
        edges: ``(source, target)`` for the ``next`` handle, or ``(source, handle, target)``.
        **extra: Other top-level fields (``bot``, ``constants``, ``topics``, ``entities``).
    """
    nodes = list(nodes)
    kinds = {n.get("kind") for n in nodes}
    if "start" not in kinds:
        nodes.insert(0, {"id": "start", "kind": "start"})
    if "fallback" not in kinds:
        nodes.append({"id": "fallback", "kind": "fallback"})
    edge_list = []
    for i, spec in enumerate(edges):
        source, handle, target = (spec[0], "next", spec[1]) if len(spec) == 2 else spec
        edge_list.append({"id": f"e{i}", "source": source, "source_handle": handle, "target": target})
    return {"schema_version": 1, "nodes": nodes, "edges": edge_list, **extra}


def make_flow(nodes: Sequence[dict[str, Any]], edges: Iterable[EdgeSpec] = (), **extra: Any) -> CompiledFlow:
    """Compile a flow from inline node dicts and edge tuples (see ``make_doc``)."""
    return compile(make_doc(nodes, edges, **extra))


def as_event(item: str | Event | tuple[str, str]) -> Event:
    """``"text"`` is a message, ``("click", id)`` a click, an ``Event`` stays as is."""
    if isinstance(item, Event):
        return item
    if isinstance(item, tuple):
        return Event.click(item[1])
    return Event.message(item)


def converse(
    flow: CompiledFlow,
    *items: str | Event | tuple[str, str],
    ports: Ports | None = None,
    session: Session | None = None,
) -> list[StepResult]:
    """Run events in order from a new (or given) session and return every turn's result."""
    ports = ports or fake_ports()
    current = session or new_session()
    results = []
    for item in items:
        result = step(flow, current, as_event(item), ports)
        results.append(result)
        current = result.session
    return results


def visible(result: StepResult) -> list[dict[str, Any]]:
    """The outputs a user sees (no events, typing or delays)."""
    return [o for o in result.outputs if o["type"] not in ("event", "typing", "delay")]


def texts(result: StepResult) -> list[str]:
    """The ``text`` of every text output."""
    return [o["text"] for o in result.outputs if o["type"] == "text"]


def event_names(result: StepResult) -> list[str]:
    """Names of the event outputs."""
    return [o["name"] for o in result.outputs if o["type"] == "event"]
