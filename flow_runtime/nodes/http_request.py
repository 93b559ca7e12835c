"""``http_request``: call an API, map response fields to variables; ``ok`` or ``error``."""

import logging
from typing import Any

from flow_runtime.context import NodeContext
from flow_runtime.nodes._failure import failed
from flow_runtime.schema import HttpRequestNode
from flow_runtime.steps import Continue, Step, Updates
from flow_runtime.templating import _dig

log = logging.getLogger("flow_runtime.nodes.http_request")
_MISSING = object()


def extract(body: Any, path: str) -> Any:
    """The value at a dotted path (``data.items.0.id``; a leading ``$.`` is allowed), or ``None``."""
    parts = [p for p in path.removeprefix("$").split(".") if p]
    return _dig(body, parts, None)


def run(node: HttpRequestNode, ctx: NodeContext) -> Step:
    """Send the request; 2xx maps the response and exits ``ok``; anything else exits ``error``."""
    url = ctx.render(node.url)
    headers = {k: ctx.render(v) for k, v in node.headers.items()}
    body = ctx.render_value(node.body)
    try:
        response = ctx.ports.http.request(
            method=node.method, url=url, headers=headers, body=body, timeout=node.timeout_seconds
        )
    except Exception as exc:  # any adapter failure is a flow error, never a crash
        log.info("flow.http.error", extra={"node_id": node.id, "error": type(exc).__name__})
        return failed(node, ctx, "flow.http.error", str(exc) or type(exc).__name__, url=url)
    variables = {name: extract(response.json, path) for name, path in node.response_map.items()}
    if node.save_status_as:
        variables[node.save_status_as] = response.status
    if not 200 <= response.status < 300:
        step = failed(node, ctx, "flow.http.error", f"HTTP {response.status}", url=url, status=response.status)
        if node.save_status_as and isinstance(step, Continue):
            return Continue(step.handle, step.outputs, Updates(variables={node.save_status_as: response.status}))
        return step
    return Continue("ok", updates=Updates(variables=variables))
