"""Running code for ``code`` and python ``action`` nodes: context in, variables/messages/outcome out."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes._failure import failed
from flow_runtime.ports import CodeContext
from flow_runtime.sandbox_http import SandboxHttp
from flow_runtime.steps import Continue, End, Step, Updates

log = logging.getLogger("flow_runtime.nodes.code")
MAX_MESSAGES = 20


def run_code(
    node: Any,
    ctx: NodeContext,
    *,
    code: str,
    timeout: float,
    outcomes: Sequence[str] = (),
    allowed_hosts: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
) -> Step:
    """Run ``code`` through the code port and turn its result into a step.

    Success replaces the variables with the code's, applies tag changes, sends its messages and
    follows its outcome (``ok``, or ``next`` for old documents that connect only ``next``). A
    failure, an undeclared outcome or a malformed message takes ``error`` with an event.
    """
    s = ctx.session
    relay = SandboxHttp(
        client=ctx.ports.http, policy=ctx.ports.network, allowed_hosts=allowed_hosts, secrets=ctx.ports.secrets
    )
    context = CodeContext(
        tags=tuple(s.tags),
        contact=dict(s.contact),
        constants=dict(ctx.flow.constants),
        params=dict(params or {}),
        outcomes=tuple(outcomes),
    )
    result = ctx.ports.code.run(code=code, variables=dict(s.variables), timeout=timeout, context=context, http=relay)
    if not result.ok:
        log.info("flow.code.error", extra={"node_id": node.id, "error": result.error})
        return failed(node, ctx, "flow.code.error", result.message, error=result.error, stdout=result.stdout)
    outcome = result.outcome or "ok"
    if outcome not in ("ok", "error", *outcomes):
        declared = ", ".join(("ok", "error", *outcomes))
        return failed(
            node,
            ctx,
            "flow.code.error",
            f"the code chose the outcome '{outcome}', which this node does not declare (declared: {declared})",
            error="bad_outcome",
        )
    try:
        messages = sanitize_messages(result.messages)
    except ValueError as exc:
        return failed(node, ctx, "flow.code.error", str(exc), error="bad_message")
    updates = Updates(session={"variables": dict(result.variables)}, **_tag_changes(s.tags, result.tags))
    if outcome == "error":
        event = out.event(
            "flow.code.error", node_id=node.id, message="the code chose the 'error' outcome", error="outcome"
        )
        if ctx.has_exit("error", node.id):
            return Continue("error", outputs=(*messages, event), updates=updates)
        return End(outputs=(*messages, event), updates=updates)
    if outcome == "ok" and not ctx.has_exit("ok", node.id) and ctx.has_exit("next", node.id):
        outcome = "next"
    return Continue(outcome, outputs=messages, updates=updates)


def _tag_changes(before: Sequence[str], after: Sequence[str] | None) -> dict[str, tuple[str, ...]]:
    if after is None:
        return {}
    return {
        "add_tags": tuple(t for t in after if t not in before),
        "remove_tags": tuple(t for t in before if t not in after),
    }


def sanitize_messages(raw: Sequence[Any]) -> tuple[dict[str, Any], ...]:
    """Rebuild the messages code asked to send as plain outputs (text, buttons, image only).

    Raises:
        ValueError: A message of another type or shape.
    """
    if len(raw) > MAX_MESSAGES:
        raise ValueError(f"the code sent more than {MAX_MESSAGES} messages")
    messages = []
    for item in raw:
        kind = item.get("type") if isinstance(item, Mapping) else None
        if kind == "text" and isinstance(item.get("text"), str):
            messages.append(out.text(item["text"]))
        elif kind == "buttons" and isinstance(item.get("text"), str) and isinstance(item.get("buttons"), list):
            buttons = [
                {"id": str(b["id"]), "label": str(b["label"])}
                for b in item["buttons"]
                if isinstance(b, Mapping) and b.get("id") and b.get("label")
            ]
            messages.append(out.buttons(item["text"], buttons))
        elif kind == "media" and isinstance(item.get("url"), str):
            caption = item.get("caption")
            messages.append(out.media("image", item["url"], caption=str(caption) if caption else None))
        else:
            raise ValueError(f"the code sent a message the bot cannot show: {str(item)[:80]}")
    return tuple(messages)
