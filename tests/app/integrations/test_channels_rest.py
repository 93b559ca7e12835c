"""REST channel: users' messages in through the API, the bot's replies out to the channel's webhook as signed
JSON, retried on 5xx and timeouts, failed with the reason on 4xx, in order."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.channels import rest
from flowstudio.channels.base import DeliveryError
from flowstudio.models import Conversation, DeliveryStatus, Direction, Event, Message, Workspace
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.system.seed import seed_demo
from flowstudio.tasks import delivery
from tests.support.channels import drain, post_signed, wa_payload, whatsapp_channel
from tests.support.fake_provider import fake_provider

SECRET = "whsec-test-123"
GREETING = "Olá! Eu sou a Bella, assistente da Pizzaria Bella 🍕"


@pytest.fixture
def receiver():
    with fake_provider() as fake:
        yield fake


@pytest.fixture
def api(session: Session) -> tuple[TestClient, dict[str, str]]:
    workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    token = create_token(session=session, workspace_id=workspace_id, name="tests")
    session.commit()
    return TestClient(create_api(), raise_server_exceptions=False), {"Authorization": f"Bearer {token}"}


@pytest.fixture
def channel(api, receiver) -> int:
    client, headers = api
    created = client.post(
        "/api/v1/channels",
        headers=headers,
        json={
            "kind": "rest",
            "name": "App",
            "config": {"webhook_url": f"{receiver.url}/hooks/flowstudio"},
            "secrets": {"webhook_secret": SECRET},
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["secrets_set"] == ["webhook_secret"] and SECRET not in created.text
    return created.json()["id"]


def verified(receiver) -> list[dict]:
    """The webhook bodies received, after checking each one's signature the way the README tells receivers to."""
    bodies = []
    for path, headers, raw in receiver.raw:
        assert path == "/hooks/flowstudio" and headers["Content-Type"] == "application/json"
        timestamp = headers["X-FlowStudio-Timestamp"]
        assert abs(time.time() - int(timestamp)) < 60
        expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256).hexdigest()
        assert headers["X-FlowStudio-Signature"] == f"sha256={expected}"
        bodies.append(json.loads(raw))
    return bodies


def test_a_user_s_message_gets_the_bot_s_replies_back_and_at_the_webhook_signed(
    api, channel, receiver, queued, session
) -> None:
    client, headers = api
    sent = client.post(
        f"/api/v1/channels/{channel}/messages",
        headers=headers,
        json={"user_id": "cliente-42", "text": "oi", "message_id": "app-1", "name": "Ana"},
    )
    assert sent.status_code == 202, sent.text
    answer = sent.json()
    assert answer["duplicate"] is False
    greeting, menu = answer["replies"]
    assert greeting["message"] == {"type": "text", "text": GREETING} and greeting["status"] == "queued"
    assert menu["message"]["type"] == "buttons"
    assert [b["id"] for b in menu["message"]["buttons"]] == ["b_pedido", "b_horario", "b_humano"]

    assert drain(queued) == ["sent", "sent"]
    first, second = verified(receiver)
    assert set(first) == {"event", "message_id", "conversation_id", "user_id", "sender", "sent_at", "message"}
    assert first | {"sent_at": None} == {
        "event": "message.created",
        "message_id": greeting["message_id"],
        "conversation_id": answer["conversation_id"],
        "user_id": "cliente-42",
        "sender": "bot",
        "sent_at": None,
        "message": {"type": "text", "text": GREETING},
    }
    assert second["message_id"] == menu["message_id"] and second["message"] == menu["message"]

    again = client.post(
        f"/api/v1/channels/{channel}/messages",
        headers=headers,
        json={"user_id": "cliente-42", "text": "oi", "message_id": "app-1"},
    )
    assert again.json()["duplicate"] is True and again.json()["replies"] == [] and queued == []
    other_user = client.post(
        f"/api/v1/channels/{channel}/messages",
        headers=headers,
        json={"user_id": "cliente-43", "text": "oi", "message_id": "app-1"},
    )
    assert other_user.json()["duplicate"] is False  # message ids need only be unique per user
    assert other_user.json()["conversation_id"] != answer["conversation_id"]
    queued.clear()

    pressed = client.post(
        f"/api/v1/conversations/{answer['conversation_id']}/messages",
        headers=headers,
        json={"sender": "contact", "button_id": "b_horario", "label": "Horário"},
    )
    assert pressed.status_code == 202, pressed.text
    [hours] = pressed.json()["replies"]
    assert hours["message"] == {"type": "text", "text": "Abrimos todos os dias às 18h e fechamos às 23h30."}
    drain(queued)
    assert [b["message"].get("text") for b in verified(receiver)][2:] == [hours["message"]["text"]]
    inbound = session.exec(select(Message).where(Message.direction == Direction.INBOUND).order_by(Message.id)).all()
    assert [(m.text, m.payload.get("button_id")) for m in inbound] == [("oi", ""), ("oi", ""), ("Horário", "b_horario")]


def test_a_500_is_retried_and_the_conversation_s_messages_still_arrive_in_order(
    api, channel, receiver, queued, session
) -> None:
    client, headers = api
    client.post(f"/api/v1/channels/{channel}/messages", headers=headers, json={"user_id": "u1", "text": "oi"})
    greeting, menu = queued
    receiver.fail_next = 1
    with pytest.raises(DeliveryError, match="HTTP 500") as failure:
        delivery.deliver_message(greeting, final_attempt=False)
    assert failure.value.retryable
    with pytest.raises(delivery.NotYet):
        delivery.deliver_message(menu, final_attempt=False)  # waits for the greeting's retry
    assert receiver.raw == []
    assert delivery.deliver_message(greeting, final_attempt=False) == "sent"
    assert delivery.deliver_message(menu, final_attempt=False) == "sent"
    assert delivery.deliver_message(greeting, final_attempt=False) == "skipped"  # a duplicate task sends nothing
    assert [b["message_id"] for b in verified(receiver)] == [greeting, menu]
    session.expire_all()
    assert {session.get(Message, i).status for i in (greeting, menu)} == {DeliveryStatus.SENT}


def test_a_timeout_is_retried(api, channel, receiver, queued, monkeypatch) -> None:
    client, headers = api
    monkeypatch.setattr(rest, "TIMEOUT_S", 0.3)
    client.post(f"/api/v1/channels/{channel}/messages", headers=headers, json={"user_id": "u1", "text": "oi"})
    receiver.hold_first_s = 1.0
    with pytest.raises(DeliveryError, match="Timeout") as failure:
        delivery.deliver_message(queued[0], final_attempt=False)
    assert failure.value.retryable
    assert drain(queued) == ["sent", "sent"]


def test_a_4xx_marks_the_message_failed_with_the_receiver_s_reason(api, channel, receiver, queued, session) -> None:
    client, headers = api
    client.post(f"/api/v1/channels/{channel}/messages", headers=headers, json={"user_id": "u1", "text": "oi"})
    receiver.fail_next, receiver.fail_status = 1, 410
    assert delivery.deliver_message(queued[0], final_attempt=False) == "failed"  # no retry can fix a 4xx
    session.expire_all()
    failed = session.get(Message, queued[0])
    assert failed.status == DeliveryStatus.FAILED
    assert failed.error.startswith("HTTP 410") and "this conversation was deleted here" in failed.error
    [event] = session.exec(select(Event).where(Event.name == "message.failed")).all()
    assert event.data["reason"] == failed.error


def test_agents_and_the_bot_write_through_the_api_too(api, channel, receiver, queued) -> None:
    client, headers = api
    conversation = client.post(
        f"/api/v1/channels/{channel}/messages", headers=headers, json={"user_id": "u7", "text": "oi"}
    ).json()["conversation_id"]
    drain(queued)
    sent = client.post(
        f"/api/v1/conversations/{conversation}/messages", headers=headers, json={"text": "Oi, sou a Carla!"}
    )
    templated = client.post(
        f"/api/v1/conversations/{conversation}/messages",
        headers=headers,
        json={
            "sender": "bot",
            "template": {
                "name": "pedido_pronto",
                "parameters": ["Ana", "#12"],
                "fallback_text": "Ana, seu pedido #12 está pronto!",
            },
        },
    )
    assert (sent.status_code, templated.status_code) == (202, 202)
    drain(queued)
    carla, template = verified(receiver)[2:]
    assert (carla["sender"], carla["message"]) == ("agent", {"type": "text", "text": "Oi, sou a Carla!"})
    assert template["sender"] == "bot" and template["message"] == {
        "type": "text",
        "text": "Ana, seu pedido #12 está pronto!",
        "template": {"name": "pedido_pronto", "language": "pt_BR", "parameters": ["Ana", "#12"]},
    }


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"kind": "rest", "name": "A", "secrets": {"webhook_secret": "s"}}, "config.webhook_url"),
        ({"kind": "rest", "name": "A", "config": {"webhook_url": "https://x.example/h"}}, "secrets.webhook_secret"),
        (
            {
                "kind": "rest",
                "name": "A",
                "config": {"webhook_url": "ftp://x.example/h"},
                "secrets": {"webhook_secret": "s"},
            },
            "http:// or https://",
        ),
        (
            {"kind": "rest", "name": "A", "config": {"webhook_url": "x.example/h"}, "secrets": {"webhook_secret": "s"}},
            "http:// or https://",
        ),
        (
            {"kind": "rest", "name": "A", "config": {"webhook_url": 42}, "secrets": {"webhook_secret": "s"}},
            "http:// or https://",
        ),
        (
            {"kind": "rest", "name": "A", "config": {"webhook_url": "https://"}, "secrets": {"webhook_secret": "s"}},
            "http:// or https://",
        ),
    ],
)
def test_a_rest_channel_needs_an_http_webhook_url_and_a_secret(api, body, reason, session) -> None:
    client, headers = api
    before = client.get("/api/v1/channels", headers=headers).json()
    refused = client.post("/api/v1/channels", headers=headers, json=body)
    assert refused.status_code == 422 and reason in refused.json()["detail"]
    assert client.get("/api/v1/channels", headers=headers).json() == before


def test_the_webhook_url_cannot_be_changed_to_something_else(api, channel) -> None:
    client, headers = api
    refused = client.patch(
        f"/api/v1/channels/{channel}", headers=headers, json={"config": {"webhook_url": "javascript:alert(1)"}}
    )
    assert refused.status_code == 422 and "http:// or https://" in refused.json()["detail"]
    removed = client.patch(f"/api/v1/channels/{channel}", headers=headers, json={"config": {"webhook_url": ""}})
    assert removed.status_code == 422 and "config.webhook_url" in removed.json()["detail"]
    moved = client.patch(
        f"/api/v1/channels/{channel}",
        headers=headers,
        json={"config": {"webhook_url": "https://hooks.example.com/new"}},
    )
    assert moved.status_code == 200 and moved.json()["config"]["webhook_url"] == "https://hooks.example.com/new"


def test_bad_messages_are_refused_with_a_reason_and_nothing_is_stored(api, channel, session, queued) -> None:
    client, headers = api
    url = f"/api/v1/channels/{channel}/messages"
    for body, status in [
        ({"user_id": "u1"}, 422),
        ({"user_id": "u1", "text": "   "}, 422),
        ({"user_id": "", "text": "oi"}, 422),
        ({"text": "oi"}, 422),
        ({"user_id": "u1", "text": "oi", "message_id": ""}, 422),
    ]:
        response = client.post(url, headers=headers, json=body)
        assert response.status_code == status and response.json()["detail"], body
    assert (
        client.post("/api/v1/channels/999/messages", headers=headers, json={"user_id": "u1", "text": "oi"}).status_code
        == 404
    )
    assert client.post(url, json={"user_id": "u1", "text": "oi"}).status_code == 401
    assert session.exec(select(Message)).all() == [] and queued == []

    webchat = next(c for c in client.get("/api/v1/channels", headers=headers).json() if c["kind"] == "webchat")
    wrong_kind = client.post(
        f"/api/v1/channels/{webchat['id']}/messages", headers=headers, json={"user_id": "u1", "text": "oi"}
    )
    assert wrong_kind.status_code == 409 and "webchat channel" in wrong_kind.json()["detail"]
    client.patch(f"/api/v1/channels/{channel}", headers=headers, json={"is_active": False})
    inactive = client.post(url, headers=headers, json={"user_id": "u1", "text": "oi"})
    assert inactive.status_code == 409 and "not active" in inactive.json()["detail"]
    assert session.exec(select(Conversation)).all() == []


def test_only_rest_conversations_take_the_contact_s_messages_through_the_api(api, session, queued) -> None:
    client, headers = api
    key = whatsapp_channel(
        session, workspace_id=session.exec(select(Workspace.id)).one(), graph_base_url="http://127.0.0.1:9"
    )
    post_signed(client, key, wa_payload("oi", wamid="wamid.rest.1"))
    conversation = session.exec(select(Conversation)).one()
    refused = client.post(
        f"/api/v1/conversations/{conversation.id}/messages",
        headers=headers,
        json={"sender": "contact", "text": "oi de novo"},
    )
    assert refused.status_code == 409 and "whatsapp conversation" in refused.json()["detail"]
    template_from_contact = client.post(
        f"/api/v1/conversations/{conversation.id}/messages",
        headers=headers,
        json={"sender": "contact", "template": {"name": "x"}},
    )
    assert template_from_contact.status_code == 422


def test_a_receiver_can_tell_forged_and_replayed_requests(receiver) -> None:
    body = b'{"event": "message.created"}'
    now = int(time.time())
    header = rest.sign(SECRET, str(now), body)
    assert rest.signature_ok(SECRET, str(now), body, header)
    assert not rest.signature_ok("another-secret", str(now), body, header)
    assert not rest.signature_ok(SECRET, str(now), body + b" ", header)  # tampered body
    assert not rest.signature_ok(SECRET, str(now + 1), body, header)  # the timestamp is signed too
    old = str(now - 3600)
    assert not rest.signature_ok(SECRET, old, body, rest.sign(SECRET, old, body))  # a replay an hour later
