"""The one-message fast paths (caches, one BLAS thread) give what the reference paths give."""

from __future__ import annotations

import numpy as np
import pytest

from flow_runtime.nlu import features
from flow_runtime.nlu.blas import _blas_libraries, single_thread
from flow_runtime.nlu.features import SparseFeaturizer, block_terms
from flow_runtime.nlu.model import softmax
from flow_runtime.nlu.pipeline import Analysis, analyze, analyze_many

MESSAGES = [
    "vcs tão abertos agora?", "quero uma pizza pra entregar", "quero uma piza grandee", "pizzaaa de calabresa!!!",
    "qual o sentido da vida", "", "???", "Vcs ENTREGAM no centro? tb aceitam pix", "oi oi oi", "cardápio por favor",
]


def _reference_vector(model, analysis: Analysis):
    idx, values = model.featurizer.vector(model.document(analysis))
    order = np.argsort(idx)
    return idx[order], values[order]


def test_cached_features_equal_the_reference_featurisation(pizzaria_model):
    for text in MESSAGES * 2:  # the second round reads every word from the cache
        analysis = analyze(text, language="pt")
        idx, values = model_vector = pizzaria_model.featurizer.message_vector(*pizzaria_model.corrected(analysis))
        ref_idx, ref_values = _reference_vector(pizzaria_model, analysis)
        assert np.array_equal(idx, ref_idx), text
        np.testing.assert_allclose(values, ref_values, rtol=1e-5, atol=1e-7)
        assert model_vector[1].dtype == np.float32


def test_typo_corrected_words_reach_the_features(pizzaria_model):
    analysis = analyze("quero uma piza", language="pt")
    words, _ = pizzaria_model.corrected(analysis)
    assert "pizza" in words
    idx, _ = pizzaria_model.featurizer.message_vector(*pizzaria_model.corrected(analysis))
    word_block = pizzaria_model.featurizer.blocks["word"]
    assert word_block.vocabulary["pizza"] + pizzaria_model.featurizer.offsets["word"] in idx


def test_word_cache_starts_over_when_full(monkeypatch, pizzaria_model):
    featurizer = SparseFeaturizer(pizzaria_model.featurizer.blocks)  # a fresh, empty cache
    monkeypatch.setattr(features, "CHAR_CACHE", 3)
    for text in MESSAGES:
        analysis = analyze(text, language="pt")
        idx, values = featurizer.message_vector(analysis.words, analysis.lemmas)
        doc = {b: block_terms(analysis, analysis.words, b) for b in features.BLOCKS}
        ref_idx, ref_values = featurizer.vector(doc)
        order = np.argsort(ref_idx)
        assert np.array_equal(idx, ref_idx[order])
        np.testing.assert_allclose(values, ref_values[order], rtol=1e-5, atol=1e-7)
        assert len(featurizer._char_ids) <= max(3, len(analysis.words))


def test_fast_prediction_equals_the_batch_scoring_path(pizzaria_model):
    from flow_runtime.nlu.model import batch_scores

    analyses = [analyze(t, language="pt") for t in MESSAGES]
    documents = [pizzaria_model.document(a) for a in analyses]
    embeddings = pizzaria_model.encoder.encode([a.expanded for a in analyses]) if pizzaria_model.encoder else None
    batch, _ = batch_scores(pizzaria_model, documents, embeddings)
    for text, expected in zip(MESSAGES, batch):
        np.testing.assert_allclose(softmax(pizzaria_model.logits(text)), softmax(expected), atol=1e-5)


def test_one_message_analysis_equals_the_batch_analysis():
    for language, texts in (("pt", MESSAGES), ("es", ["¿Qué tal?", "xq no vienes", "reservaaa una mesa"]),
                            ("en", ["I wanted two pizzas", "u r gr8", "what's my balance"])):
        assert [analyze(t, language=language) for t in texts] == analyze_many(texts, language=language)


@pytest.mark.skipif(not _blas_libraries(), reason="no OpenBLAS that threadpoolctl can drive")
def test_single_thread_lowers_blas_threads_and_restores_them():
    library = _blas_libraries()[0]
    before = library.get_num_threads()
    library.set_num_threads(2)
    try:
        with single_thread():
            assert library.get_num_threads() == 1
            with single_thread():  # nested (or concurrent) blocks keep one thread until the last leaves
                assert library.get_num_threads() == 1
            assert library.get_num_threads() == 1
        assert library.get_num_threads() == 2
    finally:
        library.set_num_threads(before)


def test_tfidf_matrix_rows_equal_one_document_vectors(pizzaria_model, pizzaria_examples):
    featurizer = pizzaria_model.featurizer
    documents = [pizzaria_model.document(analyze(e.text, language="pt")) for e in pizzaria_examples]
    documents.append({b: [] for b in features.BLOCKS})  # a message with no known term
    matrix = featurizer.matrix(documents)
    for row, document in enumerate(documents):
        idx, values = featurizer.vector(document)
        order = np.argsort(idx)
        assert np.array_equal(matrix[row].indices, idx[order])
        np.testing.assert_allclose(matrix[row].data, values[order], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("many", [False, True])
def test_training_in_threads_gives_the_same_model(pizzaria_examples, many):
    from flow_runtime.nlu import TrainConfig, train

    examples = pizzaria_examples * (-(-2000 // len(pizzaria_examples)) if many else 1)  # 2000+: held-out slice
    alone = train(examples, config=TrainConfig(language="pt", workers=1))
    threads = train(examples, config=TrainConfig(language="pt", workers=2))
    assert alone.meta["calibration"] == threads.meta["calibration"]
    assert (alone.meta["calibration"] == "holdout") == many  # else k-fold out-of-fold calibration
    np.testing.assert_allclose(alone.weights.svm_coef, threads.weights.svm_coef, atol=1e-6)
    np.testing.assert_allclose(alone.weights.lr_coef, threads.weights.lr_coef, atol=1e-6)
    assert alone.fusion.temperature == pytest.approx(threads.fusion.temperature)
    for text in MESSAGES:
        assert alone.predict(text).ranking == threads.predict(text).ranking
