"""Approved WhatsApp templates: sent from a flow's `template` node or through the API, the only messages that
reach a customer outside the 24-hour window; other channels show their fallback text; the studio offers the
node and points designers to it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from flowstudio.api import create_api
from flowstudio.channels import telegram
from flowstudio.models import Conversation, DeliveryStatus, Message, utcnow
from flowstudio.services.identity.api_tokens import create_token
from flowstudio.services.studio import bots as bot_service
from flowstudio.services.studio import drafts
from flowstudio.services.system.seed import seed_demo
from flowstudio.tasks import timers
from tests.support.channels import drain, post_signed, wa_payload, whatsapp_channel
from tests.support.fake_provider import fake_provider

CUSTOMER = "5511999990000"
TEMPLATE_NODE = {
    "id": "lembrete",
    "kind": "template",
    "name": "carrinho_abandonado",
    "language": "pt_BR",
    "parameters": ["${sabor}", "R$ ${total}"],
    "fallback_text": "Sua pizza de ${sabor} (R$ ${total}) ainda está no carrinho!",
}


def reminder_flow(after_a_day: dict) -> dict:
    """Greets, remembers a flavour, and after 25 hours of silence sends `after_a_day`."""
    return {
        "schema_version": 1,
        "bot": {"name": "Lembrete"},
        "nodes": [
            {"id": "start", "kind": "start"},
            {"id": "sabor", "kind": "set_variable", "name": "sabor", "value": "calabresa"},
            {"id": "total", "kind": "set_variable", "name": "total", "value": 52.5},
            {"id": "hi", "kind": "message", "text": "Oi!"},
            {"id": "fallback", "kind": "fallback"},
            {"id": "sorry", "kind": "message", "text": "Hein?"},
            {"id": "idle", "kind": "event", "event": "inactivity", "minutes": 1500},
            after_a_day,
        ],
        "edges": [
            {"id": "a", "source": "start", "source_handle": "next", "target": "sabor"},
            {"id": "b", "source": "sabor", "source_handle": "next", "target": "total"},
            {"id": "b2", "source": "total", "source_handle": "next", "target": "hi"},
            {"id": "c", "source": "fallback", "source_handle": "next", "target": "sorry"},
            {"id": "d", "source": "idle", "source_handle": "next", "target": after_a_day["id"]},
        ],
    }


@pytest.fixture
def provider():
    with fake_provider() as fake:
        yield fake


@pytest.fixture
def workspace_id(session: Session) -> int:
    workspace = seed_demo(session=session, admin_email="admin@example.com").workspace_id
    session.commit()
    return workspace


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_api(), raise_server_exceptions=False)


def _bot_on_whatsapp(session: Session, workspace_id: int, document: dict, provider) -> str:
    bot = bot_service.create_bot_from_document(session=session, workspace_id=workspace_id, document=document)
    drafts.publish(session=session, bot_id=bot.id, author_id=None, changelog="v1")
    return whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url, bot_id=bot.id)


def _silent_for(session: Session, hours: float) -> Conversation:
    conversation = session.exec(select(Conversation)).one()
    conversation.last_inbound_at = utcnow() - timedelta(hours=hours)
    session.add(conversation)
    session.commit()
    return conversation


def test_a_flow_s_template_reaches_a_customer_silent_for_more_than_a_day(
    client, session, workspace_id, provider, queued
) -> None:
    key = _bot_on_whatsapp(session, workspace_id, reminder_flow(TEMPLATE_NODE), provider)
    post_signed(client, key, wa_payload("oi", wamid="wamid.tpl.1"))
    assert drain(queued) == ["sent"]
    _silent_for(session, 25.5)
    assert timers.fire_inactivity_events() == 1
    assert drain(queued) == ["sent"]
    assert provider.bodies("/PNID/messages")[-1] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": CUSTOMER,
        "type": "template",
        "template": {
            "name": "carrinho_abandonado",
            "language": {"code": "pt_BR"},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": "calabresa"}, {"type": "text", "text": "R$ 52.5"}],
                }
            ],
        },
    }
    stored = session.exec(select(Message).where(Message.kind == "template")).one()
    assert stored.status == DeliveryStatus.SENT and stored.channel_message_id == "wamid.out.2"


def test_a_plain_message_after_a_day_is_refused_with_the_reason(
    client, session, workspace_id, provider, queued
) -> None:
    late_text = {"id": "nudge", "kind": "message", "text": "Ainda está aí?"}
    key = _bot_on_whatsapp(session, workspace_id, reminder_flow(late_text), provider)
    post_signed(client, key, wa_payload("oi", wamid="wamid.tpl.2"))
    drain(queued)
    _silent_for(session, 25.5)
    timers.fire_inactivity_events()
    assert drain(queued) == ["failed"]
    assert [b["type"] for b in provider.bodies()] == ["text"]  # only the greeting, within the window
    failed = session.exec(select(Message).where(Message.status == DeliveryStatus.FAILED)).one()
    assert failed.text == "Ainda está aí?"
    assert failed.error == "outside the 24-hour customer-service window: only approved templates can be sent"


def test_through_the_api_outside_the_window_the_template_goes_out_and_the_text_does_not(
    client, session, workspace_id, provider, queued
) -> None:
    token = create_token(session=session, workspace_id=workspace_id, name="tests")
    key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url)
    headers = {"Authorization": f"Bearer {token}"}
    post_signed(client, key, wa_payload("oi", wamid="wamid.tpl.3"))
    drain(queued)
    conversation = _silent_for(session, 30)
    url = f"/api/v1/conversations/{conversation.id}/messages"
    text = client.post(url, headers=headers, json={"text": "Seu pedido saiu!"})
    template = client.post(
        url,
        headers=headers,
        json={
            "sender": "agent",
            "template": {"name": "pedido_saiu", "language": "en_US", "parameters": ["#4512", "Rua\nAugusta,   100"]},
        },
    )
    no_parameters = client.post(url, headers=headers, json={"template": {"name": "ola_de_novo"}})
    assert (text.status_code, template.status_code, no_parameters.status_code) == (202, 202, 202)
    before = len(provider.bodies())
    assert drain(queued) == ["failed", "sent", "sent"]
    assert provider.bodies()[before:] == [
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": CUSTOMER,
            "type": "template",
            "template": {
                "name": "pedido_saiu",
                "language": {"code": "en_US"},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": "#4512"}, {"type": "text", "text": "Rua Augusta, 100"}],
                    }
                ],
            },
        },
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": CUSTOMER,
            "type": "template",
            "template": {"name": "ola_de_novo", "language": {"code": "pt_BR"}},
        },
    ]
    session.expire_all()
    refused = session.get(Message, text.json()["message_id"])
    assert refused.status == DeliveryStatus.FAILED and "only approved templates" in refused.error


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"template": {"name": "Pedido Pronto"}}, "name"),
        ({"template": {"name": "pedido", "language": "portuguese"}}, "language"),
        ({"template": {"name": "pedido", "parameters": ["Ana", ""]}}, "parameters"),
        ({"template": {"name": "pedido", "parameters": [{"type": "text", "text": "Ana"}]}}, "parameters"),
        ({"template": {"name": "pedido"}, "text": "e texto"}, "either a text or a template"),
        ({"sender": "bot"}, "either a text or a template"),
    ],
)
def test_a_template_whatsapp_would_refuse_is_a_422_with_the_reason(
    client, session, workspace_id, provider, queued, body, field
) -> None:
    token = create_token(session=session, workspace_id=workspace_id, name="tests")
    key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url)
    post_signed(client, key, wa_payload("oi", wamid="wamid.tpl.4"))
    queued.clear()
    conversation = session.exec(select(Conversation)).one()
    response = client.post(
        f"/api/v1/conversations/{conversation.id}/messages", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert field in str(response.json()["detail"])
    assert queued == [] and session.exec(select(Message).where(Message.kind == "template")).all() == []


def test_an_empty_parameter_at_send_time_fails_with_the_reason(client, session, workspace_id, provider, queued) -> None:
    node = {**TEMPLATE_NODE, "parameters": ["${cupom}"]}  # nothing sets `cupom`: the studio warns, WhatsApp refuses
    key = _bot_on_whatsapp(session, workspace_id, reminder_flow(node), provider)
    post_signed(client, key, wa_payload("oi", wamid="wamid.tpl.5"))
    drain(queued)
    _silent_for(session, 26)
    timers.fire_inactivity_events()
    assert drain(queued) == ["failed"]
    failed = session.exec(select(Message).where(Message.kind == "template")).one()
    assert failed.error == "template carrinho_abandonado: parameter {{1}} is empty"
    assert len(provider.bodies()) == 1


def test_webchat_shows_a_template_as_its_fallback_text(client, session, workspace_id, queued) -> None:
    from flowstudio.models import Channel, ChannelKind

    document = reminder_flow(TEMPLATE_NODE)
    document["edges"][2] = {"id": "b2", "source": "total", "source_handle": "next", "target": "lembrete"}
    bot = bot_service.create_bot_from_document(session=session, workspace_id=workspace_id, document=document)
    drafts.publish(session=session, bot_id=bot.id, author_id=None, changelog="v1")
    webchat = session.exec(select(Channel).where(Channel.kind == ChannelKind.WEBCHAT)).first()
    webchat.bot_id = bot.id
    session.add(webchat)
    session.commit()
    visitor = "visitor_tpl_0001"
    client.post(
        f"/api/v1/webchat/{webchat.key}/messages",
        json={"visitor_id": visitor, "client_message_id": "m-00000001", "text": "oi"},
    )
    drain(queued)
    shown = client.get(f"/api/v1/webchat/{webchat.key}/messages", params={"visitor": visitor}).json()["messages"]
    assert [(m["from"], m["text"]) for m in shown] == [
        ("visitor", "oi"),
        ("bot", "Sua pizza de calabresa (R$ 52.5) ainda está no carrinho!"),
    ]


def test_telegram_sends_the_fallback_text_or_the_name_and_parameters() -> None:
    output = {
        "type": "template",
        "name": "pedido_pronto",
        "language": "pt_BR",
        "parameters": ["#12"],
        "fallback_text": "Seu pedido #12 está pronto!",
    }
    assert telegram.render(output, "42") == ("sendMessage", {"chat_id": "42", "text": "Seu pedido #12 está pronto!"})
    assert telegram.render({**output, "fallback_text": None}, "42") == (
        "sendMessage",
        {"chat_id": "42", "text": "pedido_pronto: #12"},
    )


def test_the_studio_offers_the_template_node_and_points_to_it_for_late_messages() -> None:
    from flow_runtime.validate import validate_flow
    from flowstudio.pages.editor.forms import inspector_form
    from flowstudio.services.studio.flow_editing import add_node
    from flowstudio.services.studio.flow_view import PALETTE, channel_warnings, node_view

    assert "template" in dict(PALETTE)["say"]
    document, node_id = add_node(reminder_flow(TEMPLATE_NODE), kind="template", position={"x": 0, "y": 0})
    fresh = next(n for n in document["nodes"] if n["id"] == node_id)
    flow, problems = validate_flow(document)
    assert flow is not None  # a freshly dropped node loads; the designer is asked for the name
    assert [(p.code, p.node_id) for p in problems if p.code.startswith("template")] == [("template_no_name", node_id)]
    assert inspector_form({**TEMPLATE_NODE})["parameters"] == "${sabor}\nR$ ${total}"
    assert inspector_form(fresh)["language"] == "pt_BR"
    view = node_view(TEMPLATE_NODE, "pt-BR")
    assert view["data"]["kindLabel"] == "Template" and view["data"]["group"] == "say"
    assert view["data"]["lines"] == ["carrinho_abandonado (pt_BR)", "{{1}} = ${sabor}", "{{2}} = R$ ${total}"]

    late_text = reminder_flow({"id": "nudge", "kind": "message", "text": "Ainda está aí?"})
    [warning] = channel_warnings(late_text, ["whatsapp"])
    assert warning.node_id == "idle" and "Template node" in warning.message
    assert channel_warnings(reminder_flow(TEMPLATE_NODE), ["whatsapp"]) == []  # the way out: no warning
    mixed = reminder_flow(TEMPLATE_NODE)
    mixed["nodes"].append({"id": "depois", "kind": "message", "text": "E aí?"})
    mixed["edges"].append({"id": "e", "source": "lembrete", "source_handle": "next", "target": "depois"})
    assert [w.node_id for w in channel_warnings(mixed, ["whatsapp"])] == ["idle"]  # a text still follows it
