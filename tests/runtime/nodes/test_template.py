"""The `template` node: an approved WhatsApp template with templated parameters, its checks, and conversation
tests that expect one."""

from __future__ import annotations

import pytest

from flow_runtime import new_session
from flow_runtime.chat import render_output
from flow_runtime.outputs import template_text
from flow_runtime.testing import parse_conversation, run_conversation
from flow_runtime.testing.builders import converse, make_doc, make_flow, visible
from flow_runtime.validate import validate_flow

TEMPLATE = {
    "id": "lembrete",
    "kind": "template",
    "name": "pedido_pronto",
    "language": "pt_BR",
    "parameters": ["${contact.name}", "#${pedido}", "R$ ${total}"],
    "fallback_text": "Oi ${contact.name}, seu pedido #${pedido} está pronto!",
}


def template_flow(node: dict | None = None):
    nodes = [
        {"id": "s", "kind": "set_variable", "name": "pedido", "value": 4512},
        {"id": "t", "kind": "set_variable", "name": "total", "value": 59.9},
        node or TEMPLATE,
        {"id": "depois", "kind": "message", "text": "Obrigada!"},
    ]
    return make_flow(
        nodes,
        [
            ("start", "s"),
            ("s", "t"),
            ("t", node["id"] if node else "lembrete"),
            (node["id"] if node else "lembrete", "depois"),
        ],
    )


def test_the_template_goes_out_with_its_parameters_rendered_then_the_flow_continues():
    flow = template_flow()
    assert flow.ok, flow.problems
    (result,) = converse(flow, "oi", session=new_session(contact={"name": "Ana"}))
    assert visible(result) == [
        {
            "type": "template",
            "name": "pedido_pronto",
            "language": "pt_BR",
            "parameters": ["Ana", "#4512", "R$ 59.9"],
            "fallback_text": "Oi Ana, seu pedido #4512 está pronto!",
        },
        {"type": "text", "text": "Obrigada!"},
    ]


def test_without_fallback_text_other_channels_show_the_name_and_parameters():
    node = {"id": "aviso", "kind": "template", "name": "aviso_geral", "parameters": ["${pedido}"]}
    (result,) = converse(template_flow(node), "oi")
    [output] = [o for o in result.outputs if o["type"] == "template"]
    assert output["fallback_text"] is None and output["language"] == "pt_BR"
    assert template_text(output) == "aviso_geral: 4512"
    assert template_text({**output, "parameters": []}) == "aviso_geral"
    assert template_text({**output, "fallback_text": "Seu pedido chegou"}) == "Seu pedido chegou"
    assert render_output(output) == ["bot: <template aviso_geral (pt_BR): 4512>"]


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"name": ""}, "template_no_name"),
        ({"name": "Pedido Pronto"}, "template_bad_name"),
        ({"language": "portuguese"}, "template_bad_language"),
        ({"parameters": ["${nome}", "  "]}, "template_empty_parameter"),
        ({"parameters": [f"p{i}" for i in range(21)]}, "template_too_many_parameters"),
    ],
)
def test_a_template_the_channel_would_refuse_is_a_validation_error(fields, code):
    flow, problems = validate_flow(make_doc([{**TEMPLATE, **fields}], [("start", "lembrete")]))
    assert flow is not None
    assert [(p.code, p.severity, p.node_id) for p in problems if p.code.startswith("template")] == [
        (code, "error", "lembrete")
    ]
    assert not flow.ok


@pytest.mark.parametrize("parameters", [[{"text": "Ana"}], "Ana", [1, 2], None])
def test_parameters_that_are_not_a_list_of_texts_do_not_load(parameters):
    flow, problems = validate_flow(make_doc([{**TEMPLATE, "parameters": parameters}], [("start", "lembrete")]))
    assert flow is None
    assert problems[0].code == "schema" and problems[0].node_id == "lembrete"
    assert "parameters" in problems[0].message


def test_a_misspelt_field_is_refused():
    flow, problems = validate_flow(make_doc([{**TEMPLATE, "params": ["x"]}], [("start", "lembrete")]))
    assert flow is None and problems[0].code == "unknown_field"


def test_variables_read_in_parameters_are_checked_like_any_template_text():
    node = {**TEMPLATE, "parameters": ["${cupom}"], "fallback_text": None}
    flow, problems = validate_flow(make_doc([node], [("start", "lembrete")]))
    assert [(p.code, p.message) for p in problems if p.code == "unknown_variable"] == [
        ("unknown_variable", "The variable 'cupom' is read here but no node sets it (and it is not a constant).")
    ]


def test_a_conversation_test_can_expect_a_template():
    flow = template_flow()
    passing = parse_conversation(
        '{"user": "oi"}\n'
        '{"bot": {"type": "template", "name": "pedido_pronto", "parameters": ["", "#4512", "R$ 59.9"]}}\n'
        '{"bot": {"type": "text", "text": "Obrigada!"}}',
        name="lembrete",
    )
    result = run_conversation(flow, passing)
    assert result.passed, result.report()

    wrong = run_conversation(
        flow,
        parse_conversation(
            '{"user": "oi"}\n{"bot": {"type": "template", "name": "pedido_pronto", "parameters": ["x"]}}', name="w"
        ),
    )
    assert not wrong.passed
    assert (
        "the bot said something else" in wrong.report() and '"parameters": ["", "#4512", "R$ 59.9"]' in wrong.report()
    )

    forgotten = run_conversation(
        flow, parse_conversation('{"user": "oi"}\n{"bot": {"type": "text", "text": "Obrigada!"}}', name="f")
    )
    assert not forgotten.passed  # an unexpected template is a message like any other
