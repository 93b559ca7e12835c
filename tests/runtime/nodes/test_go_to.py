"""The ``go_to`` node: jumps to an intent as if the user had said it."""

from __future__ import annotations

from flow_runtime.testing.builders import converse, make_flow, texts


def test_go_to_jumps_to_the_intent_by_name():
    nodes = [
        {"id": "g", "kind": "go_to", "intent": "horario"},
        {"id": "i", "kind": "intent", "name": "horario", "topic": "t", "triggers": ["que horas abre"]},
        {"id": "m", "kind": "message", "text": "18h"},
    ]
    (result,) = converse(make_flow(nodes, [("start", "g"), ("i", "m")]), "oi")
    assert texts(result) == ["18h"]
    assert result.session.topic == "t"
