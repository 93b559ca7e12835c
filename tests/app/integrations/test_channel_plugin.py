"""A channel is an adapter: a tiny test-only "echo" adapter, registered with one line, takes a message in
through the provider webhook route and sends the bot's replies out, with no other code knowing it.

Its channel row borrows the `rest` kind: the kinds a row may have are `ChannelKind`'s values (a CHECK
constraint), so a real new channel also adds its kind there (with a migration) and its settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from flowstudio.api import create_api
from flowstudio.channels import registry
from flowstudio.channels.base import Capabilities, ChannelInfo, Contact, Inbound, Outgoing, Payload, Refused
from flowstudio.services.conversations.inbound import InboundEvent
from flowstudio.services.integrations.channels import create_channel
from flowstudio.services.system.seed import seed_demo
from tests.support.channels import drain


class Echo:
    """Messages in as ``{"from", "id", "text"}`` signed by a shared token; replies kept in `sent`."""

    kind = "rest"
    capabilities = Capabilities(max_buttons=0, max_text=100)

    def __init__(self) -> None:
        self.sent: list[Payload] = []

    def verify(self, channel: ChannelInfo, headers: Mapping[str, str], body: bytes) -> None:
        if headers.get("x-echo-token") != channel.secrets["webhook_secret"]:
            raise Refused(401, "bad echo token")

    def parse(self, channel: ChannelInfo, payload: Any) -> Inbound:
        event = InboundEvent(channel.id, payload["from"], payload["id"], "text", text=payload["text"])
        return Inbound(events=[event])

    def render(self, channel: ChannelInfo, message: Outgoing) -> list[Payload]:
        return [{"to": message.recipient, "text": (message.output.get("text") or "")[: self.capabilities.max_text]}]

    def send(self, channel: ChannelInfo, payload: Payload) -> str:
        self.sent.append(payload)
        return f"echo-{len(self.sent)}"

    def send_typing(self, channel: ChannelInfo, contact: Contact) -> None:
        pass


@pytest.fixture
def echo(monkeypatch: pytest.MonkeyPatch) -> Echo:
    adapter = Echo()
    monkeypatch.setitem(registry.ADAPTERS, adapter.kind, adapter)  # the one registry line
    return adapter


def test_a_registered_adapter_carries_a_message_in_and_the_replies_out(
    session: Session, echo: Echo, queued: list[int]
) -> None:
    result = seed_demo(session=session, admin_email="admin@example.com")
    channel = create_channel(
        session=session,
        workspace_id=result.workspace_id,
        kind="rest",
        name="Echo",
        config={"webhook_url": "http://127.0.0.1:9/unused"},
        secrets={"webhook_secret": "t0ken"},
    )
    session.commit()
    client = TestClient(create_api())
    message = {"from": "ana", "id": "e-1", "text": "oi"}
    assert client.post(f"/webhooks/rest/{channel.key}", json=message).status_code == 401
    answer = client.post(f"/webhooks/rest/{channel.key}", json=message, headers={"X-Echo-Token": "t0ken"})
    assert answer.status_code == 200 and answer.json()["received"] == 1
    assert drain(queued) and echo.sent[0] == {
        "to": "ana",
        "text": "Olá! Eu sou a Bella, assistente da Pizzaria Bella 🍕",
    }
