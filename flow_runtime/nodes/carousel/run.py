"""``carousel``: cards with buttons; one exit per (non-link) card button."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes._choose import choose
from flow_runtime.nodes.carousel.schema import CarouselNode
from flow_runtime.steps import Continue, NotForMe, Step, Wait


def run(node: CarouselNode, ctx: NodeContext) -> Step:
    """Show the cards, then wait."""
    cards = [
        {
            "id": card.id,
            "title": ctx.render(card.title),
            "subtitle": ctx.render(card.subtitle) if card.subtitle else None,
            "image": ctx.render(card.image) if card.image else None,
            "buttons": [
                {"id": b.id, "label": ctx.render(b.label), **({"url": ctx.render(b.url)} if b.url else {})}
                for b in card.buttons
            ],
        }
        for card in node.cards
    ]
    return Wait(outputs=(out.carousel(ctx.render(node.text) if node.text else None, cards),))


def resume(node: CarouselNode, ctx: NodeContext) -> Continue | NotForMe:
    """Follow the clicked card button, or the card whose title (or button label) was typed."""
    return choose(node.id, node.handles(), ctx)
