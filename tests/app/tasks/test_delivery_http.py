"""Deliveries call providers through pooled keep-alive clients (`flowstudio.http_pool`), counted at a real local
server: one connection carries many deliveries, a forked process makes its own, and the error semantics stay
(a 503 is retried and then sent, a 400 fails the message, a provider that does not answer times out)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from flowstudio import http_pool
from flowstudio.channels.base import DeliveryError, post_json
from flowstudio.models import (
    Channel,
    ContactIdentity,
    DeliveryStatus,
    Direction,
    Message,
    SenderType,
    WorkspaceSettings,
    utcnow,
)
from flowstudio.models.sealing import is_sealed_payload
from flowstudio.tasks import delivery
from tests.support.channels import whatsapp_channel
from tests.support.factories import make_bot, make_conversation, make_workspace
from tests.support.keepalive_server import KeepAliveServer, keepalive_server


@pytest.fixture
def provider() -> Iterator[KeepAliveServer]:
    with keepalive_server() as server:
        yield server
    http_pool.close_all()


def queued_replies(session: Session, url: str, count: int, *, encrypting: bool = False) -> list[int]:
    """`count` queued text replies, each in a WhatsApp conversation of its own on a channel talking to `url`
    (in a workspace that seals message bodies at rest, when `encrypting`)."""
    workspace = make_workspace(session)
    if encrypting:
        session.add(WorkspaceSettings(workspace_id=workspace.id, encrypt_messages=True))
    bot = make_bot(session, workspace=workspace)
    key = whatsapp_channel(session, workspace_id=workspace.id, graph_base_url=url, bot_id=bot.id)
    channel = session.exec(select(Channel).where(Channel.key == key)).one()
    ids = []
    for number in range(count):
        conversation = make_conversation(
            session, workspace=workspace, bot=bot, channel="whatsapp", channel_id=channel.id, last_inbound_at=utcnow()
        )
        session.add(
            ContactIdentity(contact_id=conversation.contact_id, channel_id=channel.id, external_id=f"5511{number}")
        )
        text = f"reply {number}"
        message = Message(
            conversation_id=conversation.id,
            direction=Direction.OUTBOUND,
            sender_type=SenderType.BOT,
            text=text,
            payload={"type": "text", "text": text},
            status=DeliveryStatus.QUEUED,
        )
        session.add(message)
        session.flush()
        ids.append(message.id)
    session.commit()
    return ids


def test_deliveries_share_one_connection(session: Session, provider: KeepAliveServer) -> None:
    ids = queued_replies(session, provider.url, 5)
    assert [delivery.deliver_message(i, final_attempt=False) for i in ids] == ["sent"] * 5
    assert len(provider.requests) == 5 and provider.connections == 1


def test_a_reply_sealed_at_rest_goes_out_in_plaintext(session: Session, provider: KeepAliveServer) -> None:
    [message_id] = queued_replies(session, provider.url, 1, encrypting=True)
    stored = session.connection().execute(select(Message.__table__.c.payload).where(Message.id == message_id)).one()
    assert is_sealed_payload(stored[0])  # what delivery reads is the sealed row
    assert delivery.deliver_message(message_id, final_attempt=False) == "sent"
    assert [body["text"]["body"] for _, body in provider.requests] == ["reply 0"]


def test_a_forked_process_makes_its_own_client(provider: KeepAliveServer) -> None:
    url = f"{provider.url}/v21.0/PNID/messages"
    parent = http_pool.client_for(url)
    post_json(url, {"to": "1"})
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child: a client of its own, on a connection of its own
        code = 1
        try:
            own = http_pool.client_for(url)
            post_json(url, {"to": "2"})
            code = 0 if own is not parent else 2
        finally:
            os.write(writing, str(code).encode())
            os._exit(code)
    os.close(writing)
    assert os.read(reading, 8) == b"0"
    os.waitpid(child, 0)
    post_json(url, {"to": "3"})  # the parent's connection is still its own and still open
    assert http_pool.client_for(url) is parent
    assert [body["to"] for _, body in provider.requests] == ["1", "2", "3"] and provider.connections == 2


def test_a_503_is_retried_by_the_task_then_sent(session: Session, provider: KeepAliveServer) -> None:
    [message_id] = queued_replies(session, provider.url, 1)
    provider.statuses = [503]
    delivery.deliver.apply(args=[message_id])  # eager: the retry runs at once instead of after its backoff
    session.expire_all()
    message = session.get(Message, message_id)
    assert (message.status, message.send_attempts, message.channel_message_id) == (
        DeliveryStatus.SENT,
        2,
        "wamid.keepalive.2",
    )
    assert provider.connections == 1  # an error answer does not cost the connection


def test_a_400_fails_the_message_without_retrying(session: Session, provider: KeepAliveServer) -> None:
    [message_id] = queued_replies(session, provider.url, 1)
    provider.statuses = [400]
    assert delivery.deliver_message(message_id, final_attempt=False) == "failed"
    session.expire_all()
    assert session.get(Message, message_id).error.startswith("HTTP 400")


def test_a_provider_that_does_not_answer_times_out(provider: KeepAliveServer) -> None:
    provider.holding = True
    with pytest.raises(DeliveryError) as failure:
        post_json(f"{provider.url}/v21.0/PNID/messages", {"to": "1"}, timeout=0.2)
    assert failure.value.retryable and "Timeout" in str(failure.value)


def test_pooled_clients_have_a_default_timeout(provider: KeepAliveServer) -> None:
    timeout = http_pool.client_for(provider.url).timeout
    assert None not in (timeout.connect, timeout.read, timeout.write, timeout.pool)
