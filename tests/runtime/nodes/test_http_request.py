"""The ``http_request`` node: request, response fields to variables, ``ok`` or ``error`` (never a crash)."""

from __future__ import annotations

from flow_runtime import new_session
from flow_runtime.ports import HttpResponse
from flow_runtime.testing import FakeCodeRunner, FakeHttp, fake_ports
from flow_runtime.testing.builders import converse, event_names, texts
from tests.runtime.flows import act_flow


def test_http_ok_maps_response_fields():
    node = {
        "id": "h",
        "kind": "http_request",
        "method": "POST",
        "url": "https://api/pedidos/${id}",
        "headers": {"X-Id": "${id}"},
        "body": {"sabor": "${sabor}", "qtd": "${qtd}"},
        "response_map": {"numero": "data.pedido.numero", "primeiro": "$.data.itens.0"},
        "save_status_as": "status",
    }
    http = FakeHttp(
        {"POST https://api/pedidos/7": HttpResponse(201, {"data": {"pedido": {"numero": 99}, "itens": ["a"]}})}
    )
    session = new_session(variables={"id": 7, "sabor": "Calabresa", "qtd": 2})
    (result,) = converse(act_flow(node, ok="ok"), "oi", ports=fake_ports(http=http), session=session)
    assert http.calls[0]["body"] == {"sabor": "Calabresa", "qtd": 2}
    assert http.calls[0]["headers"] == {"X-Id": "7"}
    assert {k: result.session.variables[k] for k in ("numero", "primeiro", "status")} == {
        "numero": 99,
        "primeiro": "a",
        "status": 201,
    }


def test_http_error_status_takes_error():
    node = {"id": "h", "kind": "http_request", "url": "https://api/x"}
    http = FakeHttp({"https://api/x": HttpResponse(500, None, "oops")})
    (result,) = converse(act_flow(node, ok="ok"), "oi", ports=fake_ports(http=http))
    assert texts(result) == ["falhou"]
    assert result.outputs[0]["status"] == 500


def test_http_exception_takes_error_and_never_crashes():
    node = {"id": "h", "kind": "http_request", "url": "https://api/x"}
    http = FakeHttp({"https://api/x": TimeoutError("timed out")})
    (result,) = converse(act_flow(node, ok="ok"), "oi", ports=fake_ports(http=http))
    assert texts(result) == ["falhou"]
    assert event_names(result) == ["flow.http.error"]


def test_http_without_adapter_fails_cleanly():
    from flow_runtime.ports import Ports

    node = {"id": "h", "kind": "http_request", "url": "https://api/x"}
    ports = Ports(code=FakeCodeRunner())
    (result,) = converse(act_flow(node, ok="ok"), "oi", ports=ports)
    assert "no HTTP adapter" in result.outputs[0]["message"]
