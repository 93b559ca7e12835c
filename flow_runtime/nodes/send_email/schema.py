"""The ``send_email`` node's data: recipients, subject and body, templated."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class SendEmailNode(NodeBase):
    """Sends an e-mail through the email port; ``error`` if sending fails."""

    kind: Literal["send_email"] = "send_email"
    to: str = Field(min_length=1)
    subject: str = ""
    body: str = ""
    cc: list[str] = Field(default_factory=list)

    def handles(self) -> tuple[str, ...]:
        return ("next", "error")


MODEL = SendEmailNode
ORDER = 190
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
