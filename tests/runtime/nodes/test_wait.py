"""The ``wait`` node: a delay, or a pause until the user writes anything."""

from __future__ import annotations

from flow_runtime import Event
from flow_runtime.testing.builders import converse, make_flow, texts


def test_wait_delay_emits_a_delay_and_continues():
    nodes = [{"id": "w", "kind": "wait", "seconds": 5}, {"id": "m", "kind": "message", "text": "depois"}]
    (result,) = converse(make_flow(nodes, [("start", "w"), ("w", "m")]), "oi")
    assert result.outputs == [{"type": "delay", "seconds": 5}, {"type": "text", "text": "depois"}]


def test_wait_input_pauses_until_any_message():
    nodes = [
        {"id": "w", "kind": "wait", "mode": "input", "save_as": "nota"},
        {"id": "m", "kind": "message", "text": "ok ${nota}"},
    ]
    first, second = converse(make_flow(nodes, [("start", "w"), ("w", "m")]), "oi", "qualquer coisa")
    assert first.session.cursor == "w"
    assert texts(second) == ["ok qualquer coisa"]


def test_media_at_a_wait_for_input_runs_the_fallback_and_keeps_waiting():
    nodes = [
        {"id": "w", "kind": "wait", "mode": "input"},
        {"id": "m", "kind": "message", "text": "ok"},
        {"id": "fb", "kind": "message", "text": "não entendi"},
    ]
    flow = make_flow(nodes, [("start", "w"), ("w", "m"), ("fallback", "fb")])
    result = converse(flow, "oi", Event.media("video", "https://x/v.mp4"))[1]
    assert texts(result) == ["não entendi"]
    assert result.session.cursor == "w"
