"""Compile a flow document into a graph plus the lookup tables ``step`` needs in O(1)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from flow_runtime.matching import IntentEntry, IntentIndex, content_tokens
from flow_runtime.ports import ActionCatalog
from flow_runtime.problems import Problem
from flow_runtime.schema import FlowDocument, Node, Topic, load_document
from flow_runtime.text import normalize

log = logging.getLogger("flow_runtime.graph")


@dataclass(slots=True)
class CompiledFlow:
    """A flow ready to run, with its static-check findings.

    Attributes:
        document: The validated document.
        graph: ``MultiDiGraph`` of the nodes; edge key = source handle.
        nodes: Node models by id.
        transitions: ``(node_id, handle) -> target node id``.
        start_id: The start node, if any.
        fallback_id: The fallback node, if any.
        intents: Index the matcher reads.
        intent_ids: Intent node id by node id and by intent name (for ``go_to``).
        events: Event node ids by event type (inactivity ones sorted by minutes).
        button_owner: Node id owning each button / card-button id (for clicks on old messages).
        button_labels: ``(normalised label, button id)`` pairs per waiting node.
        entities: Entity lists as ``(value, synonyms)`` pairs by name.
        topics: Topics by id.
        problems: Everything the checks found.
    """

    document: FlowDocument
    graph: nx.MultiDiGraph
    nodes: dict[str, Node]
    transitions: dict[tuple[str, str], str]
    start_id: str | None
    fallback_id: str | None
    intents: IntentIndex
    intent_ids: dict[str, str]
    events: dict[str, list[str]]
    button_owner: dict[str, str]
    button_labels: dict[str, tuple[tuple[str, str], ...]]
    entities: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]
    topics: dict[str, Topic]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems that block publishing."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth fixing that do not block publishing."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """Whether the flow can be published (no errors)."""
        return not self.errors

    @property
    def constants(self) -> Mapping[str, Any]:
        """The flow's constants."""
        return self.document.constants


def compile(
    document: FlowDocument | Mapping[str, Any] | str | Path, *, actions: ActionCatalog | None = None
) -> CompiledFlow:
    """Build the graph and run every static check.

    Args:
        document: A validated document, or raw data accepted by ``load_document``.
        actions: The workspace's reusable actions, to check ``action`` nodes against (optional).

    Returns:
        The compiled flow; ``problems`` lists what the checks found (never raises for them).

    Raises:
        pydantic.ValidationError: Raw data that does not match the schema.
    """
    from flow_runtime.checks import run_checks

    doc = document if isinstance(document, FlowDocument) else load_document(document)  # type: ignore[arg-type]
    nodes: dict[str, Node] = {}
    for node in doc.nodes:
        nodes.setdefault(node.id, node)
    graph = nx.MultiDiGraph()
    for node in doc.nodes:
        graph.add_node(node.id, kind=node.kind)
    transitions: dict[tuple[str, str], str] = {}
    for edge in doc.edges:
        if edge.source in nodes and edge.target in nodes:
            graph.add_edge(edge.source, edge.target, key=edge.source_handle, edge_id=edge.id)
            transitions.setdefault((edge.source, edge.source_handle), edge.target)
    flow = CompiledFlow(
        document=doc,
        graph=graph,
        nodes=nodes,
        transitions=transitions,
        start_id=_first(doc.nodes, "start"),
        fallback_id=_first(doc.nodes, "fallback"),
        intents=_intent_index(doc),
        intent_ids=_intent_ids(doc),
        events=_events(doc),
        button_owner=_button_owner(doc),
        button_labels=_button_labels(doc),
        entities={e.name: tuple((v.value, tuple(v.synonyms)) for v in e.values) for e in doc.entities},
        topics={t.id: t for t in doc.topics},
    )
    flow.problems = run_checks(flow, actions)
    log.debug("flow.compiled", extra={"nodes": len(nodes), "problems": len(flow.problems)})
    return flow


def _first(nodes: Sequence[Node], kind: str) -> str | None:
    return next((n.id for n in nodes if n.kind == kind), None)


def _intent_index(doc: FlowDocument) -> IntentIndex:
    entries = []
    for node in doc.nodes:
        if node.kind != "intent":
            continue
        phrases = tuple(normalize(t) for t in node.triggers if normalize(t))
        entries.append(
            IntentEntry(
                node_id=node.id,
                name=node.name,
                topic=node.topic,
                phrases=phrases,
                token_sets=tuple(content_tokens(p) for p in phrases),
                suggestion=(node.suggestion or node.label or node.name.replace("_", " ").capitalize())[:20],
            )
        )
    return IntentIndex.build(entries)


def _intent_ids(doc: FlowDocument) -> dict[str, str]:
    ids: dict[str, str] = {}
    for node in doc.nodes:
        if node.kind == "intent":
            ids.setdefault(node.name, node.id)
    for node in doc.nodes:
        if node.kind == "intent":
            ids[node.id] = node.id
    return ids


def _events(doc: FlowDocument) -> dict[str, list[str]]:
    events: dict[str, list[str]] = {}
    for node in doc.nodes:
        if node.kind == "event":
            events.setdefault(node.event, []).append(node.id)
    if "inactivity" in events:
        minutes = {n.id: n.minutes or 0 for n in doc.nodes if n.kind == "event"}
        events["inactivity"].sort(key=lambda node_id: minutes[node_id])
    return events


def _button_owner(doc: FlowDocument) -> dict[str, str]:
    owner: dict[str, str] = {}
    for node in doc.nodes:
        if node.kind in ("buttons", "carousel"):
            for handle in node.handles():
                owner.setdefault(handle, node.id)
    return owner


def _button_labels(doc: FlowDocument) -> dict[str, tuple[tuple[str, str], ...]]:
    labels: dict[str, tuple[tuple[str, str], ...]] = {}
    for node in doc.nodes:
        if node.kind == "buttons":
            labels[node.id] = tuple((normalize(b.label), b.id) for b in node.buttons)
        elif node.kind == "carousel":
            pairs = []
            for card in node.cards:
                for button in card.buttons:
                    if button.url is None:
                        pairs.append((normalize(button.label), button.id))
                        pairs.append((normalize(card.title), button.id))
            labels[node.id] = tuple(pairs)
    return labels
