"""The ``search`` kind in the studio: loads and is drawn, but is not in the palette until it is rebuilt on the
knowledge base (flows that have one load, with a warning)."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind, clip

STUDIO = StudioKind(
    "search",
    "act",
    "search",
    defaults=lambda document, lang: {
        "source": "knowledge",
        "query": "${last_message}",
        "max_results": 3,
        "reply": True,
    },
    lines=lambda raw, t: [f"{raw.get('source', 'knowledge')}: {clip(raw.get('query'), 50)}"],
    texts=("editor.search_source", "editor.query"),
    in_palette=False,  # until it is rebuilt on the knowledge base (flows that have one load, with a warning)
)
