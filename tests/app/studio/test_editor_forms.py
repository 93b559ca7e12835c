"""The inspector's view of node fields (pages/editor/forms.py)."""

from __future__ import annotations

from flow_runtime.schema import load_document
from flowstudio.nodes.start.form import FIRST_MESSAGE
from flowstudio.pages.editor.forms import assign, inspector_form


def test_the_start_form_shows_the_engine_default_for_the_first_message() -> None:
    assert inspector_form({"id": "start", "kind": "start"})["first_message"] == "match"


def test_every_first_message_choice_the_form_offers_loads_in_the_engine() -> None:
    for value in FIRST_MESSAGE:
        node = {"id": "start", "kind": "start"}
        assign(node, "first_message", value)
        document = load_document({"schema_version": 1, "nodes": [node], "edges": []})
        assert document.nodes[0].first_message == value
