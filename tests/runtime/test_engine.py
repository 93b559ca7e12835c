"""The interpreter: entry points, intents, the fallback chain, step limit, session handling."""

from __future__ import annotations

from flow_runtime import Event, compile, new_session, step
from flow_runtime.matching import IntentScore
from flow_runtime.testing import fake_ports
from flow_runtime.testing.builders import converse, event_names, make_flow, texts

TOPICS = [{"id": "t_pizza", "name": "Pizza"}, {"id": "t_info", "name": "Info"}]


def intents_flow(**bot):
    nodes = [
        {"id": "hi", "kind": "message", "text": "Olá"},
        {
            "id": "i_pedido",
            "kind": "intent",
            "name": "pedido",
            "topic": "t_pizza",
            "suggestion": "Fazer pedido",
            "triggers": ["quero pedir uma pizza", "fazer um pedido"],
        },
        {
            "id": "i_sabores",
            "kind": "intent",
            "name": "sabores",
            "topic": "t_pizza",
            "triggers": ["quais sabores de pizza vocês têm", "cardapio de sabores"],
        },
        {
            "id": "i_horario",
            "kind": "intent",
            "name": "horario",
            "topic": "t_info",
            "triggers": ["que horas vocês abrem", "horario de funcionamento"],
        },
        {"id": "m_pedido", "kind": "message", "text": "pedido"},
        {"id": "m_sabores", "kind": "message", "text": "sabores"},
        {"id": "m_horario", "kind": "message", "text": "horario"},
        {"id": "m_fallback", "kind": "message", "text": "não entendi"},
    ]
    edges = [
        ("start", "hi"),
        ("i_pedido", "m_pedido"),
        ("i_sabores", "m_sabores"),
        ("i_horario", "m_horario"),
        ("fallback", "m_fallback"),
    ]
    return make_flow(nodes, edges, topics=TOPICS, bot={"name": "B", "fallback": bot} if bot else {"name": "B"})


def test_intent_is_matched_from_free_text():
    assert texts(converse(intents_flow(), "oi", "Que horas voces abrem?")[1]) == ["horario"]


def test_intent_sets_the_conversation_topic():
    assert converse(intents_flow(), "oi", "quero pedir uma pizza")[1].session.topic == "t_pizza"


def test_nothing_matched_runs_the_fallback():
    assert texts(converse(intents_flow(), "oi", "asdfgh qwerty")[1]) == ["não entendi"]


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


def test_event_node_handles_received_media():
    nodes = [
        {"id": "ev", "kind": "event", "event": "image"},
        {"id": "m", "kind": "message", "text": "foto: ${last_image}"},
    ]
    flow = make_flow(nodes, [("ev", "m")])
    result = converse(flow, "oi", Event.media("image", "https://x/y.jpg"))[1]
    assert texts(result) == ["foto: https://x/y.jpg"]


def test_inactivity_picks_the_longest_elapsed_handler():
    nodes = [
        {"id": "e5", "kind": "event", "event": "inactivity", "minutes": 5},
        {"id": "e30", "kind": "event", "event": "inactivity", "minutes": 30},
        {"id": "m5", "kind": "message", "text": "ainda aí?"},
        {"id": "m30", "kind": "message", "text": "tchau"},
    ]
    flow = make_flow(nodes, [("e5", "m5"), ("e30", "m30")])
    assert texts(converse(flow, "oi", Event.inactivity(40))[1]) == ["tchau"]
    assert texts(converse(flow, "oi", Event.inactivity(6))[1]) == ["ainda aí?"]


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


def test_an_event_node_path_keeps_a_pending_menu_waiting():
    nodes = [
        {"id": "menu", "kind": "buttons", "text": "Escolha", "buttons": [{"id": "b1", "label": "Um"}]},
        {"id": "m1", "kind": "message", "text": "um!"},
        {"id": "ev", "kind": "event", "event": "location"},
        {"id": "m_loc", "kind": "message", "text": "obrigado"},
    ]
    flow = make_flow(nodes, [("start", "menu"), ("menu", "b1", "m1"), ("ev", "m_loc")])
    result = converse(flow, "oi", Event.location(-23.5, -46.6))[1]
    assert texts(result) == ["obrigado"]
    assert result.session.cursor == "menu"


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


def test_missing_start_gives_an_error_event():
    from flow_runtime import compile

    flow = compile({"schema_version": 1, "nodes": [{"id": "f", "kind": "fallback"}]})
    result = step(flow, new_session(), Event.message("oi"), fake_ports())
    assert event_names(result) == ["flow.start.missing"]


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
