// FlowStudio's canvas: React Flow keeps node positions in the browser while dragging; only completed
// changes (drag end, connect, reconnect, delete, palette drop, paste, undo/redo requests) reach Python
// through onChange, and the selection through onSelect. Python pushes the document back as `doc` (full
// reset, when docRev changes) or `patch` (incremental ops, when patch.rev changes).
import React, { createContext, memo, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import {
  Background, Controls, Handle, MiniMap, Position, ReactFlow, ReactFlowProvider,
  addEdge, applyEdgeChanges, applyNodeChanges, getViewportForBounds, reconnectEdge, useNodesInitialized, useReactFlow,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";

const Decorations = createContext({ markers: {}, highlight: {}, diff: {} });

const KIND_COLORS = {
  entry: "#16a34a", say: "#2563eb", ask: "#9333ea", logic: "#d97706", act: "#dc2626",
};

// A node's card: everything kind-specific arrives in `data` (flowstudio.services.studio.flow_view.node_view, from
// the kind's StudioKind): group (colour), kindLabel, title, lines, handles with labels, target, namedExits (the
// designer named the exits: each handle shows its id).
function FlowNodeView({ id, data, selected }) {
  const { markers, highlight, diff } = useContext(Decorations);
  const marker = markers[id];
  const color = KIND_COLORS[data.group] || "#64748b";
  const border = marker === "error" ? "#dc2626" : marker === "warning" ? "#f59e0b" : selected ? "#4f46e5" : "#cbd5e1";
  const background = diff[id] === "added" ? "#f0fdf4" : diff[id] === "changed" ? "#fffbeb" : "#ffffff";
  const glow = highlight[id] ? "0 0 0 4px rgba(79, 70, 229, 0.35)" : "0 1px 2px rgba(15, 23, 42, 0.08)";
  // A code node's `next` is the alias of `ok` kept for documents drawn before outcomes: no handle of its
  // own, its edges leave from `ok`'s place.
  const legacyNext = data.kind === "code";
  const handles = legacyNext ? data.handles.filter((h) => h.id !== "next") : data.handles;
  return (
    <div
      data-testid={`node-${id}`}
      data-kind={data.kind}
      data-marker={marker || ""}
      style={{
        width: 200, background, border: `1.5px solid ${border}`, borderRadius: 10, boxShadow: glow,
        fontFamily: "inherit", fontSize: 11, lineHeight: 1.3, color: "#0f172a",
      }}
    >
      {data.target && <Handle type="target" position={Position.Top} style={{ background: "#64748b" }} />}
      <div style={{ display: "flex", alignItems: "center", gap: 6, padding: "3px 8px",
                    borderBottom: "1px solid #e2e8f0", borderTopLeftRadius: 10, borderTopRightRadius: 10,
                    background: `${color}14` }}>
        <span style={{ width: 8, height: 8, borderRadius: 4, background: color, flex: "none" }} />
        <span style={{ fontWeight: 600, color, textTransform: "uppercase", fontSize: 10, letterSpacing: 0.4 }}>
          {data.kindLabel}
        </span>
        <span style={{ fontWeight: 600, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
          {data.title}
        </span>
        {marker && (
          <span title={data.problems || ""} data-testid={`marker-${id}`}
                style={{ marginLeft: "auto", color: marker === "error" ? "#dc2626" : "#b45309", fontWeight: 700 }}>
            {marker === "error" ? "●" : "▲"}
          </span>
        )}
      </div>
      {data.lines && data.lines.length > 0 && (
        <div style={{ padding: "4px 8px", display: "flex", flexDirection: "column", gap: 1 }}>
          {data.lines.map((line, i) => (
            <div key={i} style={{ color: "#334155", overflow: "hidden", textOverflow: "ellipsis",
                                  display: "-webkit-box", WebkitLineClamp: 2, WebkitBoxOrient: "vertical" }}>
              {line}
            </div>
          ))}
        </div>
      )}
      {handles.length > 0 && (
        <div style={{ display: "flex", flexDirection: "column", gap: 2, padding: "0 0 5px 8px" }}>
          {handles.map((h) => (
            <div key={h.id} style={{ position: "relative", display: "flex", justifyContent: "flex-end",
                                     paddingRight: 10, minHeight: 8 }}>
              {(h.label || data.namedExits) && (
                <span style={{ background: "#f1f5f9", border: "1px solid #e2e8f0", borderRadius: 6,
                               padding: "0 6px", maxWidth: 170, fontSize: 10, overflow: "hidden", textOverflow: "ellipsis",
                               whiteSpace: "nowrap" }}>{h.label || h.id}</span>
              )}
              <Handle id={h.id} type="source" position={Position.Right}
                      style={{ background: color, width: 10, height: 10, right: -5 }} />
              {h.id === "ok" && legacyNext && (
                <Handle id="next" type="source" position={Position.Right} isConnectable={false}
                        style={{ opacity: 0, pointerEvents: "none", width: 10, height: 10, right: -5 }} />
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

const FlowNode = memo(FlowNodeView);
const NODE_TYPES = { flow: FlowNode };

const NODE_WIDTH = 200;
const MIN_ZOOM = 0.03;  // far enough for a flow of several hundred nodes to fit the canvas on open
const FIT = { padding: 0.15, minZoom: MIN_ZOOM, maxZoom: 1 };
const LARGE_FLOW = 150;  // from here on only the visible nodes are rendered

function toNodes(doc) {
  const selected = new Set(doc?.selected || []);
  return (doc?.nodes || []).map((n) => ({
    id: n.id, type: "flow", position: n.position, data: n.data, deletable: n.deletable !== false,
    selected: selected.has(n.id),
  }));
}

// A node's height before the browser measured it (a large flow renders only the visible nodes).
function estimatedHeight(node) {
  return 26 + 20 * (node.data?.lines?.length || 0) + 16 * (node.data?.handles?.length || 0);
}

// Bounds of every node, measured or not: React Flow's own fitView only counts nodes it has rendered.
function allBounds(nodes) {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const n of nodes) {
    const w = n.measured?.width || NODE_WIDTH, h = n.measured?.height || estimatedHeight(n);
    x0 = Math.min(x0, n.position.x); y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + w); y1 = Math.max(y1, n.position.y + h);
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function toEdges(doc) {
  return (doc?.edges || []).map((e) => ({
    id: e.id, source: e.source, sourceHandle: e.sourceHandle, target: e.target, type: "smoothstep",
  }));
}

function applyPatch(ops, setNodes, setEdges) {
  const upsertNodes = new Map(), removeNodes = new Set(), upsertEdges = new Map(), removeEdges = new Set();
  for (const op of ops) {
    if (op.op === "upsert_node") upsertNodes.set(op.node.id, op.node);
    else if (op.op === "remove_node") removeNodes.add(op.id);
    else if (op.op === "upsert_edge") upsertEdges.set(op.edge.id, op.edge);
    else if (op.op === "remove_edge") removeEdges.add(op.id);
  }
  if (upsertNodes.size || removeNodes.size) {
    setNodes((nodes) => {
      const seen = new Set();
      const next = [];
      for (const n of nodes) {
        if (removeNodes.has(n.id)) continue;
        const u = upsertNodes.get(n.id);
        if (u) { seen.add(n.id); next.push({ ...n, position: u.position, data: u.data, deletable: u.deletable !== false }); }
        else next.push(n);
      }
      for (const [id, u] of upsertNodes) if (!seen.has(id)) next.push({ ...toNodes({ nodes: [u] })[0], selected: !!u.selected });
      return next;
    });
  }
  if (upsertEdges.size || removeEdges.size) {
    setEdges((edges) => {
      const next = edges.filter((e) => !removeEdges.has(e.id) && !upsertEdges.has(e.id));
      for (const u of upsertEdges.values()) next.push(toEdges({ edges: [u] })[0]);
      return next;
    });
  }
}

function isEditable(target) {
  const tag = (target?.tagName || "").toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || target?.isContentEditable;
}

function Canvas(props) {
  const { doc, docRev, patch, markers, highlight, diff, focus, onChange, onSelect } = props;
  const [nodes, setNodes] = useState(() => toNodes(doc));
  const [edges, setEdges] = useState(() => toEdges(doc));
  const flow = useReactFlow();
  const wrapper = useRef(null);
  const clipboard = useRef([]);
  const lastSelection = useRef("");
  const appliedPatch = useRef(patch?.rev ?? 0);
  const pendingFit = useRef(true);  // the first document is fitted, and any the server marks `fit`
  const nodesInitialized = useNodesInitialized();
  const emit = useCallback((payload) => onChange && onChange(payload), [onChange]);

  const fitAll = useCallback((duration) => {
    const ns = flow.getNodes();
    const box = wrapper.current?.getBoundingClientRect();
    if (!ns.length || !box || !box.width || !box.height) return false;
    const viewport = getViewportForBounds(allBounds(ns), box.width, box.height, FIT.minZoom, FIT.maxZoom, FIT.padding);
    flow.setViewport(viewport, { duration });
    return true;
  }, [flow]);

  // Fit as soon as the nodes are there (unmeasured ones by estimate), again once they are measured; a large
  // flow renders only what is visible, so it is never fully measured: its first fit is final.
  useEffect(() => {
    if (!pendingFit.current || !nodes.length) return undefined;
    const frame = requestAnimationFrame(() => {
      if (fitAll(doc?.fit ? 200 : 0) && (nodesInitialized || nodes.length > LARGE_FLOW)) pendingFit.current = false;
    });
    return () => cancelAnimationFrame(frame);
  }, [nodesInitialized, nodes.length, docRev]);  // eslint-disable-line react-hooks/exhaustive-deps

  // Selection set by Python (a new node, a focused intent): apply it and confirm it, so a stale
  // "nothing selected" sent by a pane click in the meantime does not win.
  const selectOnly = useCallback((ids) => {
    setNodes((ns) => ns.map((n) => ({ ...n, selected: ids.includes(n.id) })));
    lastSelection.current = [...ids].sort().join(",");
    onSelect && onSelect(ids);
  }, [onSelect]);

  useEffect(() => {
    setNodes(toNodes(doc));
    setEdges(toEdges(doc));
    appliedPatch.current = patch?.rev ?? appliedPatch.current;
    lastSelection.current = [...(doc?.selected || [])].sort().join(",");  // what the server holds
    if (doc?.fit) pendingFit.current = true;
  }, [docRev]);  // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!patch || patch.rev === appliedPatch.current) return;
    appliedPatch.current = patch.rev;
    const ops = patch.ops || [];
    applyPatch(ops, setNodes, setEdges);
    const chosen = ops.filter((op) => op.op === "upsert_node" && op.node.selected).map((op) => op.node.id);
    if (chosen.length) selectOnly(chosen);
  }, [patch?.rev]);  // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (!focus || !focus.id) return;
    const node = flow.getNode(focus.id);
    if (!node) return;
    flow.setCenter(node.position.x + 100, node.position.y + 40, { zoom: Math.max(flow.getZoom(), 1), duration: 300 });
    selectOnly([focus.id]);
  }, [focus?.rev]);  // eslint-disable-line react-hooks/exhaustive-deps

  const onNodesChange = useCallback((changes) => setNodes((ns) => applyNodeChanges(changes, ns)), []);
  const onEdgesChange = useCallback((changes) => setEdges((es) => applyEdgeChanges(changes, es)), []);

  const onNodeDragStop = useCallback((_event, _node, dragged) => {
    const positions = {};
    for (const n of dragged) positions[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) };
    emit({ type: "move", positions });
  }, [emit]);

  const onConnect = useCallback((c) => {
    setEdges((es) => addEdge({ ...c, id: `tmp:${c.source}:${c.sourceHandle || "next"}`, type: "smoothstep" },
                               es.filter((e) => !(e.source === c.source && e.sourceHandle === c.sourceHandle))));
    emit({ type: "connect", source: c.source, sourceHandle: c.sourceHandle, target: c.target });
  }, [emit]);

  const onReconnect = useCallback((oldEdge, c) => {
    setEdges((es) => reconnectEdge(oldEdge, c, es, { shouldReplaceId: false }));
    emit({ type: "reconnect", edge: oldEdge.id, source: c.source, sourceHandle: c.sourceHandle, target: c.target });
  }, [emit]);

  const onDelete = useCallback(({ nodes: ns, edges: es }) => {
    if (ns.length || es.length) emit({ type: "delete", nodes: ns.map((n) => n.id), edges: es.map((e) => e.id) });
  }, [emit]);

  // A click on the node that is already selected changes no selection, yet must bring its properties back.
  const onNodeClick = useCallback((event, node) => {
    if (event.shiftKey || event.metaKey || event.ctrlKey) return;
    lastSelection.current = node.id;
    onSelect && onSelect([node.id]);
  }, [onSelect]);

  const onSelectionChange = useCallback(({ nodes: ns }) => {
    const ids = ns.map((n) => n.id).sort();
    const key = ids.join(",");
    if (key === lastSelection.current) return;
    lastSelection.current = key;
    onSelect && onSelect(ids);
  }, [onSelect]);

  const onDragOver = useCallback((event) => {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  }, []);

  const onDrop = useCallback((event) => {
    event.preventDefault();
    const kind = event.dataTransfer.getData("application/flowstudio-kind");
    if (!kind) return;
    // The node lands where the dragged palette item was seen: the cursor minus where the item was grabbed.
    let grab = { x: 0, y: 0 };
    try { grab = JSON.parse(event.dataTransfer.getData("application/flowstudio-grab") || "{}"); } catch (_e) { /* none */ }
    const p = flow.screenToFlowPosition({ x: event.clientX - (grab.x || 0), y: event.clientY - (grab.y || 0) });
    emit({ type: "add", kind, position: { x: Math.round(p.x), y: Math.round(p.y) } });
  }, [flow, emit]);

  const onKeyDown = useCallback((event) => {
    if (isEditable(event.target)) return;
    const mod = event.ctrlKey || event.metaKey;
    if (!mod) return;
    const key = event.key.toLowerCase();
    if (key === "c") {
      clipboard.current = flow.getNodes().filter((n) => n.selected).map((n) => n.id);
    } else if (key === "v" && clipboard.current.length) {
      event.preventDefault();
      emit({ type: "paste", ids: clipboard.current, offset: { x: 40, y: 40 } });
    } else if (key === "z" && !event.shiftKey) {
      event.preventDefault();
      emit({ type: "undo" });
    } else if (key === "y" || (key === "z" && event.shiftKey)) {
      event.preventDefault();
      emit({ type: "redo" });
    } else if (key === "s") {
      event.preventDefault();
      emit({ type: "save" });
    } else if (key === "a") {
      event.preventDefault();
      setNodes((ns) => ns.map((n) => ({ ...n, selected: true })));
    }
  }, [flow, emit]);

  const decorations = useMemo(() => ({
    markers: markers || {},
    highlight: Object.fromEntries((highlight || []).map((id) => [id, true])),
    diff: diff || {},
  }), [markers, highlight, diff]);

  return (
    <Decorations.Provider value={decorations}>
      <div ref={wrapper} tabIndex={0} onKeyDown={onKeyDown} data-testid="canvas"
           style={{ width: "100%", height: "100%", outline: "none" }}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onNodeDragStop={onNodeDragStop}
          onSelectionDragStop={(e, ns) => onNodeDragStop(e, null, ns)}
          onConnect={onConnect}
          onReconnect={onReconnect}
          onDelete={onDelete}
          onSelectionChange={onSelectionChange}
          onNodeClick={onNodeClick}
          onDragOver={onDragOver}
          onDrop={onDrop}
          deleteKeyCode={["Backspace", "Delete"]}
          multiSelectionKeyCode={["Shift", "Meta", "Control"]}
          selectionOnDrag={false}
          onlyRenderVisibleElements={nodes.length > LARGE_FLOW}
          minZoom={MIN_ZOOM}
          maxZoom={2}
          proOptions={{ hideAttribution: true }}
        >
          <Background gap={20} size={1} />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable nodeStrokeWidth={3} style={{ width: 150, height: 100 }}
                   nodeColor={(n) => KIND_COLORS[n.data?.group] || "#94a3b8"} />
        </ReactFlow>
      </div>
    </Decorations.Provider>
  );
}

export function FlowCanvas(props) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

// The palette: drag an item onto the canvas, or click it to add the node next to the selection.
export function FlowPalette({ groups, onAdd }) {
  return (
    <div style={{ display: "flex", flexDirection: "column", gap: 10 }}>
      {(groups || []).map((group) => (
        <div key={group.id}>
          <div style={{ fontSize: 11, fontWeight: 700, textTransform: "uppercase", letterSpacing: 0.5,
                        color: KIND_COLORS[group.id] || "#64748b", margin: "0 0 4px 2px" }}>{group.label}</div>
          <div className="fs-palette-grid" style={{ display: "grid", gridTemplateColumns: "1fr 1fr", gap: 4 }}>
            {group.items.map((item) => (
              <div
                key={item.kind}
                data-testid={`palette-${item.kind}`}
                draggable
                onDragStart={(e) => {
                  const box = e.currentTarget.getBoundingClientRect();
                  e.dataTransfer.setData("application/flowstudio-kind", item.kind);
                  e.dataTransfer.setData("application/flowstudio-grab",
                                         JSON.stringify({ x: e.clientX - box.left, y: e.clientY - box.top }));
                  e.dataTransfer.effectAllowed = "move";
                }}
                onClick={() => onAdd && onAdd(item.kind)}
                title={item.label}
                style={{ cursor: "grab", userSelect: "none", fontSize: 12, lineHeight: 1.25, padding: "4px 6px",
                         borderRadius: 6, border: "1px solid #e2e8f0", background: "#fff", whiteSpace: "normal",
                         overflowWrap: "anywhere", display: "flex", alignItems: "center", minHeight: 28,
                         borderLeft: `3px solid ${KIND_COLORS[group.id] || "#94a3b8"}` }}
              >
                {item.label}
              </div>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
