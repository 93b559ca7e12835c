"""The ``start`` node's data: where a new session begins, and what its first message does."""

from __future__ import annotations

from typing import ClassVar, Literal

from flow_runtime.schema.common import NodeBase

FirstMessage = Literal["match", "start"]


class StartNode(NodeBase):
    """The initial message: where a new session begins. Exactly one per flow.

    Attributes:
        first_message: What a session's first message does. ``match``: it is matched
            against the intents like any other message, and the start path runs only when
            no intent is taken (so "quero falar com um atendente" hands off at once).
            ``start``: the start path always runs first, whatever the message says.
            Documents written before the option existed load with the default, ``match``.
    """

    kind: Literal["start"] = "start"
    first_message: FirstMessage = "match"
    entry: ClassVar[bool] = True


MODEL = StartNode
ORDER = 10
"""Where the kind comes among the kinds (``NODE_KINDS``, the palette within its group): ascending."""
