"""Normalisation: case, accents, repeated letters, chat abbreviations, typos, lemmas."""

from __future__ import annotations

from flow_runtime.nlu.normalize import TypoCorrector, expand, fold, squeeze_repeats
from flow_runtime.nlu.pipeline import analyze


def test_case_and_accents_are_folded():
    assert fold("Você está AÍ?") == "voce esta ai"


def test_repeated_letters_are_squeezed_per_language():
    assert squeeze_repeats("simmmm", language="pt") == "sim"
    assert squeeze_repeats("goooood", language="en") == "good"


def test_portuguese_chat_abbreviations_expand():
    assert fold("vc pq tb q blz vlw td hj", language="pt") == "voce porque tambem que beleza valeu tudo hoje"


def test_spanish_and_english_abbreviations_expand():
    assert fold("xq tb q", language="es") == "porque tambien que"
    assert fold("u r pls", language="en") == "you are please"


def test_a_message_in_capitals_is_lowered_for_the_encoder():
    assert expand("FAZER PEDIDO", language="pt") == "fazer pedido"


def test_a_capitalised_word_in_a_mixed_message_keeps_its_case():
    assert expand("Meu CPF é esse", language="pt") == "Meu CPF é esse"


def test_expand_keeps_accents_for_the_encoder():
    assert expand("vcs tão abertos?", language="pt") == "vocês estão abertos ?"


def test_small_typos_map_to_known_words():
    corrector = TypoCorrector(["pizza", "entrega", "horario"])
    assert corrector.correct("pizaa") == "pizza"
    assert corrector.correct("entega") == "entrega"
    assert corrector.correct("carro") == "carro"


def test_lemmas_come_from_the_lookup_tables():
    analysis = analyze("Estamos abertos e quero pizzas", language="pt")
    assert analysis.words == ("estamos", "abertos", "e", "quero", "pizzas")
    assert "querer" in analysis.lemmas and "pizza" in analysis.lemmas


def test_english_lemmas():
    assert analyze("I wanted two pizzas", language="en").lemmas == ("i", "want", "two", "pizza")
