"""The Rasa SDK action-server protocol: our session as a Rasa tracker, Rasa's answer as our updates.

Request (POST ``<server_url>/webhook``)::

    {"next_action": "action_x", "sender_id": "...", "version": RASA_VERSION,
     "tracker": {"sender_id", "slots": <variables>, "latest_message": {"text", "intent": {"name",
                 "confidence"}, "entities": []}, "events": [], "paused": false,
                 "latest_action_name": "action_listen", "active_loop": {}, ...},
     "domain": {"slots": {<known variables>}, "responses": {}, "actions": ["action_x"], "intents": [...]}}

Response: ``{"events": [{"event": "slot", "name", "value"}, ...], "responses": [{"text", "buttons":
[{"title", "payload"}], "image"}, ...]}``. Slot events set variables; responses become messages;
other events are ignored.
"""

from __future__ import annotations

import logging
from typing import Any

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes._failure import failed
from flow_runtime.ports import ActionServerError
from flow_runtime.steps import Continue, Step, Updates

log = logging.getLogger("flow_runtime.nodes.rasa_action")
RASA_VERSION = "3.12.0"
"""The Rasa version we speak as (rasa_sdk only warns when its own major.minor differs)."""


def _known_slots(ctx: NodeContext) -> list[str]:
    from flow_runtime.checks.variables import SYSTEM_NAMES, read_by, written_by

    names = set(ctx.session.variables)
    for node in ctx.flow.document.nodes:
        names.update(written_by(node))
        names.update(read_by(node))
    return sorted(n for n in names if n.isidentifier() and n not in SYSTEM_NAMES and n not in ctx.flow.constants)


def payload(ctx: NodeContext, action: str) -> dict[str, Any]:
    """The webhook request for ``action`` from the working session."""
    s = ctx.session
    intent = ctx.flow.nodes.get(s.intent) if s.intent else None
    intent_name = getattr(intent, "name", None)
    latest = {
        "text": s.last_text or "",
        "intent": {"name": intent_name, "confidence": 1.0 if intent_name else 0.0},
        "entities": [],
        "intent_ranking": [],
    }
    slots = {name: s.variables.get(name) for name in _known_slots(ctx)}
    tracker = {
        "sender_id": s.id or "flowstudio",
        "slots": slots,
        "latest_message": latest,
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
        "latest_action": {"action_name": "action_listen"},
        "latest_input_channel": s.channel,
        "latest_event_time": ctx.now.timestamp(),
    }
    domain = {
        "version": "3.1",
        "slots": {
            name: {"type": "any", "influence_conversation": False, "mappings": [{"type": "custom"}]} for name in slots
        },
        "responses": {},
        "actions": [action],
        "intents": sorted({n.name for n in ctx.flow.document.nodes if n.kind == "intent"}),
        "entities": [],
        "forms": {},
    }
    return {
        "next_action": action,
        "sender_id": tracker["sender_id"],
        "tracker": tracker,
        "domain": domain,
        "version": RASA_VERSION,
    }


def _response(item: dict[str, Any]) -> list[dict[str, Any]]:
    text = item.get("text") or ""
    shown: list[dict[str, Any]] = []
    buttons = [
        {"id": str(b.get("payload") or b.get("title")), "label": str(b.get("title") or b.get("payload"))}
        for b in item.get("buttons") or []
        if isinstance(b, dict) and (b.get("title") or b.get("payload"))
    ]
    if buttons:
        shown.append(out.buttons(str(text), buttons))
    elif text:
        shown.append(out.text(str(text)))
    if item.get("image"):
        shown.append(out.media("image", str(item["image"])))
    return shown


def apply(body: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Variable updates from slot events and messages from responses."""
    variables = {}
    for event in body.get("events") or []:
        if isinstance(event, dict) and event.get("event") == "slot" and isinstance(event.get("name"), str):
            variables[event["name"]] = event.get("value")
    messages = [m for item in body.get("responses") or [] if isinstance(item, dict) for m in _response(item)]
    return variables, messages


def call_action(node: Any, ctx: NodeContext, *, server_url: str, action: str, timeout: float) -> Step:
    """Call ``action`` on the server; ``ok`` with its slots and messages, or ``error`` with why."""
    if not server_url or not action:
        return failed(node, ctx, "flow.rasa.error", "the Rasa action needs a server URL and an action name")
    try:
        body = ctx.ports.rasa().call(server_url=server_url, payload=payload(ctx, action), timeout=timeout)
    except ActionServerError as exc:
        log.info("flow.rasa.error", extra={"node_id": node.id, "action": action})
        return failed(node, ctx, "flow.rasa.error", str(exc), action=action)
    variables, messages = apply(body)
    return Continue("ok", outputs=tuple(messages), updates=Updates(variables=variables))
