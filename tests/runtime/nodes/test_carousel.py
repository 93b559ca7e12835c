"""The ``carousel`` node: cards that wait for a click, a number or a typed title; link buttons have no exit."""

from __future__ import annotations

from flow_runtime.testing.builders import converse, make_flow, texts


def test_carousel_card_button_is_picked_by_number():
    cards = [
        {"id": "c1", "title": "Calabresa", "buttons": [{"id": "p1", "label": "Quero esta"}]},
        {"id": "c2", "title": "Margherita", "buttons": [{"id": "p2", "label": "Quero esta"}]},
    ]
    nodes = [{"id": "k", "kind": "carousel", "cards": cards}, {"id": "m", "kind": "message", "text": "marg"}]
    flow = make_flow(nodes, [("start", "k"), ("k", "p2", "m")])
    assert texts(converse(flow, "oi", "2")[1]) == ["marg"]


def test_carousel_shows_cards_and_waits():
    card = {
        "id": "c1",
        "title": "Calabresa",
        "subtitle": "R$ 45",
        "image": "/c.jpg",
        "buttons": [{"id": "pick", "label": "Quero"}],
    }
    flow = make_flow([{"id": "k", "kind": "carousel", "cards": [card]}], [("start", "k")])
    (result,) = converse(flow, "oi")
    assert result.outputs[0]["cards"][0]["title"] == "Calabresa"
    assert result.session.cursor == "k"


def test_carousel_card_title_typed_picks_its_button():
    cards = [
        {"id": "c1", "title": "Calabresa", "buttons": [{"id": "p1", "label": "Quero esta"}]},
        {"id": "c2", "title": "Margherita", "buttons": [{"id": "p2", "label": "Quero esta"}]},
    ]
    nodes = [{"id": "k", "kind": "carousel", "cards": cards}, {"id": "m", "kind": "message", "text": "marg"}]
    flow = make_flow(nodes, [("start", "k"), ("k", "p2", "m"), ("k", "p1", "k")])
    assert texts(converse(flow, "oi", "margerita")[1]) == ["marg"]


def test_carousel_link_buttons_have_no_handle():
    card = {"id": "c", "title": "T", "buttons": [{"id": "site", "label": "Site", "url": "https://x"}]}
    flow = make_flow([{"id": "k", "kind": "carousel", "cards": [card]}], [("start", "k")])
    assert flow.nodes["k"].handles() == ()
