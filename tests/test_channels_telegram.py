"""Telegram: secret-token webhooks in, inline keyboards out, button presses answered."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.models import Message
from flowstudio.services.channels import ChannelError, create_channel
from flowstudio.services.seed import seed_demo
from tests.fake_provider import fake_provider
from tests.channel_support import drain

SECRET = "tg-secret"


@pytest.fixture
def telegram(session: Session):
    with fake_provider() as provider:
        workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
        channel = create_channel(session=session, workspace_id=workspace_id, kind="telegram", name="TG",
                                 config={"api_base_url": provider.url},
                                 secrets={"bot_token": "123:ABC", "webhook_secret": SECRET})
        session.commit()
        yield channel.key, provider


def update(update_id: int, *, text: str | None = None, callback: str | None = None) -> dict:
    user = {"id": 4242, "first_name": "Ana", "is_bot": False}
    if callback:
        return {"update_id": update_id, "callback_query": {
            "id": f"cb{update_id}", "from": user, "data": callback,
            "message": {"message_id": 7, "chat": {"id": 4242, "type": "private"}, "date": 1700000000}}}
    return {"update_id": update_id, "message": {"message_id": update_id, "from": user,
                                                "chat": {"id": 4242, "type": "private"}, "date": 1700000000,
                                                "text": text}}


def test_a_conversation_with_inline_keyboards(telegram, queued, session) -> None:
    key, provider = telegram
    client = TestClient(create_api())
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    assert client.post(f"/webhooks/telegram/{key}", json=update(1, text="oi"), headers=headers).status_code == 200
    drain(queued)
    greeting, menu = provider.bodies("/sendMessage")
    assert greeting == {"chat_id": "4242", "text": "Olá! Eu sou a Bella, assistente da Pizzaria Bella 🍕"}
    assert menu["reply_markup"]["inline_keyboard"][0] == [{"text": "Fazer pedido", "callback_data": "b_pedido"}]

    client.post(f"/webhooks/telegram/{key}", json=update(2, callback="b_horario"), headers=headers)
    assert provider.bodies("/answerCallbackQuery") == [{"callback_query_id": "cb2"}]
    drain(queued)
    assert provider.bodies("/sendMessage")[-1]["text"] == "Abrimos todos os dias às 18h e fechamos às 23h30."
    assert all(path.startswith("/bot123:ABC/") for path, _ in provider.requests)


def test_without_the_secret_token_nothing_is_stored(telegram, queued, session) -> None:
    key, _ = telegram
    client = TestClient(create_api())
    assert client.post(f"/webhooks/telegram/{key}", json=update(1, text="oi")).status_code == 401
    wrong = {"X-Telegram-Bot-Api-Secret-Token": "nope"}
    assert client.post(f"/webhooks/telegram/{key}", json=update(1, text="oi"), headers=wrong).status_code == 401
    assert session.exec(select(Message)).all() == []


def test_channels_refuse_missing_settings(session: Session) -> None:
    workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    with pytest.raises(ChannelError, match="secrets.webhook_secret"):
        create_channel(session=session, workspace_id=workspace_id, kind="telegram", name="TG",
                       secrets={"bot_token": "x"})
    with pytest.raises(ChannelError, match="config.phone_number_id"):
        create_channel(session=session, workspace_id=workspace_id, kind="whatsapp", name="WA",
                       secrets={"access_token": "a", "app_secret": "b", "verify_token": "c"})
    with pytest.raises(ChannelError, match="kind must be one of"):
        create_channel(session=session, workspace_id=workspace_id, kind="fax", name="F")
