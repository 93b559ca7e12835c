"""The ``code`` node in conversations: variables, the flow API, outcomes, the `next` alias, failures and hazards
stopped on `error`."""

from __future__ import annotations

import sys

import pytest

from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
from flow_runtime.adapters.http_urllib import UrllibHttpClient
from flow_runtime.ports import CodeResult, NetworkPolicy
from flow_runtime.session import new_session
from flow_runtime.testing import FakeCodeRunner, fake_ports
from flow_runtime.testing.builders import converse, event_names, make_flow, texts, visible
from tests.runtime.flows import act_flow
from tests.runtime.local_http import local_server

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox needs Linux")


def code_flow(code: str, *, outcomes=(), allowed_hosts=(), error_edge=True, handle="ok"):
    nodes = [
        {
            "id": "c",
            "kind": "code",
            "code": code,
            "outcomes": list(outcomes),
            "allowed_hosts": list(allowed_hosts),
            "timeout_seconds": 1.5,
        },
        {"id": "done", "kind": "message", "text": "pronto ${total}"},
        {"id": "sorry", "kind": "message", "text": "Desculpe, tive um problema."},
        {"id": "vip", "kind": "message", "text": "Atendimento VIP"},
        {"id": "fallback", "kind": "fallback"},
        {"id": "fb", "kind": "message", "text": "Não entendi"},
    ]
    edges = [("start", "c"), ("c", handle, "done"), ("fallback", "fb")]
    if error_edge:
        edges.append(("c", "error", "sorry"))
    if "vip" in outcomes:
        edges.append(("c", "vip", "vip"))
    return make_flow(nodes, edges)


def error_message(result) -> str:
    (event,) = [o for o in result.outputs if o["type"] == "event"]
    return event["message"]


def sandboxed(**overrides):
    return fake_ports(code=SubprocessCodeRunner(memory_mb=256), http=UrllibHttpClient(), **overrides)


def test_flow_vars_and_say_in_process():
    flow = code_flow("flow.vars['total'] = 45\nflow.say('Calculando...')")
    (result,) = converse(flow, "oi")
    assert texts(result) == ["Calculando...", "pronto 45"]


def test_a_returned_outcome_follows_its_handle():
    flow = code_flow(
        "flow.vars['total'] = 1\nif flow.contact.get('plan') == 'gold':\n    return 'vip'", outcomes=["vip"]
    )
    (result,) = converse(flow, "oi", session=new_session(contact={"plan": "gold"}))
    assert texts(result) == ["Atendimento VIP"]


def test_flow_outcome_attribute_works_too():
    (result,) = converse(code_flow("flow.outcome = 'vip'", outcomes=["vip"]), "oi")
    assert texts(result) == ["Atendimento VIP"]


def test_an_undeclared_outcome_takes_error_with_a_clear_message():
    (result,) = converse(code_flow("return 'gold'", outcomes=["vip"]), "oi")
    assert texts(result) == ["Desculpe, tive um problema."]
    event = next(o for o in result.outputs if o["type"] == "event")
    assert event["error"] == "bad_outcome" and "'gold'" in event["message"] and "vip" in event["message"]


def test_returning_a_dict_sets_variables():
    (result,) = converse(code_flow("return {'total': 99}"), "oi")
    assert texts(result) == ["pronto 99"] and result.session.variables["total"] == 99


def test_tags_changed_by_code_reach_the_session():
    (result,) = converse(
        code_flow("flow.tag('vip')\nflow.untag('lead')\nflow.vars['total'] = 0"),
        "oi",
        session=new_session(tags=["lead"]),
    )
    assert result.session.tags == ["vip"]


def test_old_documents_connecting_next_still_continue():
    flow = code_flow("variables['total'] = 42", handle="next")
    assert not flow.errors
    (result,) = converse(flow, "oi")
    assert texts(result) == ["pronto 42"]


def test_connecting_both_ok_and_next_is_an_error():
    flow = make_flow(
        [{"id": "c", "kind": "code", "code": "pass"}, {"id": "m", "kind": "message", "text": "x"}],
        [("start", "c"), ("c", "ok", "m"), ("c", "next", "m")],
    )
    assert "duplicate_exit" in [p.code for p in flow.errors]


def test_return_is_valid_syntax_for_the_compiler():
    flow = code_flow("if True:\n    return 'vip'", outcomes=["vip"])
    assert not [p for p in flow.errors if p.code == "code_syntax"]


def test_reserved_or_bad_outcome_names_are_problems():
    flow = code_flow("pass", outcomes=["ok", "bad name", "vip", "vip"])
    assert [p.code for p in flow.errors].count("bad_outcome") == 3


def test_bad_allowed_hosts_are_problems():
    flow = code_flow("pass", allowed_hosts=["https://api.example.com/v1", "api.example.com:8443", "*.example.com"])
    assert [p.message for p in flow.errors if p.code == "bad_host"] == [
        "'https://api.example.com/v1' is not a host name: write api.example.com, api.example.com:8443 or "
        "*.example.com (no http:// and no path)."
    ]


def test_messages_of_unknown_types_are_refused():
    from flow_runtime.nodes._code_run import sanitize_messages

    with pytest.raises(ValueError, match="cannot show"):
        sanitize_messages([{"type": "handoff", "queue": "x"}])


@linux_only
@pytest.mark.parametrize(
    ("code", "error", "words"),
    [
        ("while True:\n    pass", ("cpu_limit", "timeout"), "stopped"),
        ("blob = bytearray(2 * 1024 ** 3)", ("memory_limit",), "memory"),
        ("import socket\nsocket.create_connection(('93.184.216.34', 80))", ("sandbox_violation",), "socket"),
        (
            "flow.vars['env'] = open('/proc/self/environ').read()",
            ("sandbox_violation",),
            "reading files is not allowed",
        ),
        (
            "import os\nflow.vars['env'] = open(f'/proc/{os.getppid()}/environ').read()",
            ("sandbox_violation",),
            "reading files",
        ),
        (
            "flow.vars['page'] = flow.http.get('https://example.org/').text",
            ("exception",),
            "not in this action's allowed hosts",
        ),
    ],
)
def test_hazards_end_on_error_and_the_conversation_goes_on(code, error, words):
    flow = code_flow(code)
    first, second = converse(flow, "oi", "quero pizza", ports=sandboxed())
    assert texts(first) == ["Desculpe, tive um problema."]
    (event,) = [o for o in first.outputs if o["type"] == "event"]
    assert event["name"] == "flow.code.error" and event["error"] in error and words in event["message"]
    assert "env" not in first.session.variables
    assert texts(second) == ["Não entendi"]


@linux_only
def test_a_hazard_without_an_error_edge_stops_the_path_quietly():
    (result,) = converse(code_flow("while True: pass", error_edge=False), "oi", ports=sandboxed())
    assert visible(result) == [] and event_names(result) == ["flow.code.error"]


@linux_only
def test_allow_listed_http_through_the_parent():
    with local_server() as server:
        code = (
            "order = flow.http.get(f'" + server.base + "/order', params={'id': flow.vars['id']}).json()\n"
            "flow.vars['total'] = order['status']"
        )
        flow = code_flow(code, allowed_hosts=[server.host])
        (result,) = converse(flow, "oi", ports=sandboxed(), session=new_session(variables={"id": 7}))
    assert texts(result) == ["pronto late"]
    assert server.requests[0]["path"] == "/order?id=7"


@linux_only
def test_a_hostname_resolving_to_loopback_is_refused_unless_allowed():
    with local_server() as server:
        code = f"flow.vars['total'] = flow.http.get('http://localhost:{server.port}/order').json()['status']"
        flow = code_flow(code, allowed_hosts=[f"localhost:{server.port}"])
        (refused,) = converse(flow, "oi", ports=sandboxed())
        (allowed,) = converse(flow, "oi", ports=sandboxed(network=NetworkPolicy(allow_private=True)))
    assert texts(refused) == ["Desculpe, tive um problema."]
    assert "is a private or loopback address" in error_message(refused)
    assert texts(allowed) == ["pronto late"]


@linux_only
def test_the_runner_wide_allow_list_applies():
    with local_server() as server:
        flow = code_flow(
            f"flow.vars['total'] = flow.http.post('{server.base}/echo', json={{'a': 1}}).json()['body']['a']"
        )
        (result,) = converse(flow, "oi", ports=sandboxed(network=NetworkPolicy(allowed_hosts=(server.host,))))
    assert texts(result) == ["pronto 1"]


@linux_only
def test_requests_per_run_are_capped():
    with local_server() as server:
        code = f"for i in range(12):\n    flow.http.get('{server.base}/order')"
        (result,) = converse(code_flow(code, allowed_hosts=[server.host]), "oi", ports=sandboxed())
    assert "more than 10 HTTP requests in one run" in error_message(result) and len(server.requests) == 10


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
