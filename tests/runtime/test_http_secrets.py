"""Workspace secrets in HTTP: substituted in the request only, never shown back; the relay's other rules."""

from __future__ import annotations

import json
import sys

import pytest

from flow_runtime.adapters.code_subprocess import SubprocessCodeRunner
from flow_runtime.adapters.http_urllib import UrllibHttpClient
from flow_runtime.ports import HttpRefused, NetworkPolicy
from flow_runtime.sandbox_http import SandboxHttp, host_allowed
from flow_runtime.session import new_session
from flow_runtime.testing import FakeHttp, FakeSecrets, fake_ports
from flow_runtime.testing.builders import converse, make_flow, texts
from tests.runtime.local_http import local_server

TOKEN = "tok-9f8e7d6c5b4a"


def http_flow(url: str, headers: dict[str, str] | None = None):
    nodes = [
        {"id": "h", "kind": "http_request", "url": url, "headers": headers or {}, "response_map": {"echo": "headers"}},
        {"id": "ok", "kind": "message", "text": "feito"},
        {"id": "err", "kind": "message", "text": "falhou"},
    ]
    return make_flow(nodes, [("start", "h"), ("h", "ok", "ok"), ("h", "error", "err")])


def everything(result) -> str:
    """All a designer or log could see of a turn: outputs, session, trace."""
    return json.dumps(result.to_dict(), default=str)


def test_secret_in_a_header_reaches_the_request_only():
    http = FakeHttp({"https://api.example.com/orders": {"ok": True}})
    flow = http_flow("https://api.example.com/orders", {"Authorization": "Bearer {{secret.CRM_TOKEN}}"})
    (result,) = converse(flow, "oi", ports=fake_ports(http=http, secrets=FakeSecrets({"CRM_TOKEN": TOKEN})))
    assert texts(result) == ["feito"]
    assert http.calls[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert TOKEN not in everything(result)


def test_secret_in_the_url_query_is_not_in_the_error_event():
    http = FakeHttp({f"https://api.example.com/orders?key={TOKEN}": ConnectionError(f"refused for ?key={TOKEN}")})
    flow = http_flow("https://api.example.com/orders?key={{secret.KEY}}")
    (result,) = converse(flow, "oi", ports=fake_ports(http=http, secrets=FakeSecrets({"KEY": TOKEN})))
    assert texts(result) == ["falhou"]
    event = next(o for o in result.outputs if o["type"] == "event")
    assert event["url"] == "https://api.example.com/orders?key={{secret.KEY}}"
    assert event["message"] == "refused for ?key=***"
    assert TOKEN not in everything(result)


def test_an_unknown_secret_takes_error_with_its_name():
    flow = http_flow("https://api.example.com/x", {"X-Key": "{{secret.MISSING}}"})
    http = FakeHttp()
    (result,) = converse(flow, "oi", ports=fake_ports(http=http))
    assert texts(result) == ["falhou"] and http.calls == []
    assert next(o for o in result.outputs if o["type"] == "event")["message"] == "secret MISSING is not defined"


def test_a_user_typed_secret_reference_stays_literal():
    http = FakeHttp({"https://api.example.com/x": {"ok": True}})
    flow = http_flow("https://api.example.com/x", {"X-Name": "${name}"})
    session = new_session(variables={"name": "{{secret.CRM_TOKEN}}"})
    converse(flow, "oi", ports=fake_ports(http=http, secrets=FakeSecrets({"CRM_TOKEN": TOKEN})), session=session)
    assert http.calls[0]["headers"]["X-Name"] == "{{secret.CRM_TOKEN}}"


def test_secrets_are_refused_in_the_host():
    flow = http_flow("https://{{secret.HOST}}/x")
    (result,) = converse(flow, "oi", ports=fake_ports(secrets=FakeSecrets({"HOST": "internal"})))
    assert "not in its host" in next(o for o in result.outputs if o["type"] == "event")["message"]


def test_a_real_failing_request_leaks_nothing():
    with local_server() as server:
        flow = http_flow(f"{server.base}/unauthorized?k={{{{secret.KEY}}}}", {"Authorization": "{{secret.KEY}}"})
        (result,) = converse(flow, "oi", ports=fake_ports(http=UrllibHttpClient(), secrets=FakeSecrets({"KEY": TOKEN})))
    assert texts(result) == ["falhou"] and server.requests[0]["headers"]["Authorization"] == TOKEN
    assert TOKEN not in everything(result)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sandbox needs Linux")
def test_code_uses_secrets_in_headers_without_seeing_them():
    with local_server() as server:
        code = (
            f"r = flow.http.get('{server.base}/echo', headers={{'Authorization': 'Bearer {{{{secret.CRM_TOKEN}}}}'}})\n"
            "flow.vars['seen'] = r.text\nflow.vars['auth'] = r.json()['headers'].get('Authorization')"
        )
        nodes = [{"id": "c", "kind": "code", "code": code, "allowed_hosts": [server.host]}]
        flow = make_flow(nodes, [("start", "c")])
        ports = fake_ports(
            code=SubprocessCodeRunner(), http=UrllibHttpClient(), secrets=FakeSecrets({"CRM_TOKEN": TOKEN})
        )
        (result,) = converse(flow, "oi", ports=ports)
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert result.session.variables["auth"] == "Bearer ***"
    assert TOKEN not in everything(result)


def relay(server, **policy):
    return SandboxHttp(client=UrllibHttpClient(), policy=NetworkPolicy(**policy), allowed_hosts=[server.host])


def test_redirects_to_another_host_are_refused():
    with local_server() as server, pytest.raises(HttpRefused, match="redirects to another host"):
        relay(server).request({"method": "GET", "url": f"{server.base}/redirect-away"})


def test_same_host_redirects_are_followed():
    with local_server() as server:
        response = relay(server).request({"method": "GET", "url": f"{server.base}/redirect-here"})
    assert response["json"]["id"] == 7


def test_responses_are_capped():
    with local_server() as server, pytest.raises(HttpRefused, match="larger than 1000000 bytes"):
        relay(server).request({"method": "GET", "url": f"{server.base}/big"})


def test_slow_servers_time_out():
    with local_server() as server, pytest.raises(HttpRefused, match="timed out"):
        relay(server, request_timeout=0.5).request({"method": "GET", "url": f"{server.base}/slow"})


def test_only_http_and_https():
    with local_server() as server, pytest.raises(HttpRefused, match="only http and https"):
        relay(server).request({"method": "GET", "url": "file:///etc/passwd"})


@pytest.mark.parametrize(
    ("host", "port", "allowed"),
    [
        ("api.example.com", 443, True),
        ("api.example.com", 8443, False),
        ("x.api.example.com", 443, False),
        ("shop.example.com", 443, True),
        ("example.com.evil.io", 443, False),
        ("127.0.0.1", 8080, True),
    ],
)
def test_host_matching(host, port, allowed):
    entries = ["api.example.com", "*.example.com", "127.0.0.1:8080"]
    assert (host_allowed(host, port, entries) is not None) is allowed
