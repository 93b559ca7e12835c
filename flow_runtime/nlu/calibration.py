"""Calibration: the spread of each view, the softmax temperature, the not-understood threshold and the
out-of-scope rule, fitted on held-out phrases."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from flow_runtime.nlu.model import IntentModel, in_scope_scores, rejection_features, softmax

SCALE_ROWS = 2000
"""Rows sampled to estimate the spread of the neighbour view."""


def set_scales(model: IntentModel, x, embeddings: np.ndarray | None) -> None:
    w = model.weights
    svm = np.asarray(x @ w.svm_coef) + w.svm_bias
    scale_svm = float(np.std(svm)) or 1.0
    scale_lr = scale_nn = 1.0
    if embeddings is not None and w.lr_coef is not None:
        scale_lr = float(np.std(embeddings @ w.lr_coef + w.lr_bias)) or 1.0
        if len(embeddings) > SCALE_ROWS:  # a spread estimate: all rows x all phrases is quadratic
            embeddings = embeddings[np.random.default_rng(0).choice(len(embeddings), SCALE_ROWS, replace=False)]
        scale_nn = float(np.std(full_neighbour_scores(model, embeddings))) or 1.0
    model.fusion.scales = (scale_svm, scale_lr, scale_nn)


def full_neighbour_scores(model: IntentModel, embeddings: np.ndarray) -> np.ndarray:
    w = model.weights
    out = np.zeros((len(embeddings), len(model.classes)), dtype=np.float32)
    for start in range(0, len(embeddings), 512):
        sims = embeddings[start : start + 512] @ w.neighbours.T
        for c in range(len(model.classes)):
            lo, hi = w.class_starts[c], w.class_starts[c + 1]
            if hi > lo:
                out[start : start + 512, c] = sims[:, lo:hi].max(axis=1)
    return out


def fit_rejection(model: IntentModel, probs: np.ndarray, similarity: np.ndarray, gold: np.ndarray, config) -> None:
    """Fit the out-of-scope rule (best and out-of-scope probabilities + similarity) and its cut.

    Closed-world probabilities alone reject many in-scope messages; the probability of the
    trained out-of-scope class and the similarity to the training phrases separate better.
    """
    from sklearn.linear_model import LogisticRegression

    oos = config.oos_label
    features = rejection_features(probs, similarity, model.oos_index)
    in_scope = gold != oos
    if in_scope.all() or not in_scope.any():
        return
    clf = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000, random_state=config.seed)
    clf.fit(features, in_scope)
    coefficients = (*(float(v) for v in clf.coef_[0]), float(clf.intercept_[0]))
    scores = in_scope_scores(coefficients, features)
    best = np.asarray(model.classes)[np.argmax(probs, axis=1)]
    model.fusion.reject = coefficients
    cut, report = cross_validated_cut(scores, best, gold, oos_label=oos, recall=config.oos_recall, seed=config.seed)
    model.fusion.reject_threshold = cut
    model.meta["rejection_cv"] = report


CV_FOLDS = 5
"""Folds over the calibration phrases when choosing the out-of-scope cut."""


def cross_validated_cut(
    scores: np.ndarray,
    best: np.ndarray,
    gold: np.ndarray,
    *,
    oos_label: str,
    recall: float | None,
    folds: int = CV_FOLDS,
    seed: int = 13,
) -> tuple[float, dict]:
    """The out-of-scope cut chosen by k-fold cross-validation, with the spread across folds.

    Each fold's cut is tuned (:func:`tune_rejection`: best in-scope accuracy at ``recall``
    out-of-scope recall) on the other folds and scored on the held fold; the cut kept is the
    median of the fold cuts, so no single split decides it. Folds are stratified by in/out of
    scope; with fewer out-of-scope phrases than folds, the cut is tuned on all phrases.

    Returns:
        The cut, and a report: ``folds``, the held folds' ``in_scope_accuracy`` and
        ``oos_recall`` (mean and standard deviation), ``cut`` and ``cut_std``.
    """
    is_oos = gold == oos_label
    k = int(min(folds, is_oos.sum(), (~is_oos).sum()))
    if k < 2:
        cut = tune_rejection(scores, best, gold, oos_label=oos_label, recall=recall)
        return cut, {"folds": 0, "cut": round(cut, 4)}
    from sklearn.model_selection import StratifiedKFold

    cuts, in_acc, oos_rec = [], [], []
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for fit_rows, held in splitter.split(scores.reshape(-1, 1), is_oos):
        cut = tune_rejection(scores[fit_rows], best[fit_rows], gold[fit_rows], oos_label=oos_label, recall=recall)
        predicted = np.where((scores[held] < cut) | (best[held] == oos_label), oos_label, best[held])
        held_oos = is_oos[held]
        cuts.append(cut)
        in_acc.append(float(np.mean(predicted[~held_oos] == gold[held][~held_oos])))
        oos_rec.append(float(np.mean(predicted[held_oos] == oos_label)))
    cut = float(np.median(cuts))
    report = {
        "folds": k,
        "in_scope_accuracy": round(float(np.mean(in_acc)), 4),
        "in_scope_accuracy_std": round(float(np.std(in_acc)), 4),
        "oos_recall": round(float(np.mean(oos_rec)), 4),
        "oos_recall_std": round(float(np.std(oos_rec)), 4),
        "cut": round(cut, 4),
        "cut_std": round(float(np.std(cuts)), 4),
    }
    return cut, report


def tune_rejection(
    scores: np.ndarray, best: np.ndarray, gold: np.ndarray, *, oos_label: str, recall: float | None
) -> float:
    """The in-scope score cut with the best in-scope accuracy at ``recall`` out-of-scope recall.

    Args:
        scores: In-scope scores of validation phrases.
        best: Best-ranked label of each phrase.
        gold: Gold labels, some equal to ``oos_label``.
        oos_label: The out-of-scope label.
        recall: Required out-of-scope recall (``None``: maximise in-scope accuracy plus recall;
            when no cut reaches it, the cut with the highest recall wins).

    Returns:
        The cut: below it a message is out of scope.
    """
    is_oos = gold == oos_label
    candidates = np.unique(np.concatenate([[0.0], scores]))
    best_cut, best_key = 0.0, (-1.0, -1.0)
    for cut in candidates:
        predicted = np.where((scores < cut) | (best == oos_label), oos_label, best)
        in_acc = float(np.mean(predicted[~is_oos] == gold[~is_oos]))
        got = float(np.mean(predicted[is_oos] == oos_label))
        if recall is None:
            key = (in_acc + got, 0.0)
        else:
            key = (1.0, in_acc) if got >= recall - 1e-9 else (0.0, got)
        if key > best_key:
            best_cut, best_key = float(cut), key
    return best_cut


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of held-out labels.

    Args:
        logits: ``(n, classes)`` fused logits at temperature 1.
        y: Gold class indices.

    Returns:
        The best temperature on a log grid from 0.05 to 20.
    """
    if len(y) == 0:
        return 1.0
    best, best_nll = 1.0, np.inf
    for t in np.geomspace(0.05, 20, 60):
        p = softmax(logits / t)[np.arange(len(y)), y]
        nll = -np.mean(np.log(np.clip(p, 1e-12, None)))
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def tune_threshold(probs: np.ndarray, gold: np.ndarray, classes: Sequence[str], *, oos_label: str) -> float:
    """The threshold maximising in-scope accuracy plus out-of-scope recall.

    Args:
        probs: ``(n, classes)`` calibrated probabilities.
        gold: Gold labels (strings), some equal to ``oos_label``.
        classes: Class labels in column order.
        oos_label: The out-of-scope label.

    Returns:
        The chosen threshold (0..1).
    """
    names = np.asarray(classes)
    best_label = names[np.argmax(probs, axis=1)]
    confidence = probs.max(axis=1)
    is_oos = gold == oos_label
    best_t, best_score = 0.5, -1.0
    for t in np.linspace(0.0, 0.99, 100):
        predicted = np.where((confidence < t) | (best_label == oos_label), oos_label, best_label)
        in_acc = float(np.mean(predicted[~is_oos] == gold[~is_oos])) if (~is_oos).any() else 0.0
        recall = float(np.mean(predicted[is_oos] == oos_label)) if is_oos.any() else 0.0
        if in_acc + recall > best_score + 1e-9:
            best_t, best_score = float(t), in_acc + recall
    return best_t
