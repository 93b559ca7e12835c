"""The interpreter: related topics and intents, the first click, the matcher port, step limit, session handling.

What the entry kinds do (start, intent, fallback, event) is tested in ``tests/runtime/nodes/``."""

from __future__ import annotations

from flow_runtime import Event, new_session, step
from flow_runtime.matching import IntentScore
from flow_runtime.testing import fake_ports
from flow_runtime.testing.builders import converse, event_names, make_flow, texts
from tests.runtime.flows import intents_flow


def test_related_topic_accepts_a_weaker_match_in_the_current_topic():
    results = converse(intents_flow(related_intents=False), "oi", "quero pedir uma pizza", "sabores de pizza doce")
    assert texts(results[2]) == ["sabores"]


def test_related_topic_can_be_switched_off():
    results = converse(
        intents_flow(related_topic=False, related_intents=False), "oi", "quero pedir uma pizza", "sabores de pizza doce"
    )
    assert texts(results[2]) == ["não entendi"]


def test_related_intents_are_offered_as_buttons():
    result = converse(intents_flow(related_topic=False), "oi", "pedido de bebida gelada agora")[1]
    assert result.outputs[0]["type"] == "buttons"
    assert result.outputs[0]["buttons"][0] == {"id": "intent:i_pedido", "label": "Fazer pedido"}


def test_clicking_a_suggestion_runs_that_intent():
    results = converse(
        intents_flow(related_topic=False), "oi", "pedido de bebida gelada agora", ("click", "intent:i_pedido")
    )
    assert texts(results[2]) == ["pedido"]


def test_related_intents_can_be_switched_off():
    result = converse(intents_flow(related_topic=False, related_intents=False), "oi", "pedido de bebida gelada agora")[
        1
    ]
    assert texts(result) == ["não entendi"]


def test_a_first_click_on_a_known_button_follows_it():
    nodes = [
        {"id": "hi", "kind": "message", "text": "Olá"},
        {"id": "menu", "kind": "buttons", "text": "Escolha", "buttons": [{"id": "b1", "label": "Um"}]},
        {"id": "m1", "kind": "message", "text": "um!"},
    ]
    flow = make_flow(nodes, [("start", "hi"), ("hi", "menu"), ("menu", "b1", "m1")])
    assert texts(converse(flow, ("click", "b1"))[0]) == ["um!"]


def test_a_custom_matcher_plugs_into_the_port():
    class AlwaysHorario:
        def match(self, text, index, *, language):
            return [IntentScore("i_horario", 0.99)]

    results = converse(intents_flow(), "oi", "blah", ports=fake_ports(matcher=AlwaysHorario()))
    assert texts(results[1]) == ["horario"]


def test_step_limit_stops_a_runaway_loop_with_an_error_event():
    nodes = [{"id": "a", "kind": "set_variable", "name": "x", "value": 1}, {"id": "b", "kind": "tag", "add": ["t"]}]
    flow = make_flow(nodes, [("start", "a"), ("a", "b"), ("b", "a")])
    (result,) = converse(flow, "oi")
    assert result.stop == "step_limit"
    assert len(result.trace) == flow.document.bot.step_limit
    assert event_names(result) == ["flow.step_limit"]


def test_step_limit_can_be_given_per_call():
    nodes = [{"id": "a", "kind": "set_variable", "name": "x", "value": 1}]
    flow = make_flow(nodes, [("start", "a"), ("a", "a")])
    result = step(flow, new_session(), Event.message("oi"), fake_ports(), step_limit=7)
    assert len(result.trace) == 7


def test_step_does_not_mutate_the_input_session():
    flow = make_flow(
        [{"id": "s", "kind": "set_variable", "name": "x", "value": 1}, {"id": "t", "kind": "tag", "add": ["a"]}],
        [("start", "s"), ("s", "t")],
    )
    session = new_session(variables={"y": 2})
    before = session.to_dict()
    result = step(flow, session, Event.message("oi"), fake_ports())
    assert session.to_dict() == before
    assert result.session.variables == {"y": 2, "x": 1}


def test_turns_and_last_text_are_recorded():
    result = converse(intents_flow(), "oi", "blá blá")[1]
    assert result.session.turns == 2
    assert result.session.last_text == "blá blá"


def test_archived_conversation_reopens_on_a_new_message():
    session = new_session(status="archived")
    result = converse(intents_flow(), "que horas vocês abrem", session=session)[0]
    assert result.session.status == "active"
    assert texts(result) == ["horario"]


def test_a_crashing_adapter_becomes_an_error_event():
    class Broken:
        def run(self, *, code, variables, timeout):
            raise RuntimeError("adapter bug")

    flow = make_flow([{"id": "c", "kind": "code", "code": "pass"}], [("start", "c")])
    (result,) = converse(flow, "oi", ports=fake_ports(code=Broken()))
    assert event_names(result) == ["flow.node.crashed"]
    assert result.stop == "error"


def test_a_crashing_matcher_falls_back():
    class Broken:
        def match(self, text, index, *, language):
            raise RuntimeError("nlu down")

    results = converse(intents_flow(), "oi", "que horas vocês abrem", ports=fake_ports(matcher=Broken()))
    assert texts(results[1]) == ["não entendi"]
