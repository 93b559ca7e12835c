"""The ``set_variable`` node: strings are templated; a lone placeholder keeps the value's type."""

from __future__ import annotations

from flow_runtime import new_session
from flow_runtime.testing.builders import converse, make_flow


def test_set_variable_templates_strings():
    node = {"id": "s", "kind": "set_variable", "name": "msg", "value": "oi ${nome}"}
    (result,) = converse(make_flow([node], [("start", "s")]), "x", session=new_session(variables={"nome": "Ana"}))
    assert result.session.variables["msg"] == "oi Ana"


def test_set_variable_with_a_lone_placeholder_keeps_the_type():
    node = {"id": "s", "kind": "set_variable", "name": "copia", "value": "${n}"}
    (result,) = converse(make_flow([node], [("start", "s")]), "x", session=new_session(variables={"n": [1, 2]}))
    assert result.session.variables["copia"] == [1, 2]
