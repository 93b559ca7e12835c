"""The ``assign`` node: hands the conversation to a queue, an agent or a bot, and the bot goes silent."""

from __future__ import annotations

from flow_runtime.testing.builders import converse, make_flow


def test_assign_to_queue_hands_off_and_changes_owner():
    (result,) = converse(make_flow([{"id": "a", "kind": "assign", "to": {"queue": "vendas"}}], [("start", "a")]), "oi")
    assert result.outputs == [{"type": "handoff", "queue": "vendas"}]
    assert (result.session.owner_kind, result.session.owner_id) == ("queue", "vendas")


def test_assign_to_agent():
    (result,) = converse(make_flow([{"id": "a", "kind": "assign", "to": {"agent": "ana"}}], [("start", "a")]), "oi")
    assert result.outputs == [{"type": "handoff", "agent": "ana"}]


def test_after_handoff_the_bot_stays_silent():
    flow = make_flow([{"id": "a", "kind": "assign", "to": {"bot": "outro"}}], [("start", "a")])
    second = converse(flow, "oi", "alô?")[1]
    assert second.outputs == [] and second.stop == "not_owner"
