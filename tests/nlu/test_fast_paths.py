"""The one-message fast paths (caches, one BLAS thread) give what the reference paths give."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from flow_runtime.nlu import blas, features
from flow_runtime.nlu.features import SparseFeaturizer, block_terms
from flow_runtime.nlu.model import softmax
from flow_runtime.nlu.pipeline import Analysis, analyze, analyze_many

MESSAGES = [
    "vcs tão abertos agora?",
    "quero uma pizza pra entregar",
    "quero uma piza grandee",
    "pizzaaa de calabresa!!!",
    "qual o sentido da vida",
    "",
    "???",
    "Vcs ENTREGAM no centro? tb aceitam pix",
    "oi oi oi",
    "cardápio por favor",
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
    for language, texts in (
        ("pt", MESSAGES),
        ("es", ["¿Qué tal?", "xq no vienes", "reservaaa una mesa"]),
        ("en", ["I wanted two pizzas", "u r gr8", "what's my balance"]),
    ):
        assert [analyze(t, language=language) for t in texts] == analyze_many(texts, language=language)


ONE_THREAD_CHECK = r"""
import json, os, threading, time
import numpy as np
from flow_runtime.nlu.blas import one_thread

one_thread()
import scipy.linalg, sklearn.svm  # noqa: E401,F401  (their own OpenBLAS and OpenMP load after the call)
from threadpoolctl import threadpool_info

python_threads = set()


def cpu_ticks():
    ticks = {}
    for task in os.listdir("/proc/self/task"):
        fields = open(f"/proc/self/task/{task}/stat").read().rsplit(")", 1)[1].split()
        ticks[int(task)] = int(fields[11]) + int(fields[12])
    return ticks


spent = []


def products():  # as a web request's turn does: in a worker thread, not the main one
    python_threads.add(threading.get_native_id())
    started = time.thread_time()
    matrix = np.random.default_rng(0).random((400, 400), dtype=np.float32)
    deadline = time.monotonic() + 60  # a loaded machine gives the thread less CPU per second: count its own
    while time.thread_time() - started < 0.3 and time.monotonic() < deadline:
        matrix @ matrix
        time.sleep(0.001)
    spent.append(time.thread_time() - started)

python_threads.add(threading.get_native_id())
before = cpu_ticks()
worker = threading.Thread(target=products)
worker.start()
worker.join()
time.sleep(0.1)
ticks = {task: count - before.get(task, 0) for task, count in cpu_ticks().items()}
print(json.dumps({"threads": [pool["num_threads"] for pool in threadpool_info()],
                  "apis": sorted({pool["internal_api"] for pool in threadpool_info()}),
                  "worker_s": spent[0],
                  "helpers_s": sum(t for task, t in ticks.items() if task not in python_threads) / 100}))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads per-thread CPU from /proc")
def test_one_thread_keeps_blas_helpers_idle_for_products_from_worker_threads():
    """The NLU runs BLAS on one thread for the whole process: libraries loaded later included, and a
    worker thread's products (where a web turn runs) leave no helper thread computing or spinning."""
    environment = {k: v for k, v in os.environ.items() if k not in blas.ENVIRONMENT}
    done = subprocess.run(
        [sys.executable, "-c", ONE_THREAD_CHECK],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "openblas" in report["apis"] and set(report["threads"]) == {1}, report
    assert report["worker_s"] >= 0.2, report  # the products ran (0.3 s of the thread's own CPU)
    assert report["helpers_s"] <= 0.03, report  # and no helper thread shared them or spun after them


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
