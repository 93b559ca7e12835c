"""The ``fallback`` node: what runs when nothing was understood (text or media)."""

from __future__ import annotations

from flow_runtime import Event
from flow_runtime.testing.builders import converse, make_flow, texts
from tests.runtime.flows import intents_flow


def test_nothing_matched_runs_the_fallback():
    assert texts(converse(intents_flow(), "oi", "asdfgh qwerty")[1]) == ["não entendi"]


def test_unhandled_media_runs_the_fallback():
    result = converse(intents_flow(), "oi", Event.media("audio", "x"))[1]
    assert texts(result) == ["não entendi"]


def test_media_while_a_menu_waits_runs_the_fallback_and_the_menu_keeps_waiting():
    nodes = [
        {"id": "menu", "kind": "buttons", "text": "Escolha", "buttons": [{"id": "b1", "label": "Um"}]},
        {"id": "m1", "kind": "message", "text": "um!"},
        {"id": "fb", "kind": "message", "text": "não entendi"},
    ]
    flow = make_flow(nodes, [("start", "menu"), ("menu", "b1", "m1"), ("fallback", "fb")])
    results = converse(flow, "oi", Event.media("image", "https://x/y.jpg"), "um")
    assert texts(results[1]) == ["não entendi"]
    assert texts(results[2]) == ["um!"]
