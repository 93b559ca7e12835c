"""Webchat pushed, not polled: an agent's reply is visible at once (no task-queue hop) and wakes the visitor's
event stream, which otherwise would not read again for an hour here; a reply never overtakes an earlier
message still waiting for its delivery."""

from __future__ import annotations

import json
import threading

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api.channels import webchat as webchat_routes
from flowstudio.models import ContactIdentity, Conversation, DeliveryStatus, Direction, Message, OwnerType, SenderType
from flowstudio.services.assignment import conversation_actions
from tests.support.channels import drain

BASE = "/api/v1/webchat/pizzaria-bella"


def _to_the_agent(client: TestClient, session: Session, visitor: str, queued: list[int]) -> Conversation:
    for n, body in enumerate(({"text": "oi"}, {"button_id": "b_humano", "label": "Falar com atendente"}), 1):
        sent = client.post(
            f"{BASE}/messages", json={"visitor_id": visitor, "client_message_id": f"m-{visitor}-{n}", **body}
        )
        assert sent.status_code == 202, sent.text
        drain(queued)
    identity = session.exec(select(ContactIdentity).where(ContactIdentity.external_id == visitor)).one()
    session.expire_all()
    conversation = session.exec(select(Conversation).where(Conversation.contact_id == identity.contact_id)).one()
    assert conversation.owner_type == OwnerType.AGENT
    return conversation


def test_an_agent_reply_is_visible_at_once_without_the_task_queue(client, session, queued) -> None:
    conversation = _to_the_agent(client, session, "visitor-live-1", queued)
    result = conversation_actions.send_agent_message(
        conversation_id=conversation.id, agent_id=conversation.owner_agent_id, text="Olá! Aqui é a Ana."
    )
    [(message_id, _)] = result.deliveries
    assert queued == []  # nothing went to the delivery task
    session.expire_all()
    assert session.get(Message, message_id).status == DeliveryStatus.SENT
    feed = client.get(f"{BASE}/messages", params={"visitor": "visitor-live-1"}).json()
    assert feed["messages"][-1]["text"] == "Olá! Aqui é a Ana." and feed["messages"][-1]["from"] == "agent"


def test_a_reply_waits_behind_an_earlier_message_still_queued(client, session, queued) -> None:
    conversation = _to_the_agent(client, session, "visitor-live-2", queued)
    earlier = Message(
        conversation_id=conversation.id,
        direction=Direction.OUTBOUND,
        sender_type=SenderType.SYSTEM,
        kind="text",
        text="Você é o 1º da fila",
        payload={"type": "text", "text": "Você é o 1º da fila"},
        status=DeliveryStatus.QUEUED,
    )
    session.add(earlier)
    session.commit()
    result = conversation_actions.send_agent_message(
        conversation_id=conversation.id, agent_id=conversation.owner_agent_id, text="Já te atendo"
    )
    [(message_id, _)] = result.deliveries
    assert queued == [message_id]  # through the queue, after the earlier one
    session.expire_all()
    assert session.get(Message, message_id).status == DeliveryStatus.QUEUED


def test_an_agent_reply_wakes_the_visitor_s_stream(client, session, queued, monkeypatch) -> None:
    conversation = _to_the_agent(client, session, "visitor-live-3", queued)
    monkeypatch.setattr(webchat_routes, "POLL_S", 3600.0)  # only a nudge can wake the stream within the test
    monkeypatch.setattr(webchat_routes, "PUSHED_POLL_S", 3600.0)
    seen: list[dict] = []
    ready, got_it = threading.Event(), threading.Event()

    def read() -> None:
        with client.stream("GET", f"{BASE}/stream", params={"visitor": "visitor-live-3"}) as response:
            for line in response.iter_lines():
                if line.startswith(": keep-alive"):
                    ready.set()  # the stream has sent what there was and waits
                if line.startswith("data: ") and "text" in line:
                    seen.append(json.loads(line.removeprefix("data: ")))
                    if seen[-1].get("text") == "Pode falar!":
                        got_it.set()
                        return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(60), "the stream never got going"
    conversation_actions.send_agent_message(
        conversation_id=conversation.id, agent_id=conversation.owner_agent_id, text="Pode falar!"
    )
    assert got_it.wait(60), f"the stream was not woken by the reply (saw {seen})"
    assert seen[-1]["from"] == "agent"


def test_the_stream_of_a_visitor_yet_to_write_sends_the_status(client, session, queued) -> None:
    """A widget opens its stream before the visitor's first message (the stream used to fail there)."""
    with client.stream("GET", f"{BASE}/stream", params={"visitor": "visitor-live-new"}) as response:
        lines = response.iter_lines()
        for line in lines:
            if line == "event: status":
                status = json.loads(next(lines).removeprefix("data: "))
                break
    assert response.status_code == 200
    assert status["owner"] == "bot" and status["notices_after"] == 0


def test_a_bot_reply_delivered_by_the_task_wakes_the_visitor_s_stream(client, session, queued, monkeypatch) -> None:
    monkeypatch.setattr(webchat_routes, "POLL_S", 3600.0)  # only a nudge can wake the stream within the test
    monkeypatch.setattr(webchat_routes, "PUSHED_POLL_S", 3600.0)
    sent = client.post(
        f"{BASE}/messages", json={"visitor_id": "visitor-live-4", "client_message_id": "m-live-4-1", "text": "oi"}
    )
    assert sent.status_code == 202 and queued  # the bot's replies wait for their delivery task
    ready, got_it = threading.Event(), threading.Event()

    def read() -> None:
        with client.stream("GET", f"{BASE}/stream", params={"visitor": "visitor-live-4"}) as response:
            for line in response.iter_lines():
                if line.startswith(": keep-alive"):
                    ready.set()
                if line.startswith("data: ") and '"from": "bot"' in line:
                    got_it.set()
                    return

    threading.Thread(target=read, daemon=True).start()
    assert ready.wait(60), "the stream never got going"
    assert not got_it.is_set()  # nothing of the bot's is visible before its delivery
    drain(queued)  # the delivery task marks them visible and nudges the widget
    assert got_it.wait(60), "the stream was not woken by the delivery"
