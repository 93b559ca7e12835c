"""The intent classifier: generalisation, thresholds, calibration, save/load."""

from __future__ import annotations

import numpy as np
import pytest

from flow_runtime.nlu import IntentModel, TrainConfig, train
from flow_runtime.nlu.calibration import fit_temperature, tune_threshold
from flow_runtime.nlu.matcher import engine_score
from flow_runtime.nlu.types import Example


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("vcs tão abertos agora?", "horario_atendimento"),
        ("quero uma pizza pra entregar", "fazer_pedido"),
        ("q horas vcs fecham hj", "horario_atendimento"),
        ("me passa pra alguém de verdade", "falar_com_atendente"),
    ],
)
def test_pizzaria_routes_unseen_paraphrases(pizzaria_model, text, intent):
    prediction = pizzaria_model.predict(text)
    assert prediction.understood
    assert prediction.intent == intent


def test_predictions_are_ranked_probabilities(pizzaria_model):
    prediction = pizzaria_model.predict("quero pedir uma pizza grande")
    assert [p for _, p in prediction.ranking] == sorted((p for _, p in prediction.ranking), reverse=True)
    assert abs(sum(p for _, p in prediction.ranking) - 1.0) < 1e-3


def test_below_the_threshold_is_not_understood(pizzaria_model):
    prediction = pizzaria_model.predict("quero uma pizza pra entregar")
    strict = pizzaria_model.decide(np.array([p for _, p in sorted(prediction.ranking)]))
    assert strict.understood
    pizzaria_model.threshold, saved = 0.9999999, pizzaria_model.threshold
    try:
        assert not pizzaria_model.predict("qual o sentido da vida").understood
        assert pizzaria_model.predict("qual o sentido da vida").intent is None
    finally:
        pizzaria_model.threshold = saved


def test_save_and_load_round_trip(tmp_path, pizzaria_model):
    path = pizzaria_model.save(tmp_path / "pizzaria")
    assert path.suffix == ".npz"
    loaded = IntentModel.load(path)
    text = "vcs entregam pizza?"
    assert loaded.classes == pizzaria_model.classes
    assert loaded.threshold == pizzaria_model.threshold
    np.testing.assert_allclose(loaded.probabilities(text), pizzaria_model.probabilities(text), atol=1e-3)
    np.load(path, allow_pickle=False).close()  # plain arrays only


def test_load_rejects_other_files(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, meta=np.frombuffer(b'{"format": "x"}', dtype=np.uint8))
    with pytest.raises(ValueError):
        IntentModel.load(path)


def test_spanish_bot_without_the_encoder(tiny_es_examples):
    model = train(tiny_es_examples, config=TrainConfig(use_encoder=False))
    assert model.encoder_name is None
    assert model.predict("quiero cancelar la reserva de mañana", language="es").best == "cancelar"


def test_training_needs_two_intents():
    with pytest.raises(ValueError):
        train([Example("oi tudo bem", "saudacao", "pt")])


def test_threshold_is_tuned_on_out_of_scope_examples():
    classes = ["a", "b"]
    probs = np.array([[0.95, 0.05], [0.9, 0.1], [0.55, 0.45], [0.6, 0.4]])
    gold = np.array(["a", "a", "oos", "oos"])
    threshold = tune_threshold(probs, gold, classes, oos_label="oos")
    assert 0.6 < threshold <= 0.9


def test_temperature_softens_overconfident_logits():
    logits = np.array([[10.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 0.0]])
    assert fit_temperature(logits, np.array([0, 0, 0, 0])) > 1.0


def test_engine_score_puts_the_threshold_on_the_engine_cut():
    assert engine_score(0.5, 0.5) == pytest.approx(0.6)
    assert engine_score(1.0, 0.5) == pytest.approx(1.0)
    assert engine_score(0.25, 0.5) == pytest.approx(0.3)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_warm_started_refit_matches_a_cold_fit(n_classes):
    from sklearn.linear_model import LogisticRegression

    from flow_runtime.nlu.model import Weights
    from flow_runtime.nlu.training import _warm_start

    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(n_classes), 40)
    x = rng.normal(size=(len(y), 8)) + y[:, None]
    cold = LogisticRegression(C=10, max_iter=1000).fit(x, y)
    earlier = LogisticRegression(C=10, max_iter=1000).fit(x[::2], y[::2])
    coef, bias = earlier.coef_, earlier.intercept_
    if n_classes == 2:  # stored as one column per class, like Weights
        coef, bias = np.vstack([-coef, coef]), np.concatenate([-bias, bias])
    warm = LogisticRegression(C=10, max_iter=1000)
    _warm_start(warm, Weights(np.zeros((1, n_classes)), np.zeros(n_classes), coef.T, bias), y)
    warm.fit(x, y)
    assert warm.n_iter_[0] < cold.n_iter_[0]
    assert np.array_equal(warm.predict(x), cold.predict(x))
    assert np.allclose(warm.coef_, cold.coef_, atol=1e-2)
