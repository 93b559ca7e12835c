"""``action`` nodes: reusable workspace actions from the catalog, their parameters and outcomes."""

from __future__ import annotations

import pytest

from flow_runtime.action_params import ParamError, coerce
from flow_runtime.ports import ActionDefinition, ActionParameter
from flow_runtime.session import new_session
from flow_runtime.testing import FakeActionCatalog, FakeActionServer, fake_ports
from flow_runtime.testing.builders import converse, make_doc, make_flow, texts
from flow_runtime.validate import validate_flow

FRETE = ActionDefinition(
    key="calcular_frete",
    name="Calcular frete",
    flavour="python",
    code=(
        "km = flow.params['km']\nflow.vars['frete'] = round(km * flow.params['por_km'], 2)\n"
        "if flow.params['expresso']:\n    flow.say('Entrega expressa!')\n"
        "if km > 20:\n    return 'longe'"
    ),
    parameters=(
        ActionParameter("km", "number", required=True),
        ActionParameter("por_km", "number", default=1.5),
        ActionParameter("expresso", "boolean", default=False),
        ActionParameter("extra", "json"),
    ),
    outcomes=("longe",),
)
RASA = ActionDefinition(
    key="pedido", name="Pedido", flavour="rasa", server_url="http://actions:5055", rasa_action="action_check_order"
)


def action_nodes(params, outcomes=("longe",), action="calcular_frete"):
    return [
        {"id": "a", "kind": "action", "action": action, "params": params, "outcomes": list(outcomes)},
        {"id": "ok", "kind": "message", "text": "Frete R$ ${frete}"},
        {"id": "far", "kind": "message", "text": "Longe demais"},
        {"id": "err", "kind": "message", "text": "falhou"},
    ]


EDGES = [("start", "a"), ("a", "ok", "ok"), ("a", "longe", "far"), ("a", "error", "err")]


def play(params, *, catalog=FakeActionCatalog.of(FRETE, RASA), variables=None, **ports):
    flow = make_flow(action_nodes(params), EDGES)
    (result,) = converse(
        flow, "oi", ports=fake_ports(actions=catalog, **ports), session=new_session(variables=variables or {})
    )
    return result


def error_message(result) -> str:
    return next(o for o in result.outputs if o["type"] == "event")["message"]


def test_rendered_params_reach_the_code_with_their_types():
    result = play({"km": "${distancia}", "expresso": "sim"}, variables={"distancia": "4"})
    assert texts(result) == ["Entrega expressa!", "Frete R$ 6"]


def test_a_declared_outcome_is_followed():
    assert texts(play({"km": 30})) == ["Longe demais"]


def test_a_missing_required_param_takes_error():
    result = play({"por_km": 2})
    assert texts(result) == ["falhou"] and error_message(result) == "parameter km is required"


def test_a_badly_typed_param_takes_error():
    result = play({"km": "${nome}"}, variables={"nome": "Ana"})
    assert texts(result) == ["falhou"] and error_message(result) == "parameter km must be a number, got 'Ana'"


def test_an_unknown_action_takes_error():
    result = play({"km": 1}, catalog=FakeActionCatalog())
    assert texts(result) == ["falhou"] and "does not exist" in error_message(result)


def test_rasa_actions_call_their_server():
    server = FakeActionServer(body={"events": [{"event": "slot", "name": "frete", "value": 9}], "responses": []})
    flow = make_flow(action_nodes({}, outcomes=(), action="pedido"), EDGES[:2] + EDGES[3:])
    (result,) = converse(flow, "oi", ports=fake_ports(actions=FakeActionCatalog.of(RASA), action_server=server))
    assert texts(result) == ["Frete R$ 9"]
    assert server.calls[0]["server_url"] == "http://actions:5055"
    assert server.calls[0]["payload"]["next_action"] == "action_check_order"


def test_design_time_problems_with_a_catalog():
    doc = make_doc(
        [
            *action_nodes({"km": "muito", "cor": "azul"}),
            {"id": "b", "kind": "action", "action": "sumiu"},
            {"id": "c", "kind": "action", "action": "calcular_frete", "outcomes": ["longe"]},
        ],
        [*EDGES, ("ok", "b"), ("b", "c")],
    )
    _, problems = validate_flow(doc, actions=FakeActionCatalog.of(FRETE))
    found = {(p.node_id, p.code) for p in problems}
    assert {("a", "bad_param"), ("a", "unknown_param"), ("b", "unknown_action"), ("c", "missing_param")} <= found
    assert ("b", "outcomes_changed") not in found


def test_without_a_catalog_only_the_shape_is_checked():
    _, problems = validate_flow(make_doc(action_nodes({}), EDGES))
    assert not [p for p in problems if p.code in ("unknown_action", "missing_param")]


def test_changed_outcomes_are_a_warning():
    doc = make_doc(action_nodes({"km": 1}, outcomes=()), [("start", "a")])
    _, problems = validate_flow(doc, actions=FakeActionCatalog.of(FRETE))
    assert "outcomes_changed" in {p.code for p in problems if p.severity == "warning"}


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("number", "12", 12),
        ("number", "2,5", 2.5),
        ("number", 3.0, 3.0),
        ("boolean", "não", False),
        ("boolean", True, True),
        ("text", 12, "12"),
        ("json", {"a": [1]}, {"a": [1]}),
    ],
)
def test_coercion(kind, value, expected):
    assert coerce(ActionParameter("p", kind), value) == expected


@pytest.mark.parametrize(
    ("kind", "value"),
    [("number", "abc"), ("number", True), ("boolean", "talvez"), ("text", {"a": 1}), ("number", "nan")],
)
def test_bad_values(kind, value):
    with pytest.raises(ParamError):
        coerce(ActionParameter("p", kind), value)
