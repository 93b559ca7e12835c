"""The webchat widget's endpoints: honest "typing…", who wrote each message, notices of the humans' handling,
texts in the bot's language, and a distinct name for each web visitor. On the demo pizzaria (its admin is
an online agent of the default queue, so a hand-off reaches them at once)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.models import Bot, Contact, ContactIdentity, Conversation, OwnerType, User
from flowstudio.services.assignment import conversation_actions, owner_actions
from tests.support.channels import drain

BASE = "/api/v1/webchat/pizzaria-bella"


def _say(client: TestClient, visitor: str, n: int, text: str = "", **extra: str) -> dict:
    body = {"visitor_id": visitor, "client_message_id": f"msg-{visitor}-{n:04d}", "text": text, **extra}
    answer = client.post(f"{BASE}/messages", json=body)
    assert answer.status_code == 202, answer.text
    return answer.json()


def _feed(client: TestClient, visitor: str, after: int = 0, notices_after: int = 0) -> dict:
    answer = client.get(f"{BASE}/messages", params={"visitor": visitor, "after": after, "notices_after": notices_after})
    assert answer.status_code == 200
    return answer.json()


def _to_the_agent(client: TestClient, visitor: str, queued: list[int]) -> None:
    _say(client, visitor, 1, "oi")
    drain(queued)
    _say(client, visitor, 2, button_id="b_humano", label="Falar com atendente")
    drain(queued)


def _conversation(session: Session, visitor: str) -> Conversation:
    identity = session.exec(select(ContactIdentity).where(ContactIdentity.external_id == visitor)).one()
    session.expire_all()
    return session.exec(
        select(Conversation).where(Conversation.contact_id == identity.contact_id).order_by(Conversation.id.desc())
    ).first()


def test_the_bot_types_only_while_its_replies_are_pending(client, session, queued) -> None:
    sent = _say(client, "visitor-typing-1", 1, "oi")
    assert sent["status"]["owner"] == "bot" and sent["status"]["typing_by"] == "bot"  # replies queued, not sent
    assert _feed(client, "visitor-typing-1")["typing"] > 0
    drain(queued)
    feed = _feed(client, "visitor-typing-1")
    assert feed["typing"] == 0 and feed["status"]["typing_by"] is None
    assert [m["from"] for m in feed["messages"]] == ["visitor", "bot", "bot"]


def test_no_typing_after_the_customer_writes_while_a_person_owns_the_conversation(client, session, queued) -> None:
    _to_the_agent(client, "visitor-typing-2", queued)
    assert _conversation(session, "visitor-typing-2").owner_type == OwnerType.AGENT
    sent = _say(client, "visitor-typing-2", 3, "alô?")
    assert sent["status"] == {"owner": "agent", "typing": 0, "typing_by": None}
    assert _feed(client, "visitor-typing-2")["typing"] == 0


def test_agent_messages_carry_the_agent_s_name_and_initials(client, session, queued) -> None:
    _to_the_agent(client, "visitor-agent-1", queued)
    conversation = _conversation(session, "visitor-agent-1")
    admin = session.exec(select(User).where(User.email == "admin@example.com")).one()
    admin.name = "Ana Souza"
    session.add(admin)
    session.commit()
    conversation_actions.send_agent_message(conversation_id=conversation.id, agent_id=admin.id, text="Oi, sou a Ana!")
    drain(queued)
    last = _feed(client, "visitor-agent-1")["messages"][-1]
    assert (last["from"], last["text"], last["agent"]) == (
        "agent",
        "Oi, sou a Ana!",
        {"name": "Ana Souza", "initials": "AS"},
    )


def test_agent_joined_and_closed_are_notices_in_the_bot_s_language_shown_once(client, session, queued) -> None:
    _to_the_agent(client, "visitor-notice-1", queued)
    feed = _feed(client, "visitor-notice-1")
    notices = [m for m in feed["messages"] if "notice" in m]
    assert [(n["notice"], n["text"]) for n in notices] == [("agent_joined", "Admin entrou na conversa")]
    cursor = feed["status"]["notices_after"]
    last_id = max(m["id"] for m in feed["messages"] if "id" in m)
    assert [m for m in _feed(client, "visitor-notice-1", last_id, cursor)["messages"]] == []

    conversation_actions.close(conversation_id=_conversation(session, "visitor-notice-1").id)
    drain(queued)
    later = _feed(client, "visitor-notice-1", last_id, cursor)["messages"]
    assert [m["notice"] for m in later if "notice" in m][:1] == ["closed"]
    assert "A conversa foi encerrada" in [m["text"] for m in later]


def test_handing_back_to_the_bot_is_a_notice(client, session, queued) -> None:
    _to_the_agent(client, "visitor-notice-2", queued)
    conversation = _conversation(session, "visitor-notice-2")
    bot_id = session.exec(select(Bot.id)).first()
    owner_actions.transfer(conversation_id=conversation.id, to_type="bot", to_id=bot_id)
    notices = [m["notice"] for m in _feed(client, "visitor-notice-2")["messages"] if "notice" in m]
    assert notices == ["agent_joined", "back_to_bot"]


@pytest.mark.parametrize(
    ("language", "placeholder", "joined"),
    [
        ("pt", "Digite sua mensagem…", "{name} entrou na conversa"),
        ("es", "Escribe tu mensaje…", "{name} se unió a la conversación"),
        ("en", "Type your message…", "{name} joined the conversation"),
    ],
)
def test_the_widget_s_texts_follow_the_bot_s_language(client, session, language, placeholder, joined) -> None:
    for bot in session.exec(select(Bot)).all():
        bot.language = language
        session.add(bot)
    session.commit()
    config = client.get(f"{BASE}/config").json()
    assert config["language"] == {"pt": "pt-BR"}.get(language, language)
    assert config["texts"]["placeholder"] == placeholder and config["texts"]["agent_joined"] == joined
    assert config["texts"]["send"] and config["texts"]["typing"]


def test_web_visitors_are_numbered_per_workspace_or_named_by_the_page(client, session, queued) -> None:
    _say(client, "visitor-name-1", 1, "oi")
    _say(client, "visitor-name-2", 1, "oi")
    _say(client, "visitor-name-3", 1, "oi", name="  Ana\n Souza ")
    _say(client, "visitor-name-1", 2, "oi de novo", name="Outro Nome")  # a known contact keeps its name
    for bot in session.exec(select(Bot)).all():
        bot.language = "en"
        session.add(bot)
    session.commit()
    _say(client, "visitor-name-4", 1, "hi")
    session.expire_all()
    names = {
        identity.external_id: session.get(Contact, identity.contact_id).name
        for identity in session.exec(select(ContactIdentity)).all()
    }
    assert names == {
        "visitor-name-1": "Visitante 1",
        "visitor-name-2": "Visitante 2",
        "visitor-name-3": "Ana Souza",
        "visitor-name-4": "Visitor 4",
    }


def test_the_stream_sends_messages_notices_and_the_status(client, session, queued) -> None:
    _to_the_agent(client, "visitor-stream-1", queued)
    with client.stream("GET", f"{BASE}/stream", params={"visitor": "visitor-stream-1"}) as response:
        lines = response.iter_lines()
        items, status = [], None
        for line in lines:
            if line == "event: status":
                status = json.loads(next(lines).removeprefix("data: "))
                break
            if line.startswith("data: "):
                items.append(json.loads(line.removeprefix("data: ")))
    assert [i.get("notice") or i["from"] for i in items][-1] == "agent_joined"
    assert status["owner"] == "agent" and status["typing"] == 0


def test_the_demo_page_passes_a_name_as_text_only(client) -> None:
    page = client.get("/webchat/demo", params={"name": 'Ana "><script>alert(1)</script>'}).text
    assert 'data-name="Ana &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in page and "<script>alert" not in page
