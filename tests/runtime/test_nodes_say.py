"""Node kinds that say something: start, message, buttons, carousel, media."""

from __future__ import annotations

from flow_runtime import Event
from flow_runtime.testing import FakeRandom, fake_ports
from flow_runtime.testing.builders import converse, make_flow, texts, visible

BUTTONS = {
    "id": "menu",
    "kind": "buttons",
    "text": "Escolha",
    "buttons": [
        {"id": "b_sim", "label": "Sim, claro"},
        {"id": "b_nao", "label": "Não"},
        {"id": "b_hor", "label": "Horário"},
    ],
}
AFTER_MENU = [
    {"id": "m_sim", "kind": "message", "text": "sim!"},
    {"id": "m_nao", "kind": "message", "text": "não!"},
    {"id": "m_hor", "kind": "message", "text": "horário!"},
]
MENU_EDGES = [("start", "menu"), ("menu", "b_sim", "m_sim"), ("menu", "b_nao", "m_nao"), ("menu", "b_hor", "m_hor")]


def menu_flow():
    return make_flow([BUTTONS, *AFTER_MENU], MENU_EDGES)


def test_new_session_starts_at_start_when_no_intent_takes_the_first_text():
    flow = make_flow([{"id": "m", "kind": "message", "text": "Olá"}], [("start", "m")])
    (first,) = converse(flow, "quero pizza")
    assert texts(first) == ["Olá"]
    assert first.trace == ("start", "m")


def test_message_renders_variables_constants_and_contact():
    node = {"id": "m", "kind": "message", "text": "${saudacao}, ${contact.name}! ${x}"}
    flow = make_flow(
        [{"id": "s", "kind": "set_variable", "name": "x", "value": 4.0}, node],
        [("start", "s"), ("s", "m")],
        constants={"saudacao": "Oi"},
    )
    from flow_runtime import new_session

    (result,) = converse(flow, "oi", session=new_session(contact={"name": "Ana"}))
    assert texts(result) == ["Oi, Ana! 4"]


def test_unknown_placeholder_renders_empty():
    flow = make_flow([{"id": "m", "kind": "message", "text": "[${nada}]"}], [("start", "m")])
    assert texts(converse(flow, "oi")[0]) == ["[]"]


def test_message_delay_emits_typing_first():
    flow = make_flow([{"id": "m", "kind": "message", "text": "a", "delay_seconds": 2}], [("start", "m")])
    outputs = converse(flow, "oi")[0].outputs
    assert outputs == [{"type": "typing", "seconds": 2}, {"type": "text", "text": "a"}]


def test_message_with_media_sends_the_text_as_caption():
    node = {"id": "m", "kind": "message", "text": "veja", "media": {"type": "image", "url": "/a.png"}}
    outputs = converse(make_flow([node], [("start", "m")]), "oi")[0].outputs
    assert outputs == [{"type": "media", "media_type": "image", "url": "/a.png", "caption": "veja", "filename": None}]


def test_message_variants_are_picked_through_the_random_port():
    node = {"id": "m", "kind": "message", "text": "a", "variants": ["b", "c"]}
    flow = make_flow([node], [("start", "m")])
    (result,) = converse(flow, "oi", ports=fake_ports(random=FakeRandom(2)))
    assert texts(result) == ["c"]


def test_buttons_show_and_wait():
    (result,) = converse(menu_flow(), "oi")
    assert result.outputs[0]["buttons"][0] == {"id": "b_sim", "label": "Sim, claro"}
    assert result.session.cursor == "menu"
    assert result.stop == "wait"


def test_click_follows_the_button_handle():
    assert texts(converse(menu_flow(), "oi", ("click", "b_nao"))[1]) == ["não!"]


def test_typed_label_ignoring_accents_and_case_picks_the_button():
    assert texts(converse(menu_flow(), "oi", "HORARIO")[1]) == ["horário!"]


def test_typed_label_with_a_small_typo_picks_the_button():
    assert texts(converse(menu_flow(), "oi", "sim claor")[1]) == ["sim!"]


def test_typed_number_picks_the_nth_button():
    assert texts(converse(menu_flow(), "oi", "2")[1]) == ["não!"]


def test_typed_number_with_decoration_picks_the_nth_button():
    assert texts(converse(menu_flow(), "oi", "opção 3")[1]) == ["horário!"]


def test_typed_number_with_a_trailing_dot_picks_the_nth_button():
    assert texts(converse(menu_flow(), "oi", "2.")[1]) == ["não!"]


def test_a_number_beyond_the_buttons_picks_none():
    assert converse(menu_flow(), "oi", "4")[1].trace == ("fallback",)


def test_a_label_that_is_a_number_wins_over_the_position():
    menu = {
        "id": "menu",
        "kind": "buttons",
        "text": "Quantas?",
        "buttons": [{"id": "b2", "label": "2"}, {"id": "b1", "label": "1"}],
    }
    nodes = [menu, {"id": "m2", "kind": "message", "text": "duas"}, {"id": "m1", "kind": "message", "text": "uma"}]
    flow = make_flow(nodes, [("start", "menu"), ("menu", "b2", "m2"), ("menu", "b1", "m1")])
    assert texts(converse(flow, "oi", "1")[1]) == ["uma"]


def test_a_label_typed_in_capitals_after_the_menu_was_passed_still_picks_its_button():
    results = converse(menu_flow(), "oi", ("click", "b_sim"), "HORÁRIO")
    assert texts(results[2]) == ["horário!"]


def test_an_old_menu_label_no_longer_counts_once_a_question_has_waited():
    nodes = [
        BUTTONS,
        *AFTER_MENU[1:],
        {"id": "q", "kind": "question", "text": "Nome?", "save_as": "nome"},
        {"id": "m_q", "kind": "message", "text": "ok"},
    ]
    edges = [*MENU_EDGES[:1], ("menu", "b_sim", "q"), *MENU_EDGES[2:], ("q", "valid", "m_q")]
    results = converse(make_flow(nodes, edges), "oi", "sim claro", "Ana", "Horário")
    assert results[3].trace == ("fallback",)


def test_carousel_card_button_is_picked_by_number():
    cards = [
        {"id": "c1", "title": "Calabresa", "buttons": [{"id": "p1", "label": "Quero esta"}]},
        {"id": "c2", "title": "Margherita", "buttons": [{"id": "p2", "label": "Quero esta"}]},
    ]
    nodes = [{"id": "k", "kind": "carousel", "cards": cards}, {"id": "m", "kind": "message", "text": "marg"}]
    flow = make_flow(nodes, [("start", "k"), ("k", "p2", "m")])
    assert texts(converse(flow, "oi", "2")[1]) == ["marg"]


def test_clicking_a_button_of_an_old_message_still_works():
    results = converse(menu_flow(), "oi", ("click", "b_sim"), ("click", "b_hor"))
    assert texts(results[2]) == ["horário!"]


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


def test_media_node_sends_the_attachment():
    node = {"id": "p", "kind": "media", "type": "document", "url": "/menu.pdf", "filename": "menu.pdf"}
    (result,) = converse(make_flow([node], [("start", "p")]), "oi")
    assert visible(result) == [
        {"type": "media", "media_type": "document", "url": "/menu.pdf", "caption": None, "filename": "menu.pdf"}
    ]


def test_text_at_buttons_that_matches_nothing_keeps_the_menu_waiting():
    results = converse(menu_flow(), "oi", "xyzzy plugh", Event.message("Não"))
    assert results[1].session.cursor == "menu"
    assert texts(results[2]) == ["não!"]
