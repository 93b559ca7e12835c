"""The interpreter: one inbound event in, outputs and the next session out.

``step`` copies the session, decides where the event enters the flow (a waiting node
resumed; a clicked or typed button; an intent; the fallback chain; for a new session's first
message, the ``start`` node when no intent is taken), then walks node by node until one
waits, the path ends, or the step limit is hit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.dispatch import RESUMERS, RUNNERS
from flow_runtime.graph import CompiledFlow
from flow_runtime.ports import Ports
from flow_runtime.routing import route, route_first
from flow_runtime.session import Event, Session
from flow_runtime.steps import NO_UPDATES, Continue, GoTo, Handoff, NotForMe, Step, Updates, Wait

log = logging.getLogger("flow_runtime.engine")

_default_ports: Ports | None = None


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one event produced.

    Attributes:
        outputs: Plain-data outputs in order (see ``flow_runtime.outputs``).
        session: The new session (the input session is left untouched).
        trace: Ids of the nodes that ran, in order (for the emulator and tests).
        stop: Why the walk stopped: ``wait``, ``path_end``, ``end``, ``handoff``,
            ``step_limit``, ``error``, ``muted``, ``not_owner`` or ``idle``.
    """

    outputs: list[dict[str, Any]]
    session: Session
    trace: tuple[str, ...] = ()
    stop: str = "idle"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (for the API and the emulator)."""
        return {
            "outputs": self.outputs,
            "session": self.session.to_dict(),
            "trace": list(self.trace),
            "stop": self.stop,
        }


def step(
    compiled: CompiledFlow,
    session: Session,
    event: Event,
    ports: Ports | None = None,
    *,
    step_limit: int | None = None,
) -> StepResult:
    """Run one inbound event through the flow.

    Args:
        compiled: The compiled flow.
        session: The conversation's session (not modified).
        event: What the user did.
        ports: Side-effect adapters (defaults: see ``Ports``).
        step_limit: Maximum nodes run in this turn (defaults to the bot's ``step_limit``).

    Returns:
        The outputs, the new session, the trace and why the walk stopped.
    """
    global _default_ports
    if ports is None:
        _default_ports = _default_ports or Ports()
        ports = _default_ports
    walker = Walker(compiled, session.copy(), ports, event, step_limit or compiled.document.bot.step_limit)
    walker.handle()
    return StepResult(walker.outputs, walker.session, tuple(walker.trace), walker.stop)


class Walker:
    """One turn's mutable state: the working session, outputs, trace and step budget."""

    def __init__(self, flow: CompiledFlow, session: Session, ports: Ports, event: Event, limit: int) -> None:
        self.flow = flow
        self.session = session
        self.ports = ports
        self.event = event
        self.limit = limit
        self.outputs: list[dict[str, Any]] = []
        self.trace: list[str] = []
        self.stop = "idle"
        self.ctx = NodeContext(flow, session, ports, ports.clock.now(), event)

    def handle(self) -> None:
        """Route the event and walk."""
        s = self.session
        s.turns += 1
        if self.event.type == "text":
            s.last_text = self.event.text
        if s.owner_kind != "bot":
            self.stop = "not_owner"
            return
        if s.muted:
            if s.muted_until is None or self.ctx.now.timestamp() < s.muted_until:
                self.stop = "muted"
                return
            s.muted, s.muted_until = False, None
        if s.status == "new":
            s.status = "active"
            if self.flow.start_id is None:
                self._error("flow.start.missing", None, "the flow has no start node")
                return
            route_first(self)
            return
        if s.status == "archived":
            s.status = "active"
        route(self)

    def walk(self, node_id: str | None, *, resumed: Step | None = None, resumed_at: str | None = None) -> None:
        """Run nodes from ``node_id`` (or apply ``resumed``, the step of a resumed node, first)."""
        pending, current = resumed, resumed_at
        if pending is None and node_id is None:
            self.stop = "path_end"
            return
        while True:
            if pending is None:
                if node_id is None:
                    self._clear_cursor()
                    self.stop = "path_end"
                    return
                if len(self.trace) >= self.limit:
                    self._clear_cursor()
                    self._error("flow.step_limit", node_id, f"stopped after {self.limit} steps without waiting")
                    self.stop = "step_limit"
                    return
                node = self.flow.nodes.get(node_id)
                if node is None:
                    self._error("flow.node.missing", node_id, "the path leads to a node that does not exist")
                    return
                self.trace.append(node_id)
                if log.isEnabledFor(logging.DEBUG):
                    log.debug(
                        "flow.node.run", extra={"node_id": node_id, "kind": node.kind, "session_id": self.session.id}
                    )
                pending, current = self._call(RUNNERS[node.kind], node), node_id
                if pending is None:
                    return
            self._apply(pending.updates)
            self.outputs.extend(pending.outputs)
            if isinstance(pending, Continue):
                self._clear_cursor()
                node_id, pending = self.flow.transitions.get((current, pending.handle)), None
            elif isinstance(pending, GoTo):
                self._clear_cursor()
                node_id, pending = pending.target, None
            elif isinstance(pending, Wait):
                self.session.cursor, self.session.retries = current, pending.retries
                self.session.menu = current if current in self.flow.button_labels else None
                self.stop = "wait"
                return
            elif isinstance(pending, Handoff):
                self._clear_cursor()
                self.session.owner_kind, self.session.owner_id = pending.owner_kind, pending.owner_id
                self.stop = "handoff"
                return
            else:
                self._clear_cursor()
                self.stop = "end"
                return

    def resume(self, node_id: str) -> bool:
        """Offer the event to the waiting node; walk on and return True if it took it."""
        node = self.flow.nodes.get(node_id)
        resumer = RESUMERS.get(node.kind) if node is not None else None
        if resumer is None:
            self._clear_cursor()
            return False
        result = self._call(resumer, node)
        if result is None:
            return True
        if isinstance(result, NotForMe):
            return False
        self.trace.append(node_id)
        self.walk(None, resumed=result, resumed_at=node_id)
        return True

    def _call(self, func: Any, node: Any) -> Any:
        """Run a node function; a bug in a node or an adapter becomes an error event, never a crash."""
        try:
            return func(node, self.ctx)
        except Exception as exc:
            log.exception("flow.node.crashed", extra={"node_id": node.id, "kind": node.kind})
            self._clear_cursor()
            self._error("flow.node.crashed", node.id, f"{type(exc).__name__}: {exc}")
            return None

    def _apply(self, updates: Updates) -> None:
        if updates is NO_UPDATES:
            return
        s = self.session
        if updates.variables:
            s.variables.update(updates.variables)
        for key, value in updates.session.items():
            if key == "variables":  # keep the dict the template scope already holds
                s.variables.clear()
                s.variables.update(value)
            else:
                setattr(s, key, value)
        if updates.add_tags or updates.remove_tags:
            tags = set(s.tags) | set(updates.add_tags)
            s.tags = sorted(tags - set(updates.remove_tags))

    def _clear_cursor(self) -> None:
        self.session.cursor, self.session.retries = None, 0

    def _error(self, name: str, node_id: str | None, message: str) -> None:
        log.warning(name, extra={"node_id": node_id, "session_id": self.session.id})
        self.outputs.append(out.event(name, node_id=node_id, message=message))
        self.stop = "error"


__all__ = ["StepResult", "Walker", "step"]
