"""Keyword triggers as designers write them, and the fallback chain's related searches."""

from __future__ import annotations

from flow_runtime.nlu import KeywordTriggers, related_intents, related_topics
from flow_runtime.nlu.types import Prediction

TRIGGERS = [("pedido", "quero pedir uma pizza"), ("horario", "horário de funcionamento"), ("cardapio", "cardápio")]


def test_exact_trigger_wins_outright():
    assert KeywordTriggers(TRIGGERS).match("Horario de FUNCIONAMENTO!") == [("horario", 1.0)]


def test_all_keywords_of_a_trigger_fire_it_in_any_order_and_inflection():
    assert KeywordTriggers(TRIGGERS).match("pizza, quero pedir duas") == [("pedido", 0.9)]


def test_keywords_tolerate_a_small_typo():
    assert KeywordTriggers(TRIGGERS).match("qual o horario de funcionamneto") == [("horario", 0.9)]


def test_one_keyword_triggers_only_match_exactly():
    triggers = KeywordTriggers(TRIGGERS)
    assert triggers.match("cardapio") == [("cardapio", 1.0)]
    assert triggers.match("tem cardapio vegano") == []


def test_unrelated_text_hits_nothing():
    assert KeywordTriggers(TRIGGERS).match("bom dia") == []


RANKING = (("a1", 0.5), ("b1", 0.3), ("a2", 0.15), ("c1", 0.05))
TOPICS = {"a1": "A", "a2": "A", "b1": "B", "c1": "C"}


def test_related_intents_are_ranked_and_cut():
    out = related_intents(Prediction(None, 0.5, False, RANKING), k=2)
    assert [(c.key, c.score) for c in out] == [("a1", 0.5), ("b1", 0.3)]


def test_related_topics_sum_their_intents():
    out = related_topics(RANKING, TOPICS)
    assert [(c.key, c.score) for c in out] == [("A", 0.65), ("B", 0.3), ("C", 0.05)]
    assert out[0].intents == ("a1", "a2")


def test_related_topics_can_stay_near_the_current_topic():
    out = related_topics(RANKING, TOPICS, current="B", related={"B": ["C"]})
    assert [c.key for c in out] == ["B", "C"]
