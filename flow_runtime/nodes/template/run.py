"""``template``: an approved WhatsApp message template, its parameters templated."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.template.schema import TemplateNode
from flow_runtime.steps import Continue, Step


def run(node: TemplateNode, ctx: NodeContext) -> Step:
    """Emit the template with each parameter (and the fallback text) rendered, then follow ``next``."""
    fallback = ctx.render(node.fallback_text) if node.fallback_text else None
    return Continue(
        "next",
        outputs=(
            out.template(
                node.name, node.language, [ctx.render(p) for p in node.parameters], fallback_text=fallback or None
            ),
        ),
    )
