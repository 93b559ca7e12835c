"""Logic node kinds: condition, set_variable, tag, go_to, wait."""

from __future__ import annotations

from datetime import UTC, datetime

from flow_runtime import Event, new_session
from flow_runtime.testing import FakeClock, fake_ports
from flow_runtime.testing.builders import converse, make_flow, texts

SAID = [{"id": "yes", "kind": "message", "text": "yes"}, {"id": "no", "kind": "message", "text": "no"}]


def condition_flow(rules, *, match="all", **extra):
    node = {"id": "c", "kind": "condition", "branches": [{"id": "br", "match": match, "rules": rules}]}
    return make_flow([node, *SAID], [("start", "c"), ("c", "br", "yes"), ("c", "else", "no")], **extra)


def decide(flow, **session):
    ports = session.pop("ports", None)
    return texts(converse(flow, "oi", session=new_session(**session), ports=ports)[0])


def test_condition_on_variable_takes_the_branch():
    flow = condition_flow([{"source": "variable", "name": "idade", "op": "gte", "value": 18}])
    assert decide(flow, variables={"idade": "21"}) == ["yes"]


def test_condition_falls_to_else():
    flow = condition_flow([{"source": "variable", "name": "idade", "op": "gte", "value": 18}])
    assert decide(flow, variables={"idade": 3}) == ["no"]


def test_condition_string_equality_ignores_case_and_accents():
    flow = condition_flow([{"name": "cidade", "op": "eq", "value": "São Paulo"}])
    assert decide(flow, variables={"cidade": "sao paulo"}) == ["yes"]


def test_condition_on_tag():
    flow = condition_flow([{"source": "tag", "name": "vip", "op": "exists"}])
    assert decide(flow, tags=["vip"]) == ["yes"]


def test_condition_on_constant_with_template_value():
    flow = condition_flow(
        [{"source": "constant", "name": "modo", "op": "eq", "value": "${esperado}"}], constants={"modo": "loja"}
    )
    assert decide(flow, variables={"esperado": "loja"}) == ["yes"]


def test_condition_on_channel():
    flow = condition_flow([{"source": "channel", "op": "in", "value": ["whatsapp", "telegram"]}])
    assert decide(flow, channel="whatsapp") == ["yes"]


def test_condition_on_weekday_uses_bot_timezone():
    flow = condition_flow([{"source": "weekday", "op": "in", "value": ["sun"]}])
    monday_0100_utc = FakeClock(datetime(2024, 6, 3, 1, 0, tzinfo=UTC))  # still Sunday in São Paulo
    assert decide(flow, ports=fake_ports(clock=monday_0100_utc)) == ["yes"]


def test_condition_on_time_window_across_midnight():
    flow = condition_flow([{"source": "time", "op": "between", "value": ["18:00", "02:00"]}])
    late = FakeClock(datetime(2024, 6, 4, 2, 30, tzinfo=UTC))  # 23:30 in São Paulo
    assert decide(flow, ports=fake_ports(clock=late)) == ["yes"]


def test_condition_any_needs_one_rule():
    rules = [{"name": "a", "op": "exists"}, {"name": "b", "op": "exists"}]
    assert decide(condition_flow(rules, match="any"), variables={"b": 1}) == ["yes"]


def test_condition_all_needs_every_rule():
    rules = [{"name": "a", "op": "exists"}, {"name": "b", "op": "exists"}]
    assert decide(condition_flow(rules), variables={"b": 1}) == ["no"]


def test_condition_regex_match():
    flow = condition_flow([{"name": "cep", "op": "matches", "value": r"^0\d{4}"}])
    assert decide(flow, variables={"cep": "01310-100"}) == ["yes"]


def test_uncomparable_values_make_the_rule_false():
    flow = condition_flow([{"name": "a", "op": "gt", "value": 3}])
    assert decide(flow, variables={"a": None}) == ["no"]


def test_set_variable_templates_strings():
    node = {"id": "s", "kind": "set_variable", "name": "msg", "value": "oi ${nome}"}
    (result,) = converse(make_flow([node], [("start", "s")]), "x", session=new_session(variables={"nome": "Ana"}))
    assert result.session.variables["msg"] == "oi Ana"


def test_set_variable_with_a_lone_placeholder_keeps_the_type():
    node = {"id": "s", "kind": "set_variable", "name": "copia", "value": "${n}"}
    (result,) = converse(make_flow([node], [("start", "s")]), "x", session=new_session(variables={"n": [1, 2]}))
    assert result.session.variables["copia"] == [1, 2]


def test_tag_adds_and_removes():
    node = {"id": "t", "kind": "tag", "add": ["cliente", "vip"], "remove": ["lead"]}
    (result,) = converse(make_flow([node], [("start", "t")]), "x", session=new_session(tags=["lead"]))
    assert result.session.tags == ["cliente", "vip"]


def test_go_to_jumps_to_the_intent_by_name():
    nodes = [
        {"id": "g", "kind": "go_to", "intent": "horario"},
        {"id": "i", "kind": "intent", "name": "horario", "topic": "t", "triggers": ["que horas abre"]},
        {"id": "m", "kind": "message", "text": "18h"},
    ]
    (result,) = converse(make_flow(nodes, [("start", "g"), ("i", "m")]), "oi")
    assert texts(result) == ["18h"]
    assert result.session.topic == "t"


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
