"""Action node kinds: code, http_request, send_email, search, assign, mute_bot, archive, end."""

from __future__ import annotations

from flow_runtime import new_session
from flow_runtime.ports import CodeResult, HttpResponse, SearchHit
from flow_runtime.testing import FakeCodeRunner, FakeEmail, FakeHttp, FakeSearch, fake_ports
from flow_runtime.testing.builders import converse, event_names, make_flow, texts

OK = {"id": "ok", "kind": "message", "text": "ok"}
ERR = {"id": "err", "kind": "message", "text": "falhou"}


def act_flow(node, ok="next", error="error"):
    edges = [("start", node["id"]), (node["id"], ok, "ok")]
    if error:
        edges.append((node["id"], error, "err"))
    return make_flow([node, OK, ERR], edges)


def test_code_reads_and_writes_variables():
    node = {"id": "c", "kind": "code", "code": "variables['dobro'] = variables['n'] * 2"}
    (result,) = converse(act_flow(node), "oi", session=new_session(variables={"n": 21}))
    assert result.session.variables == {"n": 21, "dobro": 42}
    assert texts(result) == ["ok"]


def test_code_may_delete_variables():
    node = {"id": "c", "kind": "code", "code": "del variables['tmp']"}
    (result,) = converse(act_flow(node), "oi", session=new_session(variables={"tmp": 1, "k": 2}))
    assert result.session.variables == {"k": 2}


def test_code_failure_takes_error_with_an_event():
    node = {"id": "c", "kind": "code", "code": "x"}
    ports = fake_ports(code=FakeCodeRunner(result=CodeResult(False, error="timeout", message="too slow")))
    (result,) = converse(act_flow(node), "oi", ports=ports)
    assert texts(result) == ["falhou"]
    assert result.outputs[0]["name"] == "flow.code.error" and result.outputs[0]["error"] == "timeout"


def test_code_failure_without_error_edge_stops_the_path_safely():
    node = {"id": "c", "kind": "code", "code": "raise ValueError('boom')"}
    (result,) = converse(act_flow(node, error=None), "oi")
    assert texts(result) == []
    assert event_names(result) == ["flow.code.error"]
    assert result.stop == "end"


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


def test_send_email_renders_and_sends():
    node = {"id": "e", "kind": "send_email", "to": "${email}", "subject": "Pedido", "body": "Total ${total}"}
    email = FakeEmail()
    session = new_session(variables={"email": "a@b.co", "total": 45})
    converse(act_flow(node), "oi", ports=fake_ports(email=email), session=session)
    assert email.outbox == [{"to": "a@b.co", "subject": "Pedido", "body": "Total 45", "cc": []}]


def test_send_email_failure_takes_error():
    node = {"id": "e", "kind": "send_email", "to": "a@b.co"}
    (result,) = converse(act_flow(node), "oi", ports=fake_ports(email=FakeEmail(fail=True)))
    assert texts(result) == ["falhou"]


def test_search_found_replies_and_saves():
    node = {"id": "s", "kind": "search", "query": "horario ${x}", "save_as": "achados"}
    search = FakeSearch([SearchHit("Horários", "https://loja/h", "Abrimos às 18h")])
    (result,) = converse(
        act_flow(node, ok="found", error="not_found"),
        "oi",
        ports=fake_ports(search=search),
        session=new_session(variables={"x": "loja"}),
    )
    assert search.queries == ["horario loja"]
    assert texts(result)[0].startswith("Horários\nAbrimos às 18h")
    assert result.session.variables["achados"][0]["url"] == "https://loja/h"


def test_search_without_hits_takes_not_found():
    node = {"id": "s", "kind": "search"}
    (result,) = converse(act_flow(node, ok="found", error="not_found"), "oi")
    assert texts(result) == ["falhou"]


def test_search_error_is_not_found_with_event():
    node = {"id": "s", "kind": "search"}
    ports = fake_ports(search=FakeSearch(error=RuntimeError("down")))
    (result,) = converse(act_flow(node, ok="found", error="not_found"), "oi", ports=ports)
    assert event_names(result) == ["flow.search.error"]


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


def test_mute_bot_silences_until_the_time_passes():
    from flow_runtime.testing import FakeClock

    clock = FakeClock()
    flow = make_flow([{"id": "m", "kind": "mute_bot", "minutes": 10}, OK], [("start", "m"), ("m", "ok")])
    ports = fake_ports(clock=clock)
    first, second = converse(flow, "oi", "alô", ports=ports)
    assert second.stop == "muted"
    clock.advance(minutes=11)
    third = converse(flow, "de novo", ports=ports, session=second.session)[0]
    assert third.stop != "muted" and third.session.muted is False


def test_archive_marks_the_session_archived():
    (result,) = converse(make_flow([{"id": "a", "kind": "archive"}], [("start", "a")]), "oi")
    assert result.session.status == "archived"
    assert event_names(result) == ["flow.conversation.archived"]


def test_end_stops_the_path():
    nodes = [{"id": "e", "kind": "end"}]
    (result,) = converse(make_flow(nodes, [("start", "e")]), "oi")
    assert result.stop == "end" and result.trace == ("start", "e")
