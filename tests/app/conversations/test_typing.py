"""The agent's typing indicator: the webchat widget's feed shows it and drops it, Telegram and WhatsApp get
the documented calls at the provider, REST webhooks a signed `agent.typing`; throttled per conversation;
nothing for a conversation the agent does not own. On PostgreSQL + Redis, and on SQLite in-process."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.channels import rest
from flowstudio.models import (
    Channel,
    Contact,
    ContactIdentity,
    Conversation,
    ConversationStatus,
    Direction,
    Message,
    OwnerType,
    SenderType,
    utcnow,
)
from flowstudio.services.assignment import conversation_actions
from flowstudio.services.conversations import typing_indicator
from flowstudio.services.integrations.channels import create_channel
from flowstudio.tasks import typing_indicator as typing_task
from tests.support.channels import whatsapp_channel
from tests.support.factories import make_bot, make_user, make_workspace
from tests.support.fake_provider import fake_provider
from tests.support.queues import pg  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def fresh_signals(redis_url: str):
    """Typing keys of earlier tests (same conversation ids in a new database) are gone."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("flowstudio:typing:*"):
        client.delete(key)
    client.close()
    typing_indicator._local.clear()


@pytest.fixture
def tasks(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Provider signals run at once, as a worker would run them; each queued call is recorded with its options."""
    queued: list[dict] = []

    def apply_async(args, **options) -> None:
        queued.append({"args": args, **options})
        queued[-1]["outcome"] = typing_task.signal_typing.run(*args)

    monkeypatch.setattr(typing_task.signal_typing, "apply_async", apply_async)
    return queued


class Desk:
    """A workspace with an agent, another agent and a bot; conversations on any channel, owned by anyone."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.workspace = make_workspace(session)
        self.bot = make_bot(session, workspace=self.workspace)
        self.agent = make_user(session, workspace=self.workspace, name="Ana")
        self.other = make_user(session, workspace=self.workspace, name="Bia")
        session.commit()

    def channel(self, kind: str, **settings) -> tuple[int, str]:
        channel = create_channel(session=self.session, workspace_id=self.workspace.id, kind=kind, name=kind, **settings)
        self.session.commit()
        return channel.id, channel.key

    def conversation(
        self,
        channel_id: int,
        kind: str,
        external_id: str,
        *,
        owner: str = "agent",
        status: str = "open",
        inbound: tuple[str, ...] = (),
        last_inbound_ago: timedelta = timedelta(0),
    ) -> int:
        contact = Contact(workspace_id=self.workspace.id, name="Cliente")
        self.session.add(contact)
        self.session.flush()
        self.session.add(ContactIdentity(contact_id=contact.id, channel_id=channel_id, external_id=external_id))
        owners = {
            "agent": {"owner_agent_id": self.agent.id},
            "other": {"owner_agent_id": self.other.id},
            "bot": {"owner_bot_id": self.bot.id},
        }[owner]
        conversation = Conversation(
            workspace_id=self.workspace.id,
            contact_id=contact.id,
            channel=kind,
            channel_id=channel_id,
            status=ConversationStatus(status),
            owner_type=OwnerType.BOT if owner == "bot" else OwnerType.AGENT,
            last_inbound_at=utcnow() - last_inbound_ago,
            last_message_at=utcnow(),
            **owners,
        )
        self.session.add(conversation)
        self.session.flush()
        for wamid in inbound:
            self.session.add(
                Message(
                    conversation_id=conversation.id,
                    direction=Direction.INBOUND,
                    sender_type=SenderType.CONTACT,
                    text="oi",
                    channel_message_id=wamid,
                )
            )
            self.session.flush()
        self.session.commit()
        return conversation.id


def _feed(client: TestClient, key: str, visitor: str) -> dict:
    answer = client.get(f"/api/v1/webchat/{key}/messages", params={"visitor": visitor})
    assert answer.status_code == 200
    return answer.json()


def _webchat_typing_shows_then_goes(session: Session, queued: list[int]) -> None:
    desk = Desk(session)
    channel_id, key = desk.channel("webchat")
    visitor = "visitor-0001"
    conversation_id = desk.conversation(channel_id, "webchat", visitor)
    client = TestClient(create_api())
    assert _feed(client, key, visitor)["typing"] == 0

    assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
    assert 5 <= _feed(client, key, visitor)["typing"] <= typing_indicator.WEBCHAT_SHOW_S
    assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "throttled"

    # The agent's message arrives: the widget stops showing "typing…" at once, and the next message's typing
    # is signalled without waiting for the interval.
    conversation_actions.send_agent_message(
        conversation_id=conversation_id, agent_id=desk.agent.id, text="Olá, sou a Ana"
    )
    feed = _feed(client, key, visitor)
    assert feed["typing"] == 0
    assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
    assert _feed(client, key, visitor)["typing"] > 0


def test_webchat_shows_the_agent_typing_until_their_message_arrives(pg: Session, queued: list[int]) -> None:
    _webchat_typing_shows_then_goes(pg, queued)


def test_webchat_typing_without_redis(session: Session, queued: list[int]) -> None:
    _webchat_typing_shows_then_goes(session, queued)


def test_webchat_typing_expires_and_is_signalled_again_while_the_agent_keeps_typing(
    pg: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(typing_indicator, "WEBCHAT_SHOW_S", 0.6)
    monkeypatch.setitem(typing_indicator.INTERVAL_S, "webchat", 0.3)
    desk = Desk(pg)
    channel_id, key = desk.channel("webchat")
    conversation_id = desk.conversation(channel_id, "webchat", "visitor-0002")
    client = TestClient(create_api())
    assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
    first = typing_indicator.webchat_typing(channel_id, "visitor-0002")
    assert first[0] > 0 and _feed(client, key, "visitor-0002")["typing"] > 0
    time.sleep(0.35)
    assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
    second = typing_indicator.webchat_typing(channel_id, "visitor-0002")
    assert second[1] != first[1]  # a new signal: the stream sends it again
    time.sleep(0.7)
    assert _feed(client, key, "visitor-0002")["typing"] == 0  # they stopped: gone after WEBCHAT_SHOW_S
    # another visitor of the same channel never sees it
    assert typing_indicator.webchat_typing(channel_id, "visitor-0003") == (0.0, "")


def test_the_webchat_stream_sends_a_typing_event(pg: Session) -> None:
    desk = Desk(pg)
    channel_id, key = desk.channel("webchat")
    conversation_id = desk.conversation(channel_id, "webchat", "visitor-0004")
    assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
    client = TestClient(create_api())
    with client.stream("GET", f"/api/v1/webchat/{key}/stream", params={"visitor": "visitor-0004"}) as response:
        lines = response.iter_lines()
        event = next(line for line in lines if line.startswith("event:"))
        data = next(lines)
    assert event == "event: typing"
    assert 5 <= json.loads(data.removeprefix("data: "))["seconds"] <= typing_indicator.WEBCHAT_SHOW_S


def test_telegram_gets_a_typing_chat_action(pg: Session, tasks: list[dict]) -> None:
    desk = Desk(pg)
    with fake_provider() as provider:
        channel_id, _ = desk.channel(
            "telegram", config={"api_base_url": provider.url}, secrets={"bot_token": "123:ABC", "webhook_secret": "tg"}
        )
        conversation_id = desk.conversation(channel_id, "telegram", "4242")
        assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
        assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "throttled"
        assert provider.requests == [("/bot123:ABC/sendChatAction", {"chat_id": "4242", "action": "typing"})]
    assert tasks[0]["expires"] == typing_indicator.TASK_EXPIRES_S and tasks[0]["outcome"] == "sent"


def test_whatsapp_shows_the_indicator_on_the_last_inbound_message(pg: Session, tasks: list[dict]) -> None:
    desk = Desk(pg)
    with fake_provider() as provider:
        key = whatsapp_channel(pg, workspace_id=desk.workspace.id, graph_base_url=provider.url)
        channel_id = pg.exec(select(Channel.id).where(Channel.key == key)).one()
        conversation_id = desk.conversation(channel_id, "whatsapp", "5511999990000", inbound=("wamid.IN1", "wamid.IN2"))
        stale_id = desk.conversation(
            channel_id, "whatsapp", "5511999990001", inbound=("wamid.OLD",), last_inbound_ago=timedelta(hours=25)
        )
        assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
        assert typing_indicator.agent_typing(conversation_id=stale_id, user_id=desk.agent.id) == "unsupported"
        [(path, headers, raw)] = provider.raw
    assert path == "/v21.0/PNID/messages"
    assert headers["Authorization"] == "Bearer token"
    assert json.loads(raw) == {
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": "wamid.IN2",
        "typing_indicator": {"type": "text"},
    }


def test_rest_webhook_gets_a_signed_agent_typing_event(pg: Session, tasks: list[dict]) -> None:
    desk = Desk(pg)
    with fake_provider() as provider:
        channel_id, _ = desk.channel(
            "rest", config={"webhook_url": provider.url + "/hook"}, secrets={"webhook_secret": "s3cret"}
        )
        conversation_id = desk.conversation(channel_id, "rest", "user-7")
        assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
        [(path, headers, raw)] = provider.raw
    assert path == "/hook"
    assert rest.signature_ok("s3cret", headers[rest.TIMESTAMP_HEADER], raw, headers[rest.SIGNATURE_HEADER])
    body = json.loads(raw)
    assert (body["event"], body["conversation_id"], body["user_id"]) == ("agent.typing", conversation_id, "user-7")


def test_a_slow_or_failing_provider_is_logged_not_raised(
    pg: Session,
    tasks: list[dict],
    caplog: pytest.LogCaptureFixture,
) -> None:
    desk = Desk(pg)
    # listen on the module's logger itself: an earlier test's Celery worker may have reconfigured the root
    # logger (and disabled loggers that existed then), which pytest's capture hangs on
    logger = logging.getLogger("flowstudio.typing")
    disabled, level, logger.disabled = logger.disabled, logger.level, False
    logger.addHandler(caplog.handler)
    logger.setLevel(logging.WARNING)
    try:
        with fake_provider() as provider:
            provider.fail_next = 1
            channel_id, _ = desk.channel(
                "telegram",
                config={"api_base_url": provider.url},
                secrets={"bot_token": "123:ABC", "webhook_secret": "tg"},
            )
            conversation_id = desk.conversation(channel_id, "telegram", "4242")
            assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "signalled"
    finally:
        logger.removeHandler(caplog.handler)
        logger.disabled, logger.level = disabled, level
    assert tasks[0]["outcome"] == "failed"
    assert any(record.message == "typing.failed" for record in caplog.records)


def test_nothing_is_sent_for_a_conversation_the_agent_does_not_own(pg: Session, tasks: list[dict]) -> None:
    desk = Desk(pg)
    with fake_provider() as provider:
        channel_id, _ = desk.channel(
            "telegram", config={"api_base_url": provider.url}, secrets={"bot_token": "123:ABC", "webhook_secret": "tg"}
        )
        others = desk.conversation(channel_id, "telegram", "1", owner="other")
        bots = desk.conversation(channel_id, "telegram", "2", owner="bot")
        closed = desk.conversation(channel_id, "telegram", "3", status="closed")
        for conversation_id in (others, bots, closed, 999_999):
            assert typing_indicator.agent_typing(conversation_id=conversation_id, user_id=desk.agent.id) == "not_owner"
        assert provider.requests == [] and tasks == []
        # the owner of the first one may
        assert typing_indicator.agent_typing(conversation_id=others, user_id=desk.other.id) == "signalled"
        assert provider.bodies("/sendChatAction") == [{"chat_id": "1", "action": "typing"}]
    webchat_id, _ = desk.channel("webchat")
    bot_chat = desk.conversation(webchat_id, "webchat", "visitor-0009", owner="bot")
    assert typing_indicator.agent_typing(conversation_id=bot_chat, user_id=desk.agent.id) == "not_owner"
    assert typing_indicator.webchat_typing(webchat_id, "visitor-0009") == (0.0, "")
