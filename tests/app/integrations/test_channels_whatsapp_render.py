"""WhatsApp: menus and carousels as the Cloud API's interactive messages, nothing dropped, labels in the
conversation's language.

Expected shapes follow Meta's request syntax:
reply buttons https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-reply-buttons-messages
lists https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-list-messages
CTA URL https://developers.facebook.com/documentation/business-messaging/whatsapp/messages/interactive-cta-url-messages
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlmodel import select

from flowstudio.api import create_api
from flowstudio.channels import whatsapp
from flowstudio.channels.whatsapp import render
from flowstudio.models import Conversation
from flowstudio.services.system.seed import seed_demo
from tests.support.channels import post_signed, wa_payload, whatsapp_channel
from tests.support.fake_provider import fake_provider

TO = "5511999990000"
ENVELOPE = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": TO}


def buttons(count: int, text: str = "Qual sabor?") -> dict:
    return {"type": "buttons", "text": text, "buttons": [{"id": f"b{i}", "label": f"Sabor {i}"} for i in range(count)]}


def card(number: int, *, image: str | None = None, links: int = 0, replies: int = 1) -> dict:
    return {
        "id": f"c{number}",
        "title": f"Pizza {number}",
        "subtitle": f"R$ {40 + number},00",
        "image": image,
        "buttons": [{"id": f"quero_{number}_{i}", "label": "Quero esta"} for i in range(replies)]
        + [
            {"id": f"link_{number}_{i}", "label": "Ver no site", "url": f"https://example.com/{number}"}
            for i in range(links)
        ],
    }


def test_a_card_goes_out_as_reply_buttons_under_its_image_title_and_subtitle() -> None:
    output = {"type": "carousel", "text": None, "cards": [card(1, image="https://cdn.example.com/p1.jpg"), card(2)]}
    first, second = render(output, TO)
    assert first == {
        **ENVELOPE,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "header": {"type": "image", "image": {"link": "https://cdn.example.com/p1.jpg"}},
            "body": {"text": "*Pizza 1*\nR$ 41,00"},
            "action": {"buttons": [{"type": "reply", "reply": {"id": "quero_1_0", "title": "Quero esta"}}]},
        },
    }
    assert second["interactive"]["body"] == {"text": "*Pizza 2*\nR$ 42,00"} and "header" not in second["interactive"]


def test_a_carousel_s_text_goes_first_and_no_body_is_an_ellipsis() -> None:
    output = {"type": "carousel", "text": "Nosso cardápio:", "cards": [card(1), card(2), card(3)]}
    messages = render(output, TO)
    assert messages[0] == {**ENVELOPE, "type": "text", "text": {"preview_url": False, "body": "Nosso cardápio:"}}
    assert [m["interactive"]["type"] for m in messages[1:]] == ["button"] * 3
    assert all(m["interactive"]["body"]["text"] not in ("", "…") for m in messages[1:])


def test_many_card_buttons_are_all_sent() -> None:
    """Ten cards of three buttons: thirty choices, none dropped (the old list kept ten)."""
    output = {"type": "carousel", "text": None, "cards": [card(n, replies=3) for n in range(10)]}
    sent = [b["reply"]["id"] for m in render(output, TO) for b in m["interactive"]["action"]["buttons"]]
    assert sent == [f"quero_{n}_{i}" for n in range(10) for i in range(3)]


def test_a_link_button_goes_as_a_call_to_action_message() -> None:
    only_link = card(1, image="https://cdn.example.com/p1.jpg", links=1, replies=0)
    [message] = render({"type": "carousel", "text": None, "cards": [only_link]}, TO)
    assert message["interactive"] == {
        "type": "cta_url",
        "header": {"type": "image", "image": {"link": "https://cdn.example.com/p1.jpg"}},
        "body": {"text": "*Pizza 1*\nR$ 41,00"},
        "action": {"name": "cta_url", "parameters": {"display_text": "Ver no site", "url": "https://example.com/1"}},
    }
    replies, link = render({"type": "carousel", "text": None, "cards": [card(2, links=1)]}, TO)
    assert replies["interactive"]["type"] == "button" and link["interactive"]["type"] == "cta_url"
    assert link["interactive"]["body"] == {"text": "Pizza 2"}


def test_a_card_without_buttons_is_an_image_with_a_caption_and_a_relative_image_is_left_out() -> None:
    shown = {"id": "c", "title": "Promo", "subtitle": "Só hoje", "image": "https://cdn.example.com/promo.jpg"}
    relative = {
        "id": "d",
        "title": "Calabresa",
        "image": "/pizzas/calabresa.jpg",
        "buttons": [{"id": "quero", "label": "Quero esta"}],
    }
    picture, menu = render({"type": "carousel", "text": None, "cards": [shown, relative]}, TO)
    assert picture == {
        **ENVELOPE,
        "type": "image",
        "image": {"link": "https://cdn.example.com/promo.jpg", "caption": "*Promo*\nSó hoje"},
    }
    assert "header" not in menu["interactive"]  # Meta's servers cannot fetch this app's relative paths


def test_up_to_three_buttons_are_reply_buttons() -> None:
    [message] = render(buttons(3), TO)
    assert message["interactive"]["type"] == "button"
    assert [b["reply"]["id"] for b in message["interactive"]["action"]["buttons"]] == ["b0", "b1", "b2"]


def test_more_buttons_are_a_list_labelled_in_the_conversation_s_language() -> None:
    for language, label in (("pt", "Ver opções"), ("es", "Ver opciones"), ("en", "See options")):
        [message] = render(buttons(7), TO, language=language)
        interactive = message["interactive"]
        assert interactive["type"] == "list" and interactive["body"] == {"text": "Qual sabor?"}
        assert interactive["action"]["button"] == label
        assert [r["id"] for r in interactive["action"]["sections"][0]["rows"]] == [f"b{i}" for i in range(7)]


def test_more_than_ten_options_are_split_into_lists_not_dropped() -> None:
    first, second = render(buttons(14), TO, language="en")
    assert first["interactive"]["body"] == {"text": "Qual sabor?"}
    assert second["interactive"]["body"] == {"text": "More options (2/2)"}
    rows = [r["id"] for m in (first, second) for r in m["interactive"]["action"]["sections"][0]["rows"]]
    assert rows == [f"b{i}" for i in range(14)]
    assert all(len(m["interactive"]["action"]["sections"][0]["rows"]) <= 10 for m in (first, second))


def test_buttons_without_text_get_a_real_body() -> None:
    [message] = render(buttons(2, text=""), TO, language="es")
    assert message["interactive"]["body"] == {"text": "Elige una opción:"}


def test_sending_reads_the_conversation_s_language(session) -> None:
    """The delivery passes only the conversation's id: the list button follows its (bot's) language."""
    with fake_provider() as provider:
        workspace_id = seed_demo(session=session, admin_email="admin@example.com").workspace_id
        key = whatsapp_channel(session, workspace_id=workspace_id, graph_base_url=provider.url)
        post_signed(TestClient(create_api()), key, wa_payload("oi", wamid="wamid.lang.1"))
        conversation = session.exec(select(Conversation)).one()
        conversation.language = "es"
        session.add(conversation)
        session.commit()
        whatsapp.send(
            config={"phone_number_id": "PNID", "graph_base_url": provider.url},
            secrets={"access_token": "token"},
            recipient=TO,
            output=buttons(5),
            last_inbound_at=datetime.now(UTC),
            conversation_id=conversation.id,
        )
        assert provider.bodies("/PNID/messages")[-1]["interactive"]["action"]["button"] == "Ver opciones"
