"""WhatsApp and Telegram end to end inside the app: signed webhooks in, the pizzaria bot's replies out to a
fake provider, once, in order, with statuses and retries."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.models import Conversation, DeliveryStatus, Direction, Message, OwnerType
from flowstudio.services.system.seed import seed_demo
from flowstudio.tasks import delivery
from tests.support.channels import drain, post_signed, wa_payload, whatsapp_channel
from tests.support.fake_provider import fake_provider


@pytest.fixture
def provider():
    with fake_provider() as fake:
        yield fake


@pytest.fixture
def whatsapp(session: Session, provider) -> str:
    result = seed_demo(session=session, admin_email="admin@example.com", admin_password="pw-123456")
    return whatsapp_channel(session, workspace_id=result.workspace_id, graph_base_url=provider.url)


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_api())


def test_verification_echoes_the_challenge_only_with_the_right_token(client, whatsapp) -> None:
    ok = client.get(
        f"/webhooks/whatsapp/{whatsapp}",
        params={"hub.mode": "subscribe", "hub.verify_token": "verify", "hub.challenge": "1158201444"},
    )
    assert (ok.status_code, ok.text) == (200, "1158201444")
    wrong = client.get(
        f"/webhooks/whatsapp/{whatsapp}",
        params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "x"},
    )
    assert wrong.status_code == 403
    assert client.get("/webhooks/whatsapp/unknown-key").status_code == 404


def test_the_bot_answers_with_text_and_interactive_buttons(client, whatsapp, provider, queued, session) -> None:
    response = post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.in.1"))
    assert response.status_code == 200 and response.json()["received"] == 1
    assert drain(queued) == ["sent", "sent"]
    greeting, menu = provider.bodies("/PNID/messages")
    assert greeting == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "5511999990000",
        "type": "text",
        "text": {"preview_url": False, "body": "Olá! Eu sou a Bella, assistente da Pizzaria Bella 🍕"},
    }
    assert menu["type"] == "interactive" and menu["interactive"]["type"] == "button"
    assert [b["reply"] for b in menu["interactive"]["action"]["buttons"]] == [
        {"id": "b_pedido", "title": "Fazer pedido"},
        {"id": "b_horario", "title": "Horário"},
        {"id": "b_humano", "title": "Falar com atendente"},
    ]

    post_signed(client, whatsapp, wa_payload(wamid="wamid.in.2", click=("b_pedido", "Fazer pedido")))
    drain(queued)
    cards = provider.bodies()[-2:]  # the carousel: one message per card, its title and price as the body
    assert [(c["interactive"]["type"], c["interactive"]["body"]["text"]) for c in cards] == [
        ("button", "*Calabresa*\nR$ 45,00"),
        ("button", "*Margherita*\nR$ 42,00"),
    ]
    assert [c["interactive"]["action"]["buttons"][0]["reply"]["id"] for c in cards] == [
        "escolher_calabresa",
        "escolher_margherita",
    ]
    stored = session.exec(select(Message).order_by(Message.id)).all()
    assert [(m.direction, m.status) for m in stored][:3] == [
        (Direction.INBOUND, DeliveryStatus.RECEIVED),
        (Direction.OUTBOUND, DeliveryStatus.SENT),
        (Direction.OUTBOUND, DeliveryStatus.SENT),
    ]
    assert stored[1].channel_message_id == "wamid.out.1"


def test_a_wrong_signature_is_refused_and_nothing_is_stored(client, whatsapp, provider, queued, session) -> None:
    response = post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.in.9"), secret="not-the-secret")
    assert response.status_code == 401
    unsigned = client.post(f"/webhooks/whatsapp/{whatsapp}", json=wa_payload("oi", wamid="wamid.in.9"))
    assert unsigned.status_code == 401
    assert session.exec(select(Message)).all() == [] and queued == []


def test_the_same_payload_twice_gets_one_reply(client, whatsapp, provider, queued) -> None:
    payload = wa_payload("oi", wamid="wamid.in.dup")
    first, second = post_signed(client, whatsapp, payload), post_signed(client, whatsapp, payload)
    assert first.json()["received"] == 1 and second.json()["duplicates"] == 1
    drain(queued)
    assert len(provider.bodies()) == 2  # greeting + menu, once


def test_concurrent_messages_of_one_conversation_are_stored_once_in_order(client, whatsapp, queued, session) -> None:
    base = int(time.time())
    payloads = [wa_payload(f"mensagem {i}", wamid=f"wamid.c.{i}", ts=base + i) for i in range(50)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(lambda p: post_signed(client, whatsapp, p).status_code, payloads + payloads[:10]))
    assert set(codes) == {200}
    inbound = session.exec(
        select(Message).where(Message.direction == Direction.INBOUND).order_by(Message.created_at, Message.id)
    ).all()
    assert [m.text for m in inbound] == [f"mensagem {i}" for i in range(50)]
    assert len(session.exec(select(Conversation)).all()) == 1


def test_a_new_contact_created_meanwhile_elsewhere_is_not_duplicated(
    client, whatsapp, queued, session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process (no shared lock) stored the same new customer between this turn's look-up and its
    writes: the unique key stops the twin, and the turn is taken again on the winner's contact."""
    from flowstudio.models import Contact, ContactIdentity
    from flowstudio.services.conversations import inbound as conversations

    post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.race.0", sender="5511977770000"))  # the winner's
    looked_up = []
    real = conversations._known_identity

    def stale(db, event):
        looked_up.append(event.external_message_id)
        return None if len(looked_up) == 1 else real(db, event)

    monkeypatch.setattr(conversations, "_known_identity", stale)
    monkeypatch.setattr(conversations, "_locked_open_conversation", lambda *_args: (None, None))  # (closed, say)
    assert (
        post_signed(
            client, whatsapp, wa_payload("oi de novo", wamid="wamid.race.1", sender="5511977770000")
        ).status_code
        == 200
    )
    assert looked_up == ["wamid.race.1", "wamid.race.1"]  # taken again after the unique key refused the twin
    assert len(session.exec(select(Contact)).all()) == 1
    assert len(session.exec(select(ContactIdentity)).all()) == 1
    texts = session.exec(select(Message.text).where(Message.direction == Direction.INBOUND).order_by(Message.id)).all()
    assert texts == ["oi", "oi de novo"]


def test_statuses_move_forward_and_failures_keep_the_reason(client, whatsapp, provider, queued, session) -> None:
    post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.in.s"))
    drain(queued)

    def status(wamid: str, value: str, **extra) -> dict:
        return {"entry": [{"changes": [{"value": {"statuses": [{"id": wamid, "status": value, **extra}]}}]}]}

    post_signed(client, whatsapp, status("wamid.out.1", "read"))
    post_signed(client, whatsapp, status("wamid.out.1", "delivered"))  # late, out of order: ignored
    post_signed(client, whatsapp, status("wamid.out.2", "failed", errors=[{"code": 131047, "title": "Re-engagement"}]))
    session.expire_all()
    by_wamid = {m.channel_message_id: m for m in session.exec(select(Message)).all()}
    assert by_wamid["wamid.out.1"].status == DeliveryStatus.READ
    assert by_wamid["wamid.out.2"].status == DeliveryStatus.FAILED
    assert by_wamid["wamid.out.2"].error == "131047 Re-engagement"


def test_provider_errors_are_retried_then_marked_failed(client, whatsapp, provider, queued, session) -> None:
    post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.in.r"))
    first = queued[0]
    provider.fail_next = 1
    with pytest.raises(Exception, match="HTTP 500"):
        delivery.deliver_message(first, final_attempt=False)  # retryable: left queued for the retry
    assert delivery.deliver_message(first, final_attempt=False) == "sent"
    assert delivery.deliver_message(first, final_attempt=False) == "skipped"  # a duplicate task sends nothing
    provider.fail_next = 1
    assert delivery.deliver_message(queued[1], final_attempt=True) == "failed"
    session.expire_all()
    assert "HTTP 500" in session.get(Message, queued[1]).error


def test_a_conversation_s_messages_go_out_in_order(client, whatsapp, provider, queued) -> None:
    post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.in.o"))
    greeting, menu = queued
    with pytest.raises(delivery.NotYet):
        delivery.deliver_message(menu, final_attempt=False)  # the greeting has not gone out yet
    assert provider.bodies() == []
    assert delivery.deliver_message(greeting, final_attempt=False) == "sent"
    assert delivery.deliver_message(menu, final_attempt=False) == "sent"
    assert [b["type"] for b in provider.bodies()] == ["text", "interactive"]


def test_outside_the_24_hour_window_only_templates_go_out(client, whatsapp, provider, queued, session) -> None:
    from datetime import timedelta

    from flowstudio.models import utcnow

    post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.in.w"))
    conversation = session.exec(select(Conversation)).one()
    conversation.last_inbound_at = utcnow() - timedelta(hours=25)
    session.add(conversation)
    session.commit()
    assert drain(queued) == ["failed", "failed"]
    assert provider.bodies() == []
    assert "24-hour" in session.exec(select(Message).where(Message.direction == Direction.OUTBOUND)).first().error


def test_asking_for_a_human_hands_the_conversation_to_the_queue(client, whatsapp, queued, session) -> None:
    post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.h.1"))
    post_signed(client, whatsapp, wa_payload("quero falar com um atendente", wamid="wamid.h.2"))
    conversation = session.exec(select(Conversation)).one()
    session.refresh(conversation)
    # the demo admin is an online agent of the default queue: the hand-off reaches them at once
    assert conversation.owner_type == OwnerType.AGENT and conversation.queued_at is not None
    before = len(queued)
    post_signed(client, whatsapp, wa_payload("alô?", wamid="wamid.h.3"))
    assert len(queued) == before  # the bot stays silent while humans own it


def test_webchat_visitor_talks_to_the_bot_and_sees_replies_once_delivered(client, session, queued) -> None:
    seed_demo(session=session, admin_email="admin@example.com")
    session.commit()
    base = "/api/v1/webchat/pizzaria-bella"
    visitor = "visitor_abcdef12"
    sent = client.post(
        f"{base}/messages", json={"visitor_id": visitor, "client_message_id": "m-00000001", "text": "oi"}
    )
    assert sent.status_code == 202 and sent.headers["access-control-allow-origin"] == "*"
    assert (
        client.post(
            f"{base}/messages", json={"visitor_id": visitor, "client_message_id": "m-00000001", "text": "oi"}
        ).json()["duplicate"]
        is True
    )
    before = client.get(f"{base}/messages", params={"visitor": visitor}).json()["messages"]
    assert [m["from"] for m in before] == ["visitor"]  # replies show once their delivery ran (wait seconds)
    drain(queued)
    after = client.get(f"{base}/messages", params={"visitor": visitor}).json()["messages"]
    assert [m["text"] for m in after] == [
        "oi",
        "Olá! Eu sou a Bella, assistente da Pizzaria Bella 🍕",
        "Como posso ajudar?",
    ]
    assert [b["id"] for b in after[2]["payload"]["buttons"]] == ["b_pedido", "b_horario", "b_humano"]
    client.post(
        f"{base}/messages",
        json={"visitor_id": visitor, "client_message_id": "m-00000002", "button_id": "b_horario", "label": "Horário"},
    )
    drain(queued)
    newer = client.get(f"{base}/messages", params={"visitor": visitor, "after": after[-1]["id"]}).json()["messages"]
    assert [m["text"] for m in newer] == ["Horário", "Abrimos todos os dias às 18h e fechamos às 23h30."]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"visitor_id": "short", "client_message_id": "m-00000001", "text": "oi"}, 422),
        ({"visitor_id": "visitor_abcdef12", "client_message_id": "m-00000001", "text": "   "}, 422),
        ({"visitor_id": "visitor_abcdef12", "client_message_id": "m-1", "text": "oi"}, 422),
    ],
)
def test_webchat_rejects_bad_input_with_a_reason(client, session, body, status) -> None:
    seed_demo(session=session, admin_email="admin@example.com")
    session.commit()
    response = client.post("/api/v1/webchat/pizzaria-bella/messages", json=body)
    assert response.status_code == status and response.json()["detail"]
    assert client.post("/api/v1/webchat/no-such-key/messages", json=body).status_code in (404, 422)


def test_a_silent_contact_gets_the_flow_s_inactivity_message_once(client, session, provider, queued) -> None:
    from datetime import timedelta

    from flowstudio.models import utcnow
    from flowstudio.services.conversations.flow_silence import fire_inactivity, inactivity_due
    from flowstudio.services.studio import bots as bot_service
    from flowstudio.services.studio import drafts
    from flowstudio.services.system.seed import seed_demo as seed
    from flowstudio.tasks import timers

    workspace_id = seed(session=session, admin_email="admin@example.com").workspace_id
    document = {
        "schema_version": 1,
        "bot": {"name": "Lembrete"},
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "hi", "kind": "message", "text": "Oi!"},
            {"id": "fallback", "kind": "fallback"},
            {"id": "sorry", "kind": "message", "text": "Hein?"},
            {"id": "idle", "kind": "event", "event": "inactivity", "minutes": 5},
            {"id": "nudge", "kind": "message", "text": "Ainda está aí?"},
        ],
        "edges": [
            {"id": "a", "source": "start", "source_handle": "next", "target": "hi"},
            {"id": "b", "source": "fallback", "source_handle": "next", "target": "sorry"},
            {"id": "c", "source": "idle", "source_handle": "next", "target": "nudge"},
        ],
    }
    bot = bot_service.create_bot_from_document(session=session, workspace_id=workspace_id, document=document)
    drafts.publish(session=session, bot_id=bot.id, author_id=None, changelog="v1")
    key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url, bot_id=bot.id)
    post_signed(client, key, wa_payload("oi", wamid="wamid.idle.1"))
    drain(queued)
    assert inactivity_due(session=session) == []  # not silent long enough yet
    conversation = session.exec(select(Conversation)).one()
    conversation.last_inbound_at = utcnow() - timedelta(minutes=6)
    session.add(conversation)
    session.commit()
    [(conversation_id, minutes)] = inactivity_due(session=session)
    assert (conversation_id, minutes) == (conversation.id, 5)
    assert timers.fire_inactivity_events() == 1  # the beat task, every 30 s
    drain(queued)
    assert [b["text"]["body"] for b in provider.bodies()] == ["Oi!", "Ainda está aí?"]
    session.expire_all()
    assert inactivity_due(session=session) == []  # once per silence
    assert fire_inactivity(conversation_id=conversation.id, minutes=5).deliveries == []


@pytest.mark.parametrize(("silent_minutes", "restarts"), [(59, False), (61, True)])
def test_a_contact_silent_longer_than_the_bot_s_session_timeout_starts_over(
    client, session, provider, queued, silent_minutes, restarts
) -> None:
    from datetime import timedelta

    from flowstudio.models import utcnow
    from flowstudio.services.studio import bots as bot_service
    from flowstudio.services.studio import drafts

    workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    document = {
        "schema_version": 1,
        "bot": {"name": "Sessão", "session_timeout_minutes": 60},
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "hi", "kind": "message", "text": "Bem-vindo!"},
            {"id": "ask", "kind": "question", "text": "Seu nome?", "save_as": "nome"},
            {"id": "thanks", "kind": "message", "text": "Obrigado, ${nome}!"},
            {"id": "fallback", "kind": "fallback"},
            {"id": "sorry", "kind": "message", "text": "Hein?"},
        ],
        "edges": [
            {"id": "a", "source": "start", "source_handle": "next", "target": "hi"},
            {"id": "b", "source": "hi", "source_handle": "next", "target": "ask"},
            {"id": "c", "source": "ask", "source_handle": "valid", "target": "thanks"},
            {"id": "d", "source": "fallback", "source_handle": "next", "target": "sorry"},
        ],
    }
    bot = bot_service.create_bot_from_document(session=session, workspace_id=workspace_id, document=document)
    drafts.publish(session=session, bot_id=bot.id, author_id=None, changelog="v1")
    key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url, bot_id=bot.id)
    post_signed(client, key, wa_payload("oi", wamid="wamid.s.1"))
    conversation = session.exec(select(Conversation)).one()
    conversation.last_message_at = utcnow() - timedelta(minutes=silent_minutes)
    session.add(conversation)
    session.commit()
    post_signed(client, key, wa_payload("Ana", wamid="wamid.s.2"))
    drain(queued)
    texts = [b["text"]["body"] for b in provider.bodies()]
    assert texts[:2] == ["Bem-vindo!", "Seu nome?"]
    assert texts[2:] == (["Bem-vindo!", "Seu nome?"] if restarts else ["Obrigado, Ana!"])


def test_flows_know_the_contact_and_the_contact_keeps_variables_for_later_sessions(
    client, session, provider, queued
) -> None:
    from datetime import timedelta

    from flowstudio.models import Contact, utcnow
    from flowstudio.services.studio import bots as bot_service
    from flowstudio.services.studio import drafts

    workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    document = {
        "schema_version": 1,
        "bot": {"name": "Memória", "session_timeout_minutes": 60},
        "nodes": [
            {"id": "start", "kind": "start"},
            {
                "id": "known",
                "kind": "condition",
                "branches": [{"id": "has_city", "rules": [{"source": "variable", "name": "cidade", "op": "exists"}]}],
            },
            {"id": "hi", "kind": "message", "text": "Oi, ${contact.name}! De que cidade você fala?"},
            {"id": "ask", "kind": "question", "text": "Cidade?", "save_as": "cidade"},
            {"id": "thanks", "kind": "message", "text": "Anotado: ${cidade}."},
            {"id": "back", "kind": "message", "text": "Que bom te ver de novo, ${contact.name} de ${cidade}!"},
            {"id": "fallback", "kind": "fallback"},
            {"id": "sorry", "kind": "message", "text": "Hein?"},
        ],
        "edges": [
            {"id": "a", "source": "start", "source_handle": "next", "target": "known"},
            {"id": "b", "source": "known", "source_handle": "has_city", "target": "back"},
            {"id": "c", "source": "known", "source_handle": "else", "target": "hi"},
            {"id": "d", "source": "hi", "source_handle": "next", "target": "ask"},
            {"id": "e", "source": "ask", "source_handle": "valid", "target": "thanks"},
            {"id": "f", "source": "fallback", "source_handle": "next", "target": "sorry"},
        ],
    }
    bot = bot_service.create_bot_from_document(session=session, workspace_id=workspace_id, document=document)
    drafts.publish(session=session, bot_id=bot.id, author_id=None, changelog="v1")
    key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url, bot_id=bot.id)
    post_signed(client, key, wa_payload("oi", wamid="wamid.m.1"))  # WhatsApp names the contact "Ana"
    post_signed(client, key, wa_payload("Recife", wamid="wamid.m.2"))
    contact = session.exec(select(Contact)).one()
    assert contact.variables["cidade"] == "Recife"
    conversation = session.exec(select(Conversation)).one()
    conversation.last_message_at = utcnow() - timedelta(hours=2)  # a new session next time
    session.add(conversation)
    session.commit()
    post_signed(client, key, wa_payload("oi de novo", wamid="wamid.m.3"))
    drain(queued)
    assert [b["text"]["body"] for b in provider.bodies()] == [
        "Oi, Ana! De que cidade você fala?",
        "Cidade?",
        "Anotado: Recife.",
        "Que bom te ver de novo, Ana de Recife!",
    ]


def test_a_turn_keeps_to_its_statement_budget(client, whatsapp, queued, session, database_url) -> None:
    """Every statement of a turn is a round trip under the contact's lock: a later turn reads the locked
    conversation and writes the conversation row and the messages; a first turn also
    creates the contact and conversation and routes it, reading the routing rules once."""
    import sqlalchemy as sa

    from flowstudio.db import engine_for

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "PRAGMA")):
            statements.append(" ".join(statement.split()[:3]))

    post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.warm", sender="5511988880000"))  # fills the caches
    engine = engine_for(database_url)
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        post_signed(client, whatsapp, wa_payload("oi", wamid="wamid.budget.0"))
        first = list(statements)
        statements.clear()
        post_signed(client, whatsapp, wa_payload("que horas vocês abrem?", wamid="wamid.budget.1"))
        later = list(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert sum("routing_rule" in s for s in first) == 1, first
    assert sum(s.startswith("SELECT bot.") for s in first) == 1, first  # the default bot (routing's fallback too)
    assert not [s for s in first if s.startswith("SELECT contact.")], first  # the new contact is held, not re-read
    assert not [s for s in first if "FROM tag" in s], first  # a new contact has no tags to read
    assert len(first) <= 14, first  # (SQLite inserts the two replies one by one: 13 on PostgreSQL)
    postgres = database_url.startswith("postgresql")
    # a later turn: the locked conversation (and any stored twin) read in one query, then one flush writes the
    # conversation row and, in one INSERT, the inbound message with the replies (SQLite: row by row)
    assert later[0].startswith("SELECT conversation.") and later[1:2] == ["UPDATE conversation SET"], later
    assert later[2:] == ["INSERT INTO message"] * (1 if postgres else 2), later
