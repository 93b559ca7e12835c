"""The ``start`` node: where a new session begins, and what its first message does."""

from __future__ import annotations

from flow_runtime import Event, compile, new_session, step
from flow_runtime.testing import fake_ports
from flow_runtime.testing.builders import converse, event_names, make_flow, texts
from tests.runtime.flows import intents_flow


def test_new_session_starts_at_start_when_no_intent_takes_the_first_text():
    flow = make_flow([{"id": "m", "kind": "message", "text": "Olá"}], [("start", "m")])
    (first,) = converse(flow, "quero pizza")
    assert texts(first) == ["Olá"]
    assert first.trace == ("start", "m")


def test_a_first_message_matching_an_intent_runs_the_intent_not_the_start():
    (first,) = converse(intents_flow(), "que horas vocês abrem?")
    assert texts(first) == ["horario"]
    assert first.session.status == "active"


def test_a_first_message_matching_no_intent_runs_the_start_not_the_fallback():
    assert texts(converse(intents_flow(), "oi")[0]) == ["Olá"]


def test_a_weak_first_match_runs_the_start_not_did_you_mean():
    assert texts(converse(intents_flow(), "pedido de bebida gelada agora")[0]) == ["Olá"]


def test_the_start_node_can_run_first_whatever_the_first_message_says():
    flow = intents_flow()
    doc = flow.document.model_dump()
    doc["nodes"][0]["first_message"] = "start"
    assert texts(converse(compile(doc), "que horas vocês abrem?")[0]) == ["Olá"]


def test_missing_start_gives_an_error_event():
    flow = compile({"schema_version": 1, "nodes": [{"id": "f", "kind": "fallback"}]})
    result = step(flow, new_session(), Event.message("oi"), fake_ports())
    assert event_names(result) == ["flow.start.missing"]
