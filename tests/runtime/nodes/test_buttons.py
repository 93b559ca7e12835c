"""The ``buttons`` node: shows and waits; a click, a typed label or number picks a button."""

from __future__ import annotations

from flow_runtime import Event
from flow_runtime.testing.builders import converse, make_flow, texts

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


def test_clicking_a_button_of_an_old_message_still_works():
    results = converse(menu_flow(), "oi", ("click", "b_sim"), ("click", "b_hor"))
    assert texts(results[2]) == ["horário!"]


def test_text_at_buttons_that_matches_nothing_keeps_the_menu_waiting():
    results = converse(menu_flow(), "oi", "xyzzy plugh", Event.message("Não"))
    assert results[1].session.cursor == "menu"
    assert texts(results[2]) == ["não!"]
