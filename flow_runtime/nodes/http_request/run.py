"""``http_request``: call an API, map response fields to variables; ``ok`` or ``error``."""

import logging
from typing import Any
from urllib.parse import urlsplit

from flow_runtime import secrets as secret_refs
from flow_runtime.context import NodeContext
from flow_runtime.nodes._failure import failed
from flow_runtime.nodes.http_request.schema import HttpRequestNode
from flow_runtime.steps import Continue, Step, Updates
from flow_runtime.templating import _dig

log = logging.getLogger("flow_runtime.nodes.http_request")
_MISSING = object()


def extract(body: Any, path: str) -> Any:
    """The value at a dotted path (``data.items.0.id``; a leading ``$.`` is allowed), or ``None``."""
    parts = [p for p in path.removeprefix("$").split(".") if p]
    return _dig(body, parts, None)


def run(node: HttpRequestNode, ctx: NodeContext) -> Step:
    """Send the request; 2xx maps the response and exits ``ok``; anything else exits ``error``.

    ``{{secret.NAME}}`` in the URL (path/query) and header values is replaced only in the request
    that leaves; events and messages show the URL with the reference, and secret values are masked
    in error messages.
    """
    url = ctx.render(node.url)  # what events show: secrets stay as references
    used: list[str] = []
    try:
        if "{{" in urlsplit(node.url).netloc:
            raise ValueError("secrets may be used in the URL's path and query, not in its host")
        real_url = secret_refs.render_with_secrets(node.url, ctx.render, ctx.ports.secrets, used)
        headers = {
            k: secret_refs.render_with_secrets(v, ctx.render, ctx.ports.secrets, used) for k, v in node.headers.items()
        }
    except (secret_refs.MissingSecret, ValueError) as exc:
        return failed(node, ctx, "flow.http.error", str(exc), url=url)
    body = ctx.render_value(node.body)
    try:
        response = ctx.ports.http.request(
            method=node.method, url=real_url, headers=headers, body=body, timeout=node.timeout_seconds
        )
    except Exception as exc:  # any adapter failure is a flow error, never a crash
        log.info("flow.http.error", extra={"node_id": node.id, "error": type(exc).__name__})
        return failed(node, ctx, "flow.http.error", secret_refs.scrub(str(exc) or type(exc).__name__, used), url=url)
    variables = {name: extract(response.json, path) for name, path in node.response_map.items()}
    if node.save_status_as:
        variables[node.save_status_as] = response.status
    if not 200 <= response.status < 300:
        step = failed(node, ctx, "flow.http.error", f"HTTP {response.status}", url=url, status=response.status)
        if node.save_status_as and isinstance(step, Continue):
            return Continue(step.handle, step.outputs, Updates(variables={node.save_status_as: response.status}))
        return step
    return Continue("ok", updates=Updates(variables=variables))
