"""A reply the channel sends as several provider messages resumes where it failed; a send that kills its worker
every time is failed after a few cut-off claims instead of looping for ever (issue 19)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.channels.base import DeliveryError
from flowstudio.channels.whatsapp import WhatsApp
from flowstudio.models import Conversation, DeliveryStatus, Direction, Event, Message, SenderType
from flowstudio.services.system.seed import seed_demo
from flowstudio.tasks import delivery
from tests.support.channels import drain, post_signed, wa_payload, whatsapp_channel
from tests.support.fake_provider import fake_provider

CAROUSEL = {
    "type": "carousel",
    "text": None,
    "cards": [
        {"id": f"c{n}", "title": f"Pizza {n}", "buttons": [{"id": f"q{n}", "label": "Quero"}]} for n in (1, 2, 3)
    ],
}


@pytest.fixture
def provider():
    with fake_provider() as fake:
        yield fake


@pytest.fixture
def carousel(session: Session, provider, queued: list[int]) -> int:
    """A queued three-card carousel in a WhatsApp conversation whose greeting went out already."""
    workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url)
    post_signed(TestClient(create_api()), key, wa_payload("oi", wamid="wamid.parts.1"))
    drain(queued)
    conversation = session.exec(select(Conversation)).one()
    message = Message(
        conversation_id=conversation.id,
        direction=Direction.OUTBOUND,
        sender_type=SenderType.BOT,
        kind="carousel",
        payload=CAROUSEL,
        status=DeliveryStatus.QUEUED,
    )
    session.add(message)
    session.commit()
    provider.requests.clear()
    return message.id


def _titles(provider) -> list[str]:
    return [body["interactive"]["body"]["text"].split("\n")[0] for body in provider.bodies("/PNID/messages")]


def test_a_retry_sends_only_the_parts_not_sent_yet(session: Session, provider, carousel: int, monkeypatch) -> None:
    send = WhatsApp.send

    def second_part_fails_once(self, channel, payload):
        answer = send(self, channel, payload)
        if len(provider.requests) == 1:
            provider.fail_next = 1  # the provider refuses the next message once (HTTP 500)
        return answer

    monkeypatch.setattr(WhatsApp, "send", second_part_fails_once)
    with pytest.raises(DeliveryError):
        delivery.deliver_message(carousel, final_attempt=False)
    session.expire_all()
    assert session.get(Message, carousel).sent_parts == 1 and _titles(provider) == ["*Pizza 1*"]
    assert delivery.deliver_message(carousel, final_attempt=False) == "sent"
    assert _titles(provider) == ["*Pizza 1*", "*Pizza 2*", "*Pizza 3*"]  # the first card not sent twice
    session.expire_all()
    message = session.get(Message, carousel)
    assert (message.status, message.sent_parts) == (DeliveryStatus.SENT, 3)


class WorkerKilled(BaseException):
    """What a worker dying mid-send looks like from inside: its claim committed, nothing settled."""


def test_a_send_that_kills_its_worker_every_time_is_failed(session: Session, carousel: int, monkeypatch) -> None:
    def die(self, channel, payload):
        raise WorkerKilled

    monkeypatch.setattr(WhatsApp, "send", die)
    for _attempt in range(delivery.MAX_CUT_OFFS):
        with pytest.raises(WorkerKilled):
            delivery.deliver_message(carousel, final_attempt=False)
    assert delivery.deliver_message(carousel, final_attempt=False) == "failed"
    session.expire_all()
    message = session.get(Message, carousel)
    assert message.status == DeliveryStatus.FAILED and "cut off 3 times" in message.error
    assert message.cut_offs == delivery.MAX_CUT_OFFS and message.send_attempts == delivery.MAX_CUT_OFFS
    failed = session.exec(select(Event).where(Event.name == "message.failed")).one()
    assert failed.data["message_id"] == carousel
    assert delivery.deliver_message(carousel, final_attempt=False) == "skipped"  # a redelivered copy does nothing
