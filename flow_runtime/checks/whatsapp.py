"""Warnings about what WhatsApp cannot show in one message (the flow does not know its channels when it is
compiled, so each warning names the limit; webchat and Telegram show these nodes as designed).

WhatsApp's interactive messages hold at most 3 reply buttons, or one link button, or a list of 10 rows
(`flowstudio.api.channels.whatsapp_render` renders the rest).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from flow_runtime.problems import Problem, warning

if TYPE_CHECKING:
    from flow_runtime.graph import CompiledFlow

WHATSAPP_REPLY_BUTTONS = 3
"""Reply buttons WhatsApp shows in one message; more go out as a list behind one "See options" button."""


def check_whatsapp(flow: CompiledFlow) -> Iterator[Problem]:
    """Yield a warning per buttons node WhatsApp turns into a list, and per card whose link button must go
    out in a message of its own."""
    for node in flow.document.nodes:
        if node.kind == "buttons" and len(node.buttons) > WHATSAPP_REPLY_BUTTONS:
            yield warning(
                "whatsapp_list",
                node.id,
                f"On WhatsApp a message holds at most {WHATSAPP_REPLY_BUTTONS} reply buttons: these "
                f'{len(node.buttons)} go out as a list opened by a "See options" button.',
            )
        elif node.kind == "carousel":
            for card in node.cards:
                links = [b for b in card.buttons if b.url]
                if links and len(card.buttons) > 1:
                    yield warning(
                        "whatsapp_card_links",
                        node.id,
                        f"On WhatsApp the card '{card.title}' cannot show its link button "
                        f"'{links[0].label}' beside other buttons: it goes out in a message of its own.",
                    )
