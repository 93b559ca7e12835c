"""A thin Reflex wrapper of FlowStudio's React Flow canvas (`flow_canvas.jsx`, beside this file).

React Flow 12 keeps positions in the browser while dragging; Python receives completed changes only.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

XYFLOW = "@xyflow/react@12.12.1"


def _payload(payload: rx.Var[dict[str, Any]]) -> list[rx.Var[dict[str, Any]]]:
    return [payload]


def _ids(ids: rx.Var[list[str]]) -> list[rx.Var[list[str]]]:
    return [ids]


class FlowCanvas(rx.NoSSRComponent):
    """The flow canvas.

    Props: `doc` ({nodes, edges} view model) replaced whenever `doc_rev` changes; `patch` ({rev, ops}) applied
    incrementally; `markers` (node id -> "error"/"warning"); `highlight` (node ids of the emulator's path);
    `diff` (node id -> "added"/"changed"); `focus` ({id, rev}) centres a node.
    """

    library = "$/public" + rx.asset("flow_canvas.jsx", shared=True)
    tag = "FlowCanvas"
    alias = "FlowStudioCanvas"
    lib_dependencies: list[str] = [XYFLOW]

    doc: rx.Var[dict[str, Any]]
    doc_rev: rx.Var[int]
    patch: rx.Var[dict[str, Any]]
    markers: rx.Var[dict[str, str]]
    highlight: rx.Var[list[str]]
    diff: rx.Var[dict[str, str]]
    focus: rx.Var[dict[str, Any]]

    on_change: rx.EventHandler[_payload]
    on_select: rx.EventHandler[_ids]


flow_canvas = FlowCanvas.create


def _kind(kind: rx.Var[str]) -> list[rx.Var[str]]:
    return [kind]


class FlowPalette(rx.NoSSRComponent):
    """The node palette (drag onto the canvas, or click to add): `groups` = [{id, label, items: [{kind, label}]}]."""

    library = FlowCanvas.library
    tag = "FlowPalette"
    alias = "FlowStudioPalette"
    lib_dependencies: list[str] = [XYFLOW]

    groups: rx.Var[list[dict[str, Any]]]

    on_add: rx.EventHandler[_kind]


flow_palette = FlowPalette.create
