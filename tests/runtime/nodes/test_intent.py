"""The ``intent`` node: matched from free text, it sets the topic; its trigger conditions must hold."""

from __future__ import annotations

from flow_runtime import new_session
from flow_runtime.testing.builders import converse, make_flow, texts
from tests.runtime.flows import intents_flow


def test_intent_is_matched_from_free_text():
    assert texts(converse(intents_flow(), "oi", "Que horas voces abrem?")[1]) == ["horario"]


def test_intent_sets_the_conversation_topic():
    assert converse(intents_flow(), "oi", "quero pedir uma pizza")[1].session.topic == "t_pizza"


def test_intent_trigger_conditions_must_hold():
    nodes = [
        {
            "id": "i",
            "kind": "intent",
            "name": "vip",
            "triggers": ["falar com gerente"],
            "conditions": [{"source": "tag", "name": "vip", "op": "exists"}],
        },
        {"id": "m", "kind": "message", "text": "gerente"},
        {"id": "fb", "kind": "message", "text": "fallback"},
    ]
    flow = make_flow(nodes, [("i", "m"), ("fallback", "fb")], bot={"fallback": {"related_intents": False}})
    assert texts(converse(flow, "oi", "falar com gerente")[1]) == ["fallback"]
    assert texts(converse(flow, "oi", "falar com gerente", session=new_session(tags=["vip"]))[1]) == ["gerente"]
