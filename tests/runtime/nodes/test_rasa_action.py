"""``rasa_action`` against a real Rasa SDK action server started from tests/runtime/nodes/rasa_actions/actions.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from flow_runtime.adapters.http_urllib import UrllibHttpClient
from flow_runtime.nodes._rasa import apply
from flow_runtime.session import new_session
from flow_runtime.testing import FakeActionServer, fake_ports
from flow_runtime.testing.builders import converse, make_flow, texts, visible

pytest.importorskip("rasa_sdk")
HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def action_server() -> Iterator[str]:
    """``python -m rasa_sdk --actions actions`` on a free port; killed with its process group."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=HERE / "rasa_actions",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(HERE / "rasa_actions")},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the action server did not start: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stderr.close()


def rasa_flow(server_url: str, action: str = "action_check_order", timeout: float = 10):
    nodes = [
        {"id": "intent", "kind": "intent", "name": "order_status", "triggers": ["onde está meu pedido"]},
        {"id": "r", "kind": "rasa_action", "server_url": server_url, "action": action, "timeout_seconds": timeout},
        {"id": "after", "kind": "message", "text": "Chega em ${eta_minutes} min (${order_status})."},
        {"id": "sorry", "kind": "message", "text": "Não consegui consultar agora."},
        {"id": "fallback", "kind": "fallback"},
        {"id": "fb", "kind": "message", "text": "Não entendi"},
    ]
    return make_flow(nodes, [("intent", "r"), ("r", "ok", "after"), ("r", "error", "sorry"), ("fallback", "fb")])


def turn(flow, text="onde está meu pedido", **ports):
    session = new_session(variables={"order_id": "A-17"})
    session.status = "active"
    return converse(flow, text, "tchau", ports=fake_ports(http=UrllibHttpClient(), **ports), session=session)


def error_message(result) -> str:
    return next(o for o in result.outputs if o["type"] == "event")["message"]


def test_the_action_sets_variables_and_sends_messages(action_server):
    result, later = turn(rasa_flow(action_server))
    assert result.session.variables["order_status"] == "out_for_delivery"
    assert result.session.variables["eta_minutes"] == 25
    shown = visible(result)
    assert shown[0] == {
        "type": "buttons",
        "text": "Pedido A-17 saiu para entrega (order_status, 'onde está meu pedido').",
        "buttons": [{"id": "/track", "label": "Rastrear"}, {"id": "/human", "label": "Falar com alguém"}],
    }
    assert shown[1]["type"] == "media" and shown[1]["url"] == "https://example.com/map.png"
    assert texts(result)[-1] == "Chega em 25 min (out_for_delivery)."
    assert texts(later) == ["Não entendi"]


def test_an_unknown_action_takes_error_with_the_servers_reason(action_server):
    result, later = turn(rasa_flow(action_server, "action_nope"))
    assert texts(result) == ["Não consegui consultar agora."]
    assert error_message(result).startswith("the action server answered HTTP 404 for action_nope:")
    assert "action_nope" in error_message(result) and texts(later) == ["Não entendi"]


def test_an_action_that_raises_takes_error(action_server):
    result, _ = turn(rasa_flow(action_server, "action_broken"))
    assert texts(result) == ["Não consegui consultar agora."]
    assert "HTTP 500" in error_message(result) and "database down" in error_message(result)


def test_a_server_that_is_down_takes_error():
    result, later = turn(rasa_flow(f"http://127.0.0.1:{_free_port()}"))
    assert texts(result) == ["Não consegui consultar agora."]
    assert "could not reach the action server" in error_message(result) and "connection refused" in error_message(
        result
    )
    assert texts(later) == ["Não entendi"]


def test_a_slow_server_times_out():
    with socket.socket() as listener:  # accepts but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        result, _ = turn(rasa_flow(f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=0.5))
    assert texts(result) == ["Não consegui consultar agora."]
    assert "did not answer within 0.5 s" in error_message(result)


def test_the_payload_follows_the_webhook_protocol():
    server = FakeActionServer(body={"events": [{"event": "slot", "name": "x", "value": 1}], "responses": []})
    result, _ = turn(rasa_flow("http://actions:5055"), action_server=server)
    payload = server.calls[0]["payload"]
    assert payload["next_action"] == "action_check_order"
    tracker = payload["tracker"]
    assert tracker["slots"]["order_id"] == "A-17" and tracker["latest_message"]["intent"]["name"] == "order_status"
    assert {"eta_minutes", "order_status", "order_id"} <= set(payload["domain"]["slots"])
    assert payload["domain"]["actions"] == ["action_check_order"] and result.session.variables["x"] == 1


def test_other_events_and_custom_responses_are_ignored():
    variables, messages = apply({"events": [{"event": "followup", "name": "x"}], "responses": [{"custom": {"a": 1}}]})
    assert (variables, messages) == ({}, [])


def test_missing_server_url_or_action_are_problems():
    flow = make_flow([{"id": "r", "kind": "rasa_action", "server_url": "actions:5055"}], [("start", "r")])
    assert {"bad_server_url", "missing_action"} <= {p.code for p in flow.errors}
