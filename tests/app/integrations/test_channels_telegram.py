"""Telegram: secret-token webhooks in, inline keyboards out, button presses answered."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.models import Direction, Event, Message
from flowstudio.services.integrations.channels import ChannelError, create_channel
from flowstudio.services.system.seed import seed_demo
from tests.support.channels import drain
from tests.support.fake_provider import fake_provider

SECRET = "tg-secret"


@pytest.fixture
def telegram(session: Session):
    with fake_provider() as provider:
        workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
        channel = create_channel(
            session=session,
            workspace_id=workspace_id,
            kind="telegram",
            name="TG",
            config={"api_base_url": provider.url},
            secrets={"bot_token": "123:ABC", "webhook_secret": SECRET},
        )
        session.commit()
        yield channel.key, provider


def update(update_id: int, *, text: str | None = None, callback: str | None = None) -> dict:
    user = {"id": 4242, "first_name": "Ana", "is_bot": False}
    if callback:
        return {
            "update_id": update_id,
            "callback_query": {
                "id": f"cb{update_id}",
                "from": user,
                "data": callback,
                "message": {"message_id": 7, "chat": {"id": 4242, "type": "private"}, "date": 1700000000},
            },
        }
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": user,
            "chat": {"id": 4242, "type": "private"},
            "date": 1700000000,
            "text": text,
        },
    }


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


def edited(update_id: int, *, message_id: int, text: str, edit_date: int = 1700000100) -> dict:
    """An `edited_message` update: the message's new version with its original `date` and an `edit_date`
    (Bot API, https://core.telegram.org/bots/api#update and #message)."""
    return {
        "update_id": update_id,
        "edited_message": {
            "message_id": message_id,
            "from": {"id": 4242, "first_name": "Ana", "is_bot": False},
            "chat": {"id": 4242, "first_name": "Ana", "type": "private"},
            "date": 1700000000,
            "edit_date": edit_date,
            "text": text,
        },
    }


def test_an_edited_message_is_recorded_on_the_original_and_not_answered(telegram, queued, session) -> None:
    key, provider = telegram
    client = TestClient(create_api())
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    client.post(f"/webhooks/telegram/{key}", json=update(1, text="oi"), headers=headers)
    drain(queued)
    answered = len(provider.requests)
    rows = len(session.exec(select(Message)).all())

    response = client.post(
        f"/webhooks/telegram/{key}", json=edited(2, message_id=1, text="oi, boa noite"), headers=headers
    )
    assert response.status_code == 200 and response.json()["edited"] == 1
    assert queued == [] and len(provider.requests) == answered  # no new turn, no answer
    session.expire_all()
    assert len(session.exec(select(Message)).all()) == rows
    [original] = session.exec(select(Message).where(Message.direction == Direction.INBOUND)).all()
    assert original.text == "oi, boa noite"
    assert original.payload["previous_texts"] == ["oi"]
    assert original.payload["edited_at"] == "2023-11-14T22:15:00+00:00"
    assert session.exec(select(Event).where(Event.name == "message.edited")).one().data["message_id"] == original.id

    again = client.post(
        f"/webhooks/telegram/{key}", json=edited(2, message_id=1, text="oi, boa noite"), headers=headers
    )  # Telegram redelivers
    assert again.json()["edited"] == 0
    unknown = client.post(f"/webhooks/telegram/{key}", json=edited(3, message_id=99, text="?"), headers=headers)
    assert unknown.json()["edited"] == 0 and queued == []


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
        create_channel(
            session=session, workspace_id=workspace_id, kind="telegram", name="TG", secrets={"bot_token": "x"}
        )
    with pytest.raises(ChannelError, match="config.phone_number_id"):
        create_channel(
            session=session,
            workspace_id=workspace_id,
            kind="whatsapp",
            name="WA",
            secrets={"access_token": "a", "app_secret": "b", "verify_token": "c"},
        )
    with pytest.raises(ChannelError, match="kind must be one of"):
        create_channel(session=session, workspace_id=workspace_id, kind="fax", name="F")
