"""Canvas warnings for what WhatsApp cannot show in one message."""

from __future__ import annotations

from flow_runtime.testing.builders import make_flow
from flow_runtime.validate import validate_flow
from flowstudio.demo import demo_flow
from flowstudio.services.studio.flow_view import problem_text


def whatsapp_problems(nodes: list[dict]) -> list:
    return [p for p in make_flow(nodes).problems if p.code.startswith("whatsapp_")]


def menu(count: int) -> dict:
    return {
        "id": "m",
        "kind": "buttons",
        "text": "?",
        "buttons": [{"id": f"b{i}", "label": f"Opção {i}"} for i in range(count)],
    }


def test_more_than_three_buttons_warn_that_whatsapp_shows_a_list() -> None:
    assert whatsapp_problems([menu(3)]) == []
    [found] = whatsapp_problems([menu(4)])
    assert (found.severity, found.code, found.node_id) == ("warning", "whatsapp_list", "m")
    assert "at most 3 reply buttons" in found.message and "these 4" in found.message


def test_a_card_link_beside_other_buttons_warns() -> None:
    card = {
        "id": "c",
        "title": "Calabresa",
        "buttons": [{"id": "q", "label": "Quero esta"}, {"id": "s", "label": "Ver no site", "url": "https://x.y"}],
    }
    [found] = whatsapp_problems([{"id": "k", "kind": "carousel", "cards": [card]}])
    assert found.code == "whatsapp_card_links" and "'Calabresa'" in found.message and "'Ver no site'" in found.message
    alone = {**card, "buttons": card["buttons"][1:]}
    assert whatsapp_problems([{"id": "k", "kind": "carousel", "cards": [alone]}]) == []


def test_the_warning_is_translated_and_the_demo_has_none() -> None:
    [found] = whatsapp_problems([menu(5)])
    assert problem_text(found, "pt-BR").startswith("No WhatsApp cabem só 3 botões")
    assert problem_text(found, "es").startswith("En WhatsApp caben solo 3 botones")
    _, problems = validate_flow(demo_flow())
    assert not [p for p in problems if p.code.startswith("whatsapp_")]
