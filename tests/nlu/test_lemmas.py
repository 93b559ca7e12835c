"""The compact lemma tables answer exactly as spaCy's lookup lemmatizer's table did, in a fraction of its memory."""

from __future__ import annotations

import pytest
import spacy
from spacy.util import load_language_data, registry

from flow_runtime.nlu.lemmas import LemmaTable
from flow_runtime.nlu.pipeline import analyze, lemma_lookup

NOT_LISTED = ["", "zzzqx", "pizzaria123", "NOUN", "nsubj", "quero-uma", "ção", "🍕"]


def spacy_table(language: str):
    """spaCy's own lookup table, loaded the way the pipeline used to (a lookup lemmatizer, initialised)."""
    nlp = spacy.blank(language)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")


@pytest.mark.parametrize("language", ["pt", "es", "en"])
def test_every_form_gets_the_lemma_spacy_gave_it(language: str) -> None:
    reference = spacy_table(language)
    forms = list(load_language_data(registry.lookups.get(language)["lemma_lookup"]))
    table = lemma_lookup(language)
    assert len(table) == len(reference)
    for form in [*forms, *NOT_LISTED, *(form.upper() for form in forms[::97])]:
        expected = reference.get(form, form)
        assert table.get(form, form) == (expected if isinstance(expected, str) else expected[0]), form


def test_the_portuguese_table_is_small() -> None:
    assert lemma_lookup("pt").nbytes < 16 * 1024 * 1024  # spaCy's dict of the same 824,767 forms held ~277 MiB


def test_several_lemmas_keep_the_first_and_a_later_duplicate_wins() -> None:
    table = LemmaTable({"casas": ["casa", "casar"], "fui": "ir", "Fui": "ser", "fui ": "x"})
    assert table.get("casas", "casas") == "casa"
    assert table.get("fui", "?") == "ir" and table.get("Fui", "?") == "ser"
    assert table.get("foi", "foi") == "foi"
    assert len(LemmaTable({})) == 0 and LemmaTable({}).get("a", "b") == "b"


def test_other_languages_have_no_lemma_lookup() -> None:
    assert len(lemma_lookup("fr")) == 0
    assert analyze("Les maisons", language="fr").lemmas == ("les", "maisons")


def test_analysis_lemmatises_with_the_compact_table() -> None:
    assert analyze("Quero pedir duas pizzas", language="pt").lemmas == ("querer", "pedir", "dois", "pizza")
