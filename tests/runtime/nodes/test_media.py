"""The ``media`` node: one attachment."""

from __future__ import annotations

from flow_runtime.testing.builders import converse, make_flow, visible


def test_media_node_sends_the_attachment():
    node = {"id": "p", "kind": "media", "type": "document", "url": "/menu.pdf", "filename": "menu.pdf"}
    (result,) = converse(make_flow([node], [("start", "p")]), "oi")
    assert visible(result) == [
        {"type": "media", "media_type": "document", "url": "/menu.pdf", "caption": None, "filename": "menu.pdf"}
    ]
