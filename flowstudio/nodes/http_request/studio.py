"""The ``http_request`` kind in the studio: a GET to an example API when dropped; the card shows method and URL."""

from __future__ import annotations

from flowstudio.nodes.registry import StudioKind, clip

STUDIO = StudioKind(
    "http_request",
    "act",
    "globe",
    defaults=lambda document, lang: {
        "method": "GET",
        "url": "https://api.example.com/",
        "headers": {},
        "response_map": {},
    },
    lines=lambda raw, t: [f"{raw.get('method', 'GET')} {clip(raw.get('url'), 60)}"],
    texts=("editor.method", "editor.url"),
)
