"""The flow document: loading, strictness, upgrades."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from flow_runtime.schema import (
    CURRENT_SCHEMA_VERSION,
    NODE_KINDS,
    DocumentVersionError,
    FlowDocument,
    load_document,
    upgrade,
)
from flow_runtime.testing.builders import make_doc

MINIMAL_FIELDS = {
    "intent": {"name": "x", "triggers": ["duas palavras"]},
    "event": {"event": "image"},
    "message": {"text": "oi"},
    "buttons": {"text": "?", "buttons": [{"id": "b1", "label": "Sim"}]},
    "carousel": {"cards": [{"id": "c1", "title": "T", "buttons": [{"id": "cb", "label": "L"}]}]},
    "media": {"url": "https://x/y.png"},
    "question": {"text": "?"},
    "set_variable": {"name": "a", "value": 1},
    "go_to": {"intent": "x"},
    "code": {"code": "pass"},
    "http_request": {"url": "https://api"},
    "send_email": {"to": "a@b.co"},
    "assign": {"to": {"queue": "q"}},
}


def test_pizzaria_loads_unchanged(packaged_examples):
    raw = json.loads((packaged_examples / "pizzaria.flow.json").read_text())
    doc = load_document(raw)
    assert doc.model_dump(mode="json", exclude_unset=True) == raw


def test_a_start_node_written_before_the_first_message_option_matches_intents_first():
    raw = make_doc([{"id": "start", "kind": "start"}])
    assert load_document(raw).nodes[0].first_message == "match"


def test_a_canvas_export_start_node_gets_the_first_message_option():
    raw = {"nodes": [{"id": "s", "type": "start", "data": {}, "position": {"x": 0, "y": 0}}], "edges": []}
    assert load_document(raw).nodes[0].first_message == "match"


def test_the_start_node_can_be_told_to_run_first():
    raw = make_doc([{"id": "start", "kind": "start", "first_message": "start"}])
    assert load_document(raw).nodes[0].first_message == "start"


def test_packaged_pizzaria_is_the_shared_reference(shared_examples, packaged_examples):
    for name in ("pizzaria.flow.json", "pizzaria.happy-path.test.jsonl"):
        assert (packaged_examples / name).read_text() == (shared_examples / name).read_text()


def test_load_accepts_path_and_json_text(packaged_examples):
    path = packaged_examples / "pizzaria.flow.json"
    assert load_document(path) == load_document(path.read_text())


@pytest.mark.parametrize("kind", NODE_KINDS)
def test_every_kind_is_a_member_of_the_union(kind):
    doc = load_document(make_doc([{"id": "n", "kind": kind, **MINIMAL_FIELDS.get(kind, {})}]))
    assert any(n.kind == kind for n in doc.nodes)


def test_typo_in_a_known_field_is_rejected():
    with pytest.raises(ValidationError, match="buttns"):
        load_document(make_doc([{"id": "m", "kind": "buttons", "text": "?", "buttns": []}]))


def test_canvas_data_goes_under_ui():
    doc = load_document(make_doc([{"id": "m", "kind": "message", "text": "a", "ui": {"color": "red", "w": 3}}]))
    assert doc.nodes[1].ui == {"color": "red", "w": 3}


def test_unknown_kind_is_rejected():
    with pytest.raises(ValidationError):
        load_document(make_doc([{"id": "m", "kind": "teleport"}]))


def test_assign_needs_exactly_one_target():
    with pytest.raises(ValidationError, match="exactly one"):
        load_document(make_doc([{"id": "a", "kind": "assign", "to": {"queue": "q", "agent": "x"}}]))


def test_inactivity_event_needs_minutes():
    with pytest.raises(ValidationError, match="minutes"):
        load_document(make_doc([{"id": "e", "kind": "event", "event": "inactivity"}]))


def test_choice_options_accept_plain_strings():
    doc = load_document(
        make_doc([{"id": "q", "kind": "question", "text": "?", "input": {"type": "choice", "options": ["Sim"]}}])
    )
    assert doc.nodes[1].input.options[0].value == "Sim"


def test_newer_schema_version_is_refused():
    with pytest.raises(DocumentVersionError, match="newer"):
        load_document({"schema_version": CURRENT_SCHEMA_VERSION + 1, "nodes": [], "edges": []})


def test_canvas_export_without_version_is_upgraded():
    raw = {
        "nodes": [
            {"id": "start", "type": "start", "position": {"x": 1, "y": 2}, "width": 150},
            {"id": "m", "type": "message", "data": {"text": "oi"}, "position": {"x": 0, "y": 0}},
            {"id": "fallback", "type": "fallback", "data": {}},
        ],
        "edges": [{"id": "e", "source": "start", "sourceHandle": None, "target": "m", "animated": True}],
    }
    doc = load_document(raw)
    assert doc.schema_version == 1
    assert doc.nodes[1].text == "oi"
    assert doc.nodes[0].ui == {"width": 150}
    assert doc.edges[0].source_handle == "next"


def test_upgrades_chain_through_the_registry():
    registry = {0: lambda d: {**d, "a": 1}, 1: lambda d: {**d, "b": d["a"] + 1}}
    result = upgrade({"nodes": []}, target=2, registry=registry)
    assert result == {"nodes": [], "a": 1, "b": 2, "schema_version": 2}


def test_upgrade_does_not_modify_its_input():
    raw = {"nodes": [{"id": "s", "type": "start"}], "edges": []}
    upgrade(raw)
    assert raw == {"nodes": [{"id": "s", "type": "start"}], "edges": []}


def test_document_round_trips_through_json(packaged_examples):
    doc = load_document(packaged_examples / "pizzaria.flow.json")
    assert FlowDocument.model_validate_json(doc.model_dump_json()) == doc
