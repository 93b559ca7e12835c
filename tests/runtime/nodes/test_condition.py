"""The ``condition`` node: the first branch whose rules hold (variables, tags, constants, channel, time), else
``else``."""

from __future__ import annotations

from datetime import UTC, datetime

from flow_runtime import new_session
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
