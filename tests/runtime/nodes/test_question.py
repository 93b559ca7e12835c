"""The question node: prompt, validation, retries, save_as, valid/invalid exits."""

from __future__ import annotations

from flow_runtime import Event
from flow_runtime.testing.builders import converse, event_names, make_flow, texts


def question_flow(input_spec, *, retries=1, retry_text="De novo", **extra):
    nodes = [
        {
            "id": "q",
            "kind": "question",
            "text": "Pergunta?",
            "input": input_spec,
            "save_as": "resp",
            "retry_text": retry_text,
            "max_retries": retries,
        },
        {"id": "ok", "kind": "message", "text": "ok ${resp}"},
        {"id": "bad", "kind": "message", "text": "desisto"},
    ]
    return make_flow(nodes, [("start", "q"), ("q", "valid", "ok"), ("q", "invalid", "bad")], **extra)


def test_question_asks_and_waits():
    (result,) = converse(question_flow({"type": "text"}), "oi")
    assert texts(result) == ["Pergunta?"]
    assert result.session.cursor == "q"


def test_valid_answer_is_saved_and_takes_valid():
    result = converse(question_flow({"type": "number"}), "oi", "1.234,5")[1]
    assert result.session.variables["resp"] == 1234.5
    assert texts(result) == ["ok 1234.5"]


def test_invalid_answer_sends_the_retry_text():
    result = converse(question_flow({"type": "email"}), "oi", "nope")[1]
    assert texts(result) == ["De novo"]
    assert result.session.retries == 1


def test_without_retry_text_the_question_is_repeated():
    result = converse(question_flow({"type": "email"}, retry_text=None), "oi", "nope")[1]
    assert texts(result) == ["Pergunta?"]


def test_too_many_invalid_answers_take_invalid():
    result = converse(question_flow({"type": "email"}), "oi", "x", "y")[2]
    assert texts(result) == ["desisto"]
    assert "flow.question.invalid" in event_names(result)
    assert result.session.cursor is None


def test_without_an_invalid_exit_the_question_keeps_asking_instead_of_falling_silent():
    nodes = [
        {
            "id": "q",
            "kind": "question",
            "text": "Seu e-mail?",
            "input": {"type": "email"},
            "save_as": "resp",
            "retry_text": "Não entendi, seu e-mail?",
            "max_retries": 1,
        },
        {"id": "ok", "kind": "message", "text": "ok ${resp}"},
    ]
    flow = make_flow(nodes, [("start", "q"), ("q", "valid", "ok")])
    results = converse(flow, "oi", "x", "y", Event.media("image", "https://x/y.jpg"), "ana@example.com")
    assert [texts(r) for r in results[1:4]] == [["Não entendi, seu e-mail?"]] * 3
    assert results[3].session.cursor == "q"
    assert texts(results[4]) == ["ok ana@example.com"]


def test_media_while_a_text_question_waits_gets_the_retry_text():
    result = converse(question_flow({"type": "text"}), "oi", Event.media("image", "https://x/y.jpg"))[1]
    assert texts(result) == ["De novo"]
    assert result.session.cursor == "q"


def test_media_after_the_last_retry_takes_invalid():
    result = converse(question_flow({"type": "text"}, retries=0), "oi", Event.media("audio", "https://x/a.ogg"))[1]
    assert texts(result) == ["desisto"]
    assert result.session.variables == {}


def test_a_location_sent_to_a_number_question_gets_the_retry_text():
    result = converse(question_flow({"type": "number"}), "oi", Event.location(-23.5, -46.6))[1]
    assert texts(result) == ["De novo"]


def test_choice_option_is_picked_by_a_decorated_number():
    flow = question_flow({"type": "choice", "options": ["Pequena", "Média", "Grande"]})
    assert texts(converse(flow, "oi", "opção 2")[1]) == ["ok Média"]


def test_choice_option_named_by_a_number_wins_over_the_position():
    flow = question_flow({"type": "choice", "options": ["2", "4", "6"]})
    assert texts(converse(flow, "oi", "2")[1]) == ["ok 2"]


def test_retries_reset_after_a_valid_answer():
    result = converse(question_flow({"type": "email"}), "oi", "x", "a@b.co")[2]
    assert result.session.retries == 0


def test_question_captures_text_that_looks_like_an_intent():
    nodes_extra = {"id": "i", "kind": "intent", "name": "x", "triggers": ["falar com atendente"]}
    flow = question_flow({"type": "text"})
    flow = make_flow(
        [*flow.document.model_dump()["nodes"], nodes_extra],
        [(e.source, e.source_handle, e.target) for e in flow.document.edges],
    )
    assert texts(converse(flow, "oi", "falar com atendente")[1]) == ["ok falar com atendente"]


def test_location_question_accepts_a_shared_location():
    result = converse(question_flow({"type": "location"}), "oi", Event.location(-23.5, -46.6))[1]
    assert result.session.variables["resp"] == {"lat": -23.5, "lng": -46.6}


def test_choice_question_matches_synonyms_with_typos():
    spec = {"type": "choice", "options": [{"value": "grande", "synonyms": ["familia"]}, "pequena"]}
    result = converse(question_flow(spec), "oi", "famlia")[1]
    assert result.session.variables["resp"] == "grande"


def test_entity_question_uses_the_flow_entity_list():
    entities = [{"name": "sabores", "values": [{"value": "Calabresa", "synonyms": ["calabreza"]}]}]
    flow = question_flow({"type": "entity", "entity": "sabores"}, entities=entities)
    assert converse(flow, "oi", "quero calabreza")[1].session.variables["resp"] == "Calabresa"


def test_date_question_saves_iso():
    result = converse(question_flow({"type": "date"}), "oi", "25 de dezembro de 2024")[1]
    assert result.session.variables["resp"] == "2024-12-25"


def test_an_unknown_click_at_a_question_keeps_the_question_waiting():
    results = converse(question_flow({"type": "email"}), "oi", ("click", "stale"), "a@b.co")
    assert results[1].session.cursor == "q"
    assert texts(results[2]) == ["ok a@b.co"]
