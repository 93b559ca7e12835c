"""The ``mute_bot`` node's data: how long the bot stays silent."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class MuteBotNode(NodeBase):
    """Silences the bot for ``minutes`` (or until unmuted when ``None``)."""

    kind: Literal["mute_bot"] = "mute_bot"
    minutes: int | None = Field(default=None, ge=1)


MODEL = MuteBotNode
ORDER = 220
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
