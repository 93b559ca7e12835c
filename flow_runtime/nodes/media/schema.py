"""The ``media`` node's data: one attachment at a URL."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class MediaNode(NodeBase):
    """Sends one attachment."""

    kind: Literal["media"] = "media"
    type: Literal["image", "video", "audio", "document", "sticker"] = "image"
    url: str = Field(min_length=1)
    filename: str | None = None
    caption: str | None = None


MODEL = MediaNode
ORDER = 80
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
