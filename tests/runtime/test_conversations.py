"""JSONL conversation tests: the pizzaria references, and the runner's own behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest

from flow_runtime import compile
from flow_runtime.testing import ConversationTestError, parse_conversation, run_conversation
from flow_runtime.testing.builders import make_flow

PACKAGED = Path(__file__).resolve().parents[2] / "flow_runtime" / "examples"
NAMES = ["pizzaria.happy-path", "pizzaria.nlu-and-retries", "pizzaria.fallback-and-handoff"]


@pytest.mark.parametrize("name", NAMES)
def test_shared_pizzaria_conversations_pass(shared_examples, name):
    flow = compile(shared_examples / "pizzaria.flow.json")
    result = run_conversation(flow, parse_conversation(shared_examples / f"{name}.test.jsonl"))
    assert result.passed, result.report()


@pytest.mark.parametrize("name", NAMES)
def test_packaged_pizzaria_conversations_pass(name):
    flow = compile(PACKAGED / "pizzaria.flow.json")
    result = run_conversation(flow, parse_conversation(PACKAGED / f"{name}.test.jsonl"))
    assert result.passed, result.report()


def simple_flow():
    nodes = [
        {"id": "m", "kind": "message", "text": "Olá", "delay_seconds": 1},
        {
            "id": "b",
            "kind": "buttons",
            "text": "Quer?",
            "buttons": [{"id": "s", "label": "Sim"}, {"id": "n", "label": "Não"}],
        },
        {"id": "t", "kind": "tag", "add": ["quer"]},
    ]
    return make_flow(nodes, [("start", "m"), ("m", "b"), ("b", "s", "t")])


def run(text):
    return run_conversation(simple_flow(), parse_conversation(text, name="t"))


def test_a_matching_conversation_passes_and_skips_typing():
    result = run(
        '{"user": "oi"}\n{"bot": {"type": "text", "text": "Olá"}}\n'
        '{"bot": {"type": "buttons", "buttons": ["Sim", "Não"]}}\n{"user_click": "s"}\n{"expect_tags": ["quer"]}'
    )
    assert result.passed, result.report()


def test_typing_can_be_asserted_explicitly():
    result = run(
        '{"user": "oi"}\n{"bot": {"type": "typing", "seconds": 1}}\n{"bot": {"type": "text", "text": "Olá"}}\n'
        '{"bot": {"type": "buttons", "text": "Quer?"}}'
    )
    assert result.passed, result.report()


def test_wrong_text_reports_expected_and_actual():
    result = run('{"user": "oi"}\n{"bot": {"type": "text", "text": "Oi"}}')
    assert not result.passed
    report = result.report()
    assert "line 2: the bot said something else" in report
    assert '- expected: {"type": "text", "text": "Oi"}' in report
    assert '+ actual:   {"type": "text", "text": "Olá"}' in report


def test_unexpected_extra_output_fails():
    result = run('{"user": "oi"}\n{"bot": {"type": "text", "text": "Olá"}}\n{"user": "Sim"}')
    assert "1 more message(s) than expected" in result.report()


def test_missing_output_fails():
    result = run(
        '{"user": "oi"}\n{"bot": {"type": "text", "text": "Olá"}}\n{"bot": {"type": "buttons"}}\n'
        '{"bot": {"type": "text", "text": "mais"}}'
    )
    assert "the bot said nothing more" in result.report()


def test_variables_mismatch_is_reported():
    result = run(
        '{"user": "oi"}\n{"bot": {"type": "text", "text": "Olá"}}\n{"bot": {"type": "buttons"}}\n'
        '{"expect_variables": {"x": 1}}'
    )
    assert result.failures[0].actual == {"x": "<unset>"}


def test_tags_are_compared_as_a_set():
    result = run(
        '{"user": "oi"}\n{"bot": {"type": "text"}}\n{"bot": {"type": "buttons"}}\n{"user": "sim"}\n{"expect_tags": []}'
    )
    assert result.failures[0].message == "tags differ"


def test_bad_json_line_is_reported_with_its_number():
    with pytest.raises(ConversationTestError, match="line 2"):
        parse_conversation('{"user": "oi"}\n{nope')


def test_unknown_line_kind_is_rejected():
    with pytest.raises(ConversationTestError, match="line 1"):
        parse_conversation('{"assistant": "oi"}')


def test_a_line_with_the_wrong_value_type_is_refused_when_parsed():
    import pytest

    from flow_runtime.testing import ConversationTestError, parse_conversation

    with pytest.raises(ConversationTestError, match="line 2: 'expect_variables' must be an object"):
        parse_conversation('{"user": "oi"}\n{"expect_variables": "{}"}\n')
    with pytest.raises(ConversationTestError, match="'expect_tags' must be a list"):
        parse_conversation('{"expect_tags": "cliente"}\n')
