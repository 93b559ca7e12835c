"""The ``http_request`` node's data: the request, and which response fields go to which variables."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class HttpRequestNode(NodeBase):
    """Calls an HTTP API; response fields map to variables; ``ok`` or ``error``.

    ``url`` and ``headers`` may hold ``{{secret.NAME}}`` (workspace secrets, through the
    ``Secrets`` port): substituted only into the outgoing request, never shown back.

    Attributes:
        response_map: Variable name -> dotted path in the JSON response (``data.items.0.id``).
        save_status_as: Optional variable for the HTTP status code.
    """

    kind: Literal["http_request"] = "http_request"
    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"] = "GET"
    url: str = Field(min_length=1)
    headers: dict[str, str] = Field(default_factory=dict)
    body: Any = None
    response_map: dict[str, str] = Field(default_factory=dict)
    save_status_as: str | None = None
    timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    def handles(self) -> tuple[str, ...]:
        return ("ok", "error")


MODEL = HttpRequestNode
ORDER = 180
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
