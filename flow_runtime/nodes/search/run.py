"""``search``: site or knowledge search; ``found`` or ``not_found``."""

from flow_runtime import outputs as out
from flow_runtime.context import NodeContext
from flow_runtime.nodes.search.schema import SearchNode
from flow_runtime.steps import Continue, Step, Updates


def run(node: SearchNode, ctx: NodeContext) -> Step:
    """Search; save hits to ``save_as`` and reply with them when ``reply`` is set."""
    query = ctx.render(node.query).strip()
    try:
        hits = ctx.ports.search.search(query=query, source=node.source, site=node.site, max_results=node.max_results)
    except Exception as exc:  # a failed search is "not found" plus an event
        return Continue("not_found", outputs=(out.event("flow.search.error", node_id=node.id, message=str(exc)),))
    hits = list(hits)[: node.max_results]
    if not hits:
        return Continue("not_found")
    data = [{"title": h.title, "url": h.url, "snippet": h.snippet} for h in hits]
    emitted = ()
    if node.reply:
        lines = [f"{h.title}\n{h.snippet}\n{h.url}".strip() for h in hits]
        emitted = (out.text("\n\n".join(lines)),)
    variables = {node.save_as: data} if node.save_as else {}
    return Continue("found", outputs=emitted, updates=Updates(variables=variables))
