"""The ``set_variable`` node's data: a variable's name and its (templated) value."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from flow_runtime.schema.common import NodeBase


class SetVariableNode(NodeBase):
    """Sets a variable; string values are templated (``"${x}"`` alone keeps x's type)."""

    kind: Literal["set_variable"] = "set_variable"
    name: str = Field(min_length=1)
    value: Any = None


MODEL = SetVariableNode
ORDER = 110
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
