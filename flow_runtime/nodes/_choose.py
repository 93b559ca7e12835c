"""Choosing a button from a click or from typed text (shared by buttons and carousel)."""

from __future__ import annotations

from flow_runtime.context import NodeContext
from flow_runtime.steps import Continue, NotForMe
from flow_runtime.text import best_fuzzy_match, chosen_number, normalize


def choose(node_id: str, handles: tuple[str, ...], ctx: NodeContext) -> Continue | NotForMe:
    """Follow the clicked button, or the one whose label the user typed (or its number).

    Typed labels are compared without case or accents (``FAZER PEDIDO`` picks "Fazer pedido");
    an exact label wins over a number, so a button labelled "2" is picked by typing 2.

    Args:
        node_id: The waiting node.
        handles: Its button ids, in display order.
        ctx: The node context; ``ctx.event`` is the user's event.

    Returns:
        ``Continue(button id)`` or ``NotForMe`` when the event picks no button.
    """
    event = ctx.event
    if event is None:
        return NotForMe("no event")
    if event.type == "click":
        return Continue(event.text) if event.text in handles else NotForMe("other button")
    if event.type != "text":
        return NotForMe("not text")
    labels = ctx.flow.button_labels.get(node_id, ())
    typed = normalize(event.text)
    exact = next((key for label, key in labels if label == typed), None)
    if exact is not None:
        return Continue(exact)
    position = chosen_number(event.text, len(handles))
    if position is not None:
        return Continue(handles[position])
    chosen = best_fuzzy_match(event.text, labels)
    return Continue(chosen) if chosen else NotForMe("no label matched")
