"""Static checks: one test per problem kind."""

from __future__ import annotations

import networkx as nx
import pytest

from flow_runtime import compile, validate_flow
from flow_runtime.testing.builders import make_doc, make_flow


def codes(flow, severity=None):
    return [p.code for p in flow.problems if severity is None or p.severity == severity]


def problem(flow, code):
    return next(p for p in flow.problems if p.code == code)


def test_pizzaria_has_no_errors(packaged_examples):
    flow = compile(packaged_examples / "pizzaria.flow.json")
    assert flow.ok, flow.errors


def test_graph_is_a_multidigraph_keyed_by_handle(packaged_examples):
    flow = compile(packaged_examples / "pizzaria.flow.json")
    assert isinstance(flow.graph, nx.MultiDiGraph)
    assert flow.graph.has_edge("menu", "cardapio", key="b_pedido")
    assert flow.transitions[("q_email", "invalid")] == "sem_email"


def test_missing_start():
    flow = compile({"nodes": [{"id": "f", "kind": "fallback"}], "schema_version": 1})
    assert "missing_start" in codes(flow, "error")


def test_multiple_start():
    flow = make_flow([{"id": "s1", "kind": "start"}, {"id": "s2", "kind": "start"}])
    assert problem(flow, "multiple_start").node_id == "s2"


def test_missing_fallback():
    flow = compile({"nodes": [{"id": "s", "kind": "start"}], "schema_version": 1})
    assert "missing_fallback" in codes(flow, "error")


def test_multiple_fallback():
    flow = make_flow([{"id": "f1", "kind": "fallback"}, {"id": "f2", "kind": "fallback"}])
    assert problem(flow, "multiple_fallback").node_id == "f2"


def test_duplicate_node_id():
    flow = make_flow([{"id": "m", "kind": "message", "text": "a"}, {"id": "m", "kind": "message", "text": "b"}])
    assert "duplicate_node_id" in codes(flow, "error")


def test_dangling_edge():
    flow = make_flow([], [("start", "nowhere")])
    found = problem(flow, "dangling_edge")
    assert found.severity == "error" and found.node_id == "start" and "nowhere" in found.message


def test_unknown_handle():
    flow = make_flow([{"id": "m", "kind": "message", "text": "a"}], [("start", "m"), ("m", "valid", "start")])
    assert problem(flow, "unknown_handle").node_id == "m"


def test_duplicate_exit():
    nodes = [{"id": "a", "kind": "message", "text": "a"}, {"id": "b", "kind": "message", "text": "b"}]
    flow = make_flow(nodes, [("start", "a"), ("start", "b")])
    assert problem(flow, "duplicate_exit").node_id == "start"


def test_unreachable_node_is_a_warning():
    flow = make_flow([{"id": "lost", "kind": "message", "text": "a"}])
    assert problem(flow, "unreachable").severity == "warning"
    assert problem(flow, "unreachable").node_id == "lost"


def test_unconnected_button_is_a_dead_end():
    buttons = {"id": "b", "kind": "buttons", "text": "?", "buttons": [{"id": "yes", "label": "Sim"}]}
    flow = make_flow([buttons], [("start", "b")])
    assert problem(flow, "dead_end").node_id == "b"


def test_intent_without_next_is_a_dead_end():
    flow = make_flow([{"id": "i", "kind": "intent", "name": "x", "triggers": ["oi tudo bem"]}])
    assert "dead_end" in codes(flow, "warning")


def test_code_without_error_path_is_warned():
    flow = make_flow([{"id": "c", "kind": "code", "code": "pass"}], [("start", "c")])
    assert problem(flow, "no_error_path").node_id == "c"


def test_loop_without_wait_is_an_error():
    nodes = [{"id": "a", "kind": "message", "text": "a"}, {"id": "b", "kind": "message", "text": "b"}]
    flow = make_flow(nodes, [("start", "a"), ("a", "b"), ("b", "a")])
    found = problem(flow, "loop_without_wait")
    assert found.severity == "error" and "a, b" in found.message


def test_loop_through_a_condition_is_a_warning():
    nodes = [
        {"id": "a", "kind": "set_variable", "name": "n", "value": 1},
        {
            "id": "c",
            "kind": "condition",
            "branches": [{"id": "done", "rules": [{"name": "n", "op": "eq", "value": 1}]}],
        },
    ]
    flow = make_flow(nodes, [("start", "a"), ("a", "c"), ("c", "else", "a")])
    assert problem(flow, "loop_may_not_wait").severity == "warning"


def test_loop_through_a_question_is_fine():
    nodes = [{"id": "q", "kind": "question", "text": "?"}, {"id": "m", "kind": "message", "text": "ok"}]
    flow = make_flow(nodes, [("start", "q"), ("q", "valid", "m"), ("m", "q")])
    assert not {"loop_without_wait", "loop_may_not_wait"} & set(codes(flow))


def test_go_to_self_loop_without_wait():
    nodes = [
        {"id": "i", "kind": "intent", "name": "x", "triggers": ["oi tudo bem"]},
        {"id": "g", "kind": "go_to", "intent": "x"},
    ]
    flow = make_flow(nodes, [("i", "g")])
    assert "loop_without_wait" in codes(flow, "error")


def test_variable_read_but_never_set():
    flow = make_flow([{"id": "m", "kind": "message", "text": "Oi ${nome}"}], [("start", "m")])
    found = problem(flow, "unknown_variable")
    assert found.severity == "warning" and "nome" in found.message


def test_constants_and_code_writes_count_as_set():
    nodes = [
        {"id": "c", "kind": "code", "code": "variables['total'] = 1"},
        {"id": "m", "kind": "message", "text": "${total} ${loja} ${contact.name}"},
    ]
    flow = make_flow(nodes, [("start", "c"), ("c", "m")], constants={"loja": "X"})
    assert "unknown_variable" not in codes(flow)


def test_variable_in_condition_rule_is_checked():
    node = {
        "id": "c",
        "kind": "condition",
        "branches": [{"id": "b", "rules": [{"name": "idade", "op": "gt", "value": 1}]}],
    }
    flow = make_flow([node], [("start", "c")])
    assert "unknown_variable" in codes(flow)


def test_too_many_buttons():
    buttons = [{"id": f"b{i}", "label": f"Opção {i}"} for i in range(11)]
    flow = make_flow([{"id": "b", "kind": "buttons", "text": "?", "buttons": buttons}], [("start", "b")])
    assert problem(flow, "too_many_buttons").severity == "error"


def test_no_buttons():
    flow = make_flow([{"id": "b", "kind": "buttons", "text": "?", "buttons": []}], [("start", "b")])
    assert "no_buttons" in codes(flow, "error")


def test_label_too_long():
    node = {"id": "b", "kind": "buttons", "text": "?", "buttons": [{"id": "x", "label": "a" * 21}]}
    flow = make_flow([node], [("start", "b")])
    assert "21 characters" in problem(flow, "label_too_long").message


def test_empty_label():
    node = {"id": "b", "kind": "buttons", "text": "?", "buttons": [{"id": "x", "label": "  "}]}
    assert "empty_label" in codes(make_flow([node]), "error")


def test_duplicate_label_is_a_warning():
    node = {
        "id": "b",
        "kind": "buttons",
        "text": "?",
        "buttons": [{"id": "x", "label": "Sim"}, {"id": "y", "label": "sim"}],
    }
    assert problem(make_flow([node]), "duplicate_label").severity == "warning"


def test_reserved_handle_id():
    node = {"id": "b", "kind": "buttons", "text": "?", "buttons": [{"id": "next", "label": "Sim"}]}
    assert "reserved_handle_id" in codes(make_flow([node]), "error")


def test_duplicate_button_id_across_nodes():
    a = {"id": "a", "kind": "buttons", "text": "?", "buttons": [{"id": "x", "label": "Sim"}]}
    b = {"id": "b", "kind": "buttons", "text": "?", "buttons": [{"id": "x", "label": "Não"}]}
    assert problem(make_flow([a, b]), "duplicate_button_id").node_id == "b"


def test_carousel_limits():
    cards = [
        {"id": f"c{i}", "title": "", "buttons": [{"id": f"c{i}b{j}", "label": "L"} for j in range(4)]}
        for i in range(11)
    ]
    flow = make_flow([{"id": "k", "kind": "carousel", "cards": cards}])
    assert {"too_many_cards", "too_many_buttons", "empty_title"} <= set(codes(flow, "error"))


def test_no_cards():
    assert "no_cards" in codes(make_flow([{"id": "k", "kind": "carousel", "cards": []}]), "error")


def test_empty_message():
    assert "empty_message" in codes(make_flow([{"id": "m", "kind": "message", "text": " "}]), "error")


def test_trigger_with_one_word():
    node = {"id": "i", "kind": "intent", "name": "oi", "triggers": ["oi"]}
    assert "at least 2 words" in problem(make_flow([node]), "trigger_too_short").message


def test_too_many_triggers():
    node = {"id": "i", "kind": "intent", "name": "x", "triggers": [f"frase numero {i}" for i in range(71)]}
    assert "too_many_triggers" in codes(make_flow([node]), "error")


def test_same_trigger_in_two_intents():
    a = {"id": "a", "kind": "intent", "name": "a", "triggers": ["Quero pizza"]}
    b = {"id": "b", "kind": "intent", "name": "b", "triggers": ["quero PIZZA!"]}
    assert problem(make_flow([a, b]), "duplicate_trigger").node_id == "b"


def test_repeated_trigger_in_one_intent_is_a_warning():
    node = {"id": "i", "kind": "intent", "name": "x", "triggers": ["bom dia", "Bom dia!"]}
    assert problem(make_flow([node]), "repeated_trigger").severity == "warning"


def test_intent_without_triggers_is_warned():
    assert "no_triggers" in codes(make_flow([{"id": "i", "kind": "intent", "name": "x"}]), "warning")


def test_duplicate_intent_name():
    a = {"id": "a", "kind": "intent", "name": "x", "triggers": ["um dois"]}
    b = {"id": "b", "kind": "intent", "name": "x", "triggers": ["tres quatro"]}
    assert "duplicate_intent_name" in codes(make_flow([a, b]), "error")


def test_unknown_topic_is_warned():
    node = {"id": "i", "kind": "intent", "name": "x", "topic": "t_nope", "triggers": ["um dois"]}
    assert "unknown_topic" in codes(make_flow([node]), "warning")


def test_go_to_unknown_intent():
    assert "unknown_intent" in codes(make_flow([{"id": "g", "kind": "go_to", "intent": "nope"}]), "error")


def test_unknown_entity_list():
    node = {"id": "q", "kind": "question", "text": "?", "input": {"type": "entity", "entity": "sabores"}}
    assert "unknown_entity" in codes(make_flow([node]), "error")


def test_choice_without_options():
    node = {"id": "q", "kind": "question", "text": "?", "input": {"type": "choice", "options": []}}
    assert "no_options" in codes(make_flow([node]), "error")


def test_invalid_pattern():
    node = {"id": "q", "kind": "question", "text": "?", "input": {"type": "text", "pattern": "(["}}
    assert "invalid_pattern" in codes(make_flow([node]), "error")


def test_invalid_range():
    node = {"id": "q", "kind": "question", "text": "?", "input": {"type": "number", "min": 5, "max": 1}}
    assert "invalid_range" in codes(make_flow([node]), "error")


def test_code_syntax_error():
    found = problem(make_flow([{"id": "c", "kind": "code", "code": "x = (1,"}]), "code_syntax")
    assert found.severity == "error" and "line 1" in found.message


def test_empty_code():
    assert "empty_code" in codes(make_flow([{"id": "c", "kind": "code", "code": ""}]), "error")


def test_condition_without_branches():
    assert "no_branches" in codes(make_flow([{"id": "c", "kind": "condition"}]), "warning")


def test_duplicate_event_handler():
    a = {"id": "a", "kind": "event", "event": "image"}
    b = {"id": "b", "kind": "event", "event": "image"}
    assert problem(make_flow([a, b]), "duplicate_event").node_id == "b"


def test_errors_come_before_warnings():
    flow = make_flow([{"id": "lost", "kind": "message", "text": "a"}, {"id": "g", "kind": "go_to", "intent": "x"}])
    severities = [p.severity for p in flow.problems]
    assert severities == sorted(severities, key=lambda s: s != "error")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (make_doc([{"id": "b", "kind": "buttons", "buttns": []}]), "unknown_field"),
        (make_doc([{"id": "b", "kind": "teleport"}]), "unknown_kind"),
        (make_doc([{"id": "m", "kind": "message", "delay_seconds": -1}]), "schema"),
        ({"schema_version": 99}, "schema_version"),
        ("{not json", "not_json"),
    ],
)
def test_validate_flow_reports_load_problems_with_the_node(raw, code):
    flow, problems = validate_flow(raw)
    assert flow is None
    assert problems[0].code == code
    if code in ("unknown_field", "unknown_kind", "schema"):
        assert problems[0].node_id in ("b", "m")
