"""Edits of a flow document, as pure functions on plain dicts (the JSON the canvas, the API and the DB share).

Every function returns a new document and leaves its input untouched, so the editor can keep the old one
for undo. Ids are generated here so the canvas never invents data the engine does not know.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

import networkx as nx

from flowstudio.errors import Invalid
from flowstudio.i18n import DEFAULT_LANGUAGE
from flowstudio.nodes import registry as nodes
from flowstudio.nodes.items import new_id
from flowstudio.services.studio.flow_view import node_handles

SINGLETON_KINDS = nodes.singleton_kinds()
ENTRY_KINDS = nodes.entry_kinds()
LAYOUT_X, LAYOUT_Y = 300, 170


class EditError(Invalid):
    """An edit that would break the document; the key says why (shown to the designer)."""


def node_defaults(kind: str, document: dict[str, Any], *, lang: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """Kind-specific fields of a freshly dropped node, labelled in the UI language: valid where a sensible
    default exists, else empty so the canvas marks what the designer must fill in (each kind's ``StudioKind``)."""
    spec = nodes.STUDIO.get(kind)
    return spec.defaults(document, lang) if spec else {}


def _nodes_by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {node["id"]: node for node in document.get("nodes", [])}


def add_node(
    document: dict[str, Any], *, kind: str, position: dict[str, float], lang: str = DEFAULT_LANGUAGE
) -> tuple[dict[str, Any], str]:
    """A new node of `kind` at `position`, its defaults in `lang`; returns the document and the node id.

    Raises:
        EditError: a second `start` or `fallback`.
    """
    if kind in SINGLETON_KINDS and any(n.get("kind") == kind for n in document.get("nodes", [])):
        raise EditError("errors.edit.single_node", kind=kind)
    doc = copy.deepcopy(document)
    node_id = new_id(kind)
    doc.setdefault("nodes", []).append(
        {
            "id": node_id,
            "kind": kind,
            "position": {"x": position["x"], "y": position["y"]},
            **node_defaults(kind, document, lang=lang),
        }
    )
    return doc, node_id


def move_nodes(document: dict[str, Any], positions: dict[str, dict[str, float]]) -> dict[str, Any]:
    """Nodes moved to new positions (unknown ids are ignored)."""
    doc = copy.deepcopy(document)
    for node in doc.get("nodes", []):
        if node["id"] in positions:
            node["position"] = {"x": positions[node["id"]]["x"], "y": positions[node["id"]]["y"]}
    return doc


def connect(
    document: dict[str, Any], *, source: str, source_handle: str | None, target: str, edge_id: str | None = None
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """An edge from `source`'s handle to `target`, replacing whatever left that handle.

    Returns:
        The document, the edge, and the ids of the edges it replaced.

    Raises:
        EditError: unknown nodes, or an edge into a node that cannot be entered (start, intents...).
    """
    nodes = _nodes_by_id(document)
    if source not in nodes or target not in nodes:
        raise EditError("errors.edit.unknown_ends")
    if nodes[target].get("kind") in ENTRY_KINDS:
        raise EditError("errors.edit.entry_target", kind=nodes[target]["kind"])
    handle = source_handle or "next"
    doc = copy.deepcopy(document)
    edges = doc.setdefault("edges", [])
    replaced = [
        e["id"]
        for e in edges
        if e["source"] == source and (e.get("source_handle") or "next") == handle and e["id"] != edge_id
    ]
    kept = [e for e in edges if e["id"] not in replaced and e["id"] != edge_id]
    edge = {"id": edge_id or new_id("e"), "source": source, "source_handle": handle, "target": target}
    doc["edges"] = [*kept, edge]
    return doc, edge, replaced


def delete(document: dict[str, Any], *, node_ids: Iterable[str] = (), edge_ids: Iterable[str] = ()) -> dict[str, Any]:
    """Nodes (with their edges) and edges removed. `start` and `fallback` are never deleted."""
    doc = copy.deepcopy(document)
    protected = {n["id"] for n in doc.get("nodes", []) if n.get("kind") in SINGLETON_KINDS}
    gone = set(node_ids) - protected
    gone_edges = set(edge_ids)
    doc["nodes"] = [n for n in doc.get("nodes", []) if n["id"] not in gone]
    doc["edges"] = [
        e
        for e in doc.get("edges", [])
        if e["id"] not in gone_edges and e["source"] not in gone and e["target"] not in gone
    ]
    return doc


def _fresh_ids(node: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """A copy of a node with new ids for it and every button, card and branch (old -> new handle map)."""
    clone = copy.deepcopy(node)
    handles: dict[str, str] = {}
    clone["id"] = new_id(node["kind"])
    for button in clone.get("buttons", []):
        handles[button["id"]] = button["id"] = new_id("b")
    for card in clone.get("cards", []):
        card["id"] = new_id("card")
        for button in card.get("buttons", []):
            handles[button["id"]] = button["id"] = new_id("b")
    for branch in clone.get("branches", []):
        handles[branch["id"]] = branch["id"] = new_id("if")
    if clone.get("kind") == "intent":
        clone["name"] = f"{clone['name']}_copia"
        clone["triggers"] = []  # the same trigger in two intents is an error
    return clone, handles


def paste(
    document: dict[str, Any], *, node_ids: Iterable[str], offset: dict[str, float]
) -> tuple[dict[str, Any], list[str]]:
    """Copies of the given nodes (not start/fallback) and the edges among them, shifted by `offset`.

    Returns:
        The document and the new node ids.
    """
    doc = copy.deepcopy(document)
    nodes = _nodes_by_id(doc)
    wanted = [nodes[i] for i in node_ids if i in nodes and nodes[i].get("kind") not in SINGLETON_KINDS]
    mapping: dict[str, str] = {}
    handle_maps: dict[str, dict[str, str]] = {}
    for node in wanted:
        clone, handles = _fresh_ids(node)
        clone["position"] = {"x": node["position"]["x"] + offset["x"], "y": node["position"]["y"] + offset["y"]}
        mapping[node["id"]], handle_maps[node["id"]] = clone["id"], handles
        doc["nodes"].append(clone)
    for edge in list(doc.get("edges", [])):
        if edge["source"] in mapping and edge["target"] in mapping:
            handle = edge.get("source_handle") or "next"
            doc["edges"].append(
                {
                    "id": new_id("e"),
                    "source": mapping[edge["source"]],
                    "source_handle": handle_maps[edge["source"]].get(handle, handle),
                    "target": mapping[edge["target"]],
                }
            )
    return doc, list(mapping.values())


def replace_node(document: dict[str, Any], node: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The document with one node replaced by `node` (same id). Edges leaving from handles the node no longer
    has are dropped, so removing a button also removes its connection.

    Returns:
        The document and the ids of the edges dropped.
    """
    valid = set(node_handles(node))
    doc = copy.deepcopy(document)
    doc["nodes"] = [copy.deepcopy(node) if n["id"] == node["id"] else n for n in doc.get("nodes", [])]
    removed = [
        e["id"]
        for e in doc.get("edges", [])
        if e["source"] == node["id"] and (e.get("source_handle") or "next") not in valid
    ]
    doc["edges"] = [e for e in doc.get("edges", []) if e["id"] not in removed]
    return doc, removed


def auto_layout(document: dict[str, Any]) -> dict[str, Any]:
    """Arrange nodes top-down: one lane per entry node (start, intents, fallback, events), each node at the
    depth it is first reached; nodes no entry reaches go in a grid below."""
    doc = copy.deepcopy(document)
    nodes = doc.get("nodes", [])
    graph = nx.DiGraph()
    graph.add_nodes_from(n["id"] for n in nodes)
    graph.add_edges_from(
        (e["source"], e["target"]) for e in doc.get("edges", []) if e["source"] in graph and e["target"] in graph
    )
    order = {"start": 0, "intent": 1, "event": 2, "fallback": 3}
    roots = sorted(
        (n for n in nodes if n.get("kind") in ENTRY_KINDS),
        key=lambda n: (order.get(n["kind"], 9), n["position"]["x"], n["id"]),
    )
    placed: dict[str, tuple[int, int]] = {}
    lane_x = 0
    for root in roots:
        levels: dict[int, list[str]] = {}
        for node_id, depth in nx.single_source_shortest_path_length(graph, root["id"]).items():
            if node_id not in placed:
                levels.setdefault(depth, []).append(node_id)
        width = max((len(ids) for ids in levels.values()), default=1)
        for depth, ids in levels.items():
            for column, node_id in enumerate(ids):
                placed[node_id] = (lane_x + column * LAYOUT_X, depth * LAYOUT_Y)
        lane_x += width * LAYOUT_X
    bottom = max((y for _, y in placed.values()), default=-LAYOUT_Y) + LAYOUT_Y * 2
    orphans = [n["id"] for n in nodes if n["id"] not in placed]  # not reachable from any entry: a grid below
    columns = max(1, lane_x // LAYOUT_X) if lane_x else 4
    for index, node_id in enumerate(orphans):
        placed[node_id] = ((index % columns) * LAYOUT_X, bottom + (index // columns) * LAYOUT_Y)
    for node in nodes:
        x, y = placed[node["id"]]
        node["position"] = {"x": x, "y": y}
    return doc
