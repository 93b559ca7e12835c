"""Benchmark metrics for ``flowstudio nlu evaluate`` and ``bench/nlu.py``."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from flow_runtime.nlu.training import TrainConfig, train
from flow_runtime.nlu.types import Example


def score(gold: Sequence[str], predicted: Sequence[str], *, oos_label: str | None = None) -> dict[str, float]:
    """Accuracy, macro F1 and (with an out-of-scope label present) in-scope accuracy and OOS recall."""
    from sklearn.metrics import f1_score

    g, p = np.asarray(gold), np.asarray(predicted)
    out = {
        "accuracy": round(float(np.mean(g == p)), 4),
        "macro_f1": round(float(f1_score(g, p, average="macro", labels=sorted(set(g)), zero_division=0)), 4),
    }
    is_oos = g == oos_label if oos_label is not None else np.zeros(len(g), dtype=bool)
    out["in_scope_accuracy"] = round(float(np.mean(g[~is_oos] == p[~is_oos])), 4) if (~is_oos).any() else 0.0
    if is_oos.any():
        out["oos_recall"] = round(float(np.mean(p[is_oos] == oos_label)), 4)
    return out


def timed_predictions(predict: Callable[[Example], str], test: Sequence[Example]) -> tuple[list[str], list[float]]:
    """Predict examples one at a time, returning labels and per-message milliseconds."""
    labels, millis = [], []
    for example in test:
        started = time.perf_counter()
        labels.append(predict(example))
        millis.append((time.perf_counter() - started) * 1000)
    return labels, millis


def latency(millis: Sequence[float]) -> dict[str, float]:
    """p50 and p95 of per-message latencies."""
    return {
        "predict_ms_p50": round(float(np.percentile(millis, 50)), 3),
        "predict_ms_p95": round(float(np.percentile(millis, 95)), 3),
    }


def passes_latency(passes: Sequence[Sequence[float]]) -> dict[str, Any]:
    """Latency over repeated timing passes of the same messages: the median pass's p50 and p95
    (a busy machine slows whole passes down), and each pass's p95."""
    per_pass = [latency(m) for m in passes]
    return {
        "predict_ms_p50": round(float(np.median([p["predict_ms_p50"] for p in per_pass])), 3),
        "predict_ms_p95": round(float(np.median([p["predict_ms_p95"] for p in per_pass])), 3),
        "predict_ms_p95_passes": [p["predict_ms_p95"] for p in per_pass],
    }


@dataclass
class Trained:
    """A model trained for evaluation: how long training took and how it labels a test message."""

    train_s: float
    predict: Callable[[Example], str]
    extra: dict[str, Any] = field(default_factory=dict)


def fit(
    train_examples: Sequence[Example],
    test_examples: Sequence[Example],
    *,
    val: Sequence[Example] | None = None,
    oos_label: str | None = None,
    config: TrainConfig | None = None,
) -> Trained:
    """Train FlowStudio's model on one split, timed, and say how it labels test messages.

    When the test split holds ``oos_label``, a message is labelled out of scope when the
    model rejects it: with ``val`` holding out-of-scope examples, by a rule over the best and
    out-of-scope probabilities and the similarity to the training phrases, fitted and cut on
    ``val``; else when the best probability is below the threshold. Otherwise the best intent
    counts.
    """
    has_oos = oos_label is not None and any(e.intent == oos_label for e in test_examples)
    base = config or TrainConfig()
    cfg = TrainConfig(**{**{f: getattr(base, f) for f in base.__dataclass_fields__}, "oos_label": oos_label})
    started = time.perf_counter()
    model = train(train_examples, val=val, config=cfg)
    train_s = time.perf_counter() - started
    model.predict(test_examples[0].text if test_examples else "warm up")

    def predict(example: Example) -> str:
        prediction = model.predict(example.text, language=example.lang)
        if has_oos:
            return prediction.intent or oos_label  # type: ignore[return-value]
        return prediction.best or ""

    extra: dict[str, Any] = {"threshold": round(model.threshold, 3)}
    if model.fusion.reject:  # out-of-scope rule fitted on the validation split
        extra["oos_rule_threshold"] = round(model.fusion.reject_threshold, 4)
        extra.update(cv_figures(model.meta.get("rejection_cv", {})))
    return Trained(train_s, predict, extra)


def cv_figures(report: dict) -> dict[str, float]:
    """The cross-validated out-of-scope figures (held folds: mean and spread) as flat keys."""
    keys = ("in_scope_accuracy", "in_scope_accuracy_std", "oos_recall", "oos_recall_std", "cut_std")
    return {f"cv_{k}": report[k] for k in keys if k in report}


def evaluate(
    train_examples: Sequence[Example],
    test_examples: Sequence[Example],
    *,
    val: Sequence[Example] | None = None,
    oos_label: str | None = None,
    config: TrainConfig | None = None,
    passes: int = 1,
) -> dict[str, Any]:
    """Train on one split, predict another message by message, and report metrics.

    See :func:`fit` for how out-of-scope messages are labelled. ``passes`` > 1 times the
    predictions that many times (metrics come from the first) and reports the median pass.

    Returns:
        ``accuracy``, ``macro_f1``, ``in_scope_accuracy``, ``oos_recall`` (with OOS),
        ``train_s``, ``predict_ms_p50``, ``predict_ms_p95``, ``n_train``, ``n_test``.
    """
    trained = fit(train_examples, test_examples, val=val, oos_label=oos_label, config=config)
    predicted, millis = timed_predictions(trained.predict, test_examples)
    timings = [millis] + [timed_predictions(trained.predict, test_examples)[1] for _ in range(passes - 1)]
    has_oos = oos_label is not None and any(e.intent == oos_label for e in test_examples)
    result: dict[str, Any] = score(
        [e.intent for e in test_examples], predicted, oos_label=oos_label if has_oos else None
    )
    result.update(
        train_s=round(trained.train_s, 2),
        **(latency(millis) if passes == 1 else passes_latency(timings)),
        n_train=len(train_examples),
        n_test=len(test_examples),
    )
    result.update(trained.extra)
    return result
