"""The Matcher-port adapter inside the engine."""

from __future__ import annotations

from flow_runtime.graph import compile as compile_flow
from flow_runtime.nlu import NluMatcher, train
from flow_runtime.nlu.flows import examples_from_flow
from flow_runtime.testing import fake_ports
from flow_runtime.testing.builders import converse


def test_exact_trigger_scores_one(pizzaria_doc):
    flow = compile_flow(pizzaria_doc)
    matcher = NluMatcher(train(examples_from_flow(pizzaria_doc)))
    scores = matcher.match("Quero falar com um atendente", flow.intents, language="pt")
    assert scores[0].intent_id == "i_humano" and scores[0].score == 1.0


def test_paraphrase_clears_the_engine_threshold(pizzaria_doc):
    flow = compile_flow(pizzaria_doc)
    matcher = NluMatcher(train(examples_from_flow(pizzaria_doc)))
    scores = matcher.match("vcs tão abertos agora?", flow.intents, language="pt")
    assert scores[0].intent_id == "i_horario" and scores[0].score >= 0.6


def test_a_message_in_capitals_is_understood_like_the_same_words_in_lower_case(pizzaria_doc):
    flow = compile_flow(pizzaria_doc)
    matcher = NluMatcher(train(examples_from_flow(pizzaria_doc)))
    scores = matcher.match("FAZER PEDIDO", flow.intents, language="pt")
    assert scores[0].intent_id == "i_pedido" and scores[0].score >= 0.6


def test_engine_walks_the_intent_the_nlu_picked(pizzaria_doc):
    flow = compile_flow(pizzaria_doc)
    ports = fake_ports(matcher=NluMatcher())  # trains from the flow's index on first use
    results = converse(flow, "oi", "quero uma pizza pra entregar", ports=ports)
    assert "i_pedido" in results[1].trace


def test_without_two_intents_it_falls_back_to_keywords():
    from flow_runtime.matching import IntentEntry, IntentIndex

    index = IntentIndex.build([IntentEntry("i1", "oi", None, ("bom dia",), (frozenset({"bom", "dia"}),), "Oi")])
    scores = NluMatcher().match("bom dia", index, language="pt")
    assert [(s.intent_id, s.score) for s in scores] == [("i1", 1.0)]


def test_off_topic_messages_are_not_understood_nor_suggested(pizzaria_doc):
    import pytest

    flow = compile_flow(pizzaria_doc)
    matcher = NluMatcher(train(examples_from_flow(pizzaria_doc)))
    for text in ("asdfgh qwerty zxcv", "meu cachorro fugiu", "qual o preço do carro?"):
        assert matcher.match(text, flow.intents, language="pt") == [], text
    assert matcher.match("me passa pra alguém", flow.intents, language="pt")[0].intent_id == "i_humano"
    strict = NluMatcher(train(examples_from_flow(pizzaria_doc)), min_similarity=0.95)
    assert strict.match("me passa pra alguém", flow.intents, language="pt") == []
    with pytest.raises(AssertionError):
        assert matcher.match("quanto custa a pizza grande?", flow.intents, language="pt") == []


def test_the_engine_runs_the_fallback_for_gibberish(pizzaria_doc):
    flow = compile_flow(pizzaria_doc)
    results = converse(flow, "oi", "asdfgh qwerty zxcv", ports=fake_ports(matcher=NluMatcher()))
    assert "fallback" in results[1].trace


def test_a_trigger_the_message_hits_wins_over_a_confident_classifier():
    """The classifier may prefer another intent, even at a probability that maps to 1.0: the designer's
    trigger still decides (exact phrase or every keyword); the classifier's pick comes after it."""
    from flow_runtime.matching import IntentEntry, IntentIndex
    from flow_runtime.nlu.types import Prediction

    class Overconfident:  # a classifier sure of the wrong intent
        classes = ["a_cancelar", "b_pedido"]
        threshold = 0.5

        def assess(self, text, *, language=None, top=5):
            ranking = (("a_cancelar", 1.0), ("b_pedido", 0.0))
            return Prediction("a_cancelar", 1.0, True, ranking, 0.5), 0.9

    index = IntentIndex.build(
        [
            IntentEntry(
                "a_cancelar",
                "cancelar",
                None,
                ("cancelar meu pedido",),
                (frozenset({"cancelar", "pedido"}),),
                "Cancelar",
            ),
            IntentEntry(
                "b_pedido",
                "pedido",
                None,
                ("quero pizza", "pizza grande"),
                (frozenset({"quero", "pizza"}), frozenset({"pizza", "grande"})),
                "Pedido",
            ),
        ]
    )
    matcher = NluMatcher(Overconfident())  # type: ignore[arg-type]
    exact = matcher.match("quero pizza", index, language="pt")
    assert [(s.intent_id, s.score) for s in exact] == [("b_pedido", 1.0), ("a_cancelar", 1.0)]
    keywords = matcher.match("eu quero uma pizza de calabresa", index, language="pt")
    assert [s.intent_id for s in keywords] == ["b_pedido", "a_cancelar"] and keywords[0].score == 0.9
    free = matcher.match("desisti, não quero mais", index, language="pt")  # no trigger: the classifier decides
    assert free[0].intent_id == "a_cancelar"
