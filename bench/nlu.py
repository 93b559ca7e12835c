"""NLU benchmark: FlowStudio's classifier next to a TF-IDF + logistic regression baseline.

Runs over the intent datasets in ``shared/data/nlu`` (train splits only; the official
test splits are held out elsewhere). Validation splits are carved with a fixed seed:

* banking77, hwu64: 15% of train, stratified, is the test proxy;
* clinc150: train + oos_train to train; the official val + oos_val halved, one half to
  tune the out-of-scope rule, the other as the test proxy, then the halves swapped (each
  half holds only 50 out-of-scope phrases, so one run's recall moves 2 points per phrase);
* snips_es (15 per intent): 5-fold stratified cross-validation (12 train / 3 test per intent).

Usage: ``python bench/nlu.py [--data DIR] [--only banking77,clinc150]``
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from flow_runtime.nlu.evaluate import evaluate, latency, score, timed_predictions  # noqa: E402
from flow_runtime.nlu.training import tune_threshold  # noqa: E402
from flow_runtime.nlu.types import Example, read_jsonl  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nlu"
SEED = 13
OOS = "oos"


def baseline(train: list[Example], test: list[Example], *, val: list[Example] | None, oos_label: str | None) -> dict:
    """TF-IDF (word 1-2 + char 2-5 grams) + logistic regression, trained and timed here."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    started = time.perf_counter()
    vectorizers = [
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
    ]
    texts = [e.text for e in train]
    x = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
    clf = LogisticRegression(C=10, max_iter=1000, random_state=SEED).fit(x, [e.intent for e in train])
    featurize = lambda items: hstack([v.transform(items) for v in vectorizers]).tocsr()  # noqa: E731
    threshold = 0.0
    has_oos = oos_label is not None and any(e.intent == oos_label for e in test)
    if has_oos and val:
        probs = clf.predict_proba(featurize([e.text for e in val]))
        threshold = tune_threshold(probs, np.array([e.intent for e in val]), list(clf.classes_), oos_label=oos_label)
    train_s = time.perf_counter() - started

    def predict(example: Example) -> str:
        p = clf.predict_proba(featurize([example.text]))[0]
        best = int(np.argmax(p))
        if has_oos and p[best] < threshold:
            return oos_label  # type: ignore[return-value]
        return str(clf.classes_[best])

    predicted, millis = timed_predictions(predict, test)
    out = score([e.intent for e in test], predicted, oos_label=oos_label if has_oos else None)
    out.update(train_s=round(train_s, 2), **latency(millis), n_train=len(train), n_test=len(test))
    return out


def stratified_split(examples: list[Example], fraction: float, seed: int = SEED) -> tuple[list[Example], list[Example]]:
    """Split keeping each intent's share (fixed seed)."""
    from sklearn.model_selection import train_test_split

    keep, held = train_test_split(examples, test_size=fraction, random_state=seed, stratify=[e.intent for e in examples])
    return list(keep), list(held)


def runs(name: str, data: Path) -> list[tuple[list[Example], list[Example], list[Example] | None, str | None]]:
    """The (train, test, val, oos_label) runs of one dataset."""
    folder = data / name
    train = read_jsonl(folder / "train.jsonl")
    if name == "clinc150":
        official_val = read_jsonl(folder / "val.jsonl") + read_jsonl(folder / "oos_val.jsonl")
        tune, test = stratified_split(official_val, 0.5)
        train = train + read_jsonl(folder / "oos_train.jsonl")
        return [(train, test, tune, OOS), (train, tune, test, OOS)]
    if name == "snips_es":
        from sklearn.model_selection import StratifiedKFold

        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
        y = [e.intent for e in train]
        return [
            ([train[i] for i in a], [train[i] for i in b], None, None) for a, b in folds.split(np.zeros(len(y)), y)
        ]
    keep, test = stratified_split(train, 0.15)
    return [(keep, test, None, None)]


def average(results: list[dict]) -> dict:
    """Mean of numeric metrics over folds (p95 as the max over folds)."""
    out = {}
    for key in results[0]:
        values = [r[key] for r in results if key in r]
        out[key] = round(max(values), 3) if key == "predict_ms_p95" else round(float(np.mean(values)), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table plus one JSON line per dataset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default="banking77,clinc150,hwu64,snips_es")
    args = parser.parse_args(argv)
    rows = []
    for name in args.only.split(","):
        ours, base = [], []
        for train, test, val, oos in runs(name, args.data):
            ours.append(evaluate(train, test, val=val, oos_label=oos))
            base.append(baseline(train, test, val=val, oos_label=oos))
        row = {"dataset": name, "ours": average(ours), "baseline": average(base)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    header = f"{'dataset':10} {'':8} {'acc':>6} {'in-sc':>6} {'oos-r':>6} {'mF1':>6} {'train s':>8} {'p50 ms':>7} {'p95 ms':>7}"
    print(header)
    for row in rows:
        for who in ("ours", "baseline"):
            r = row[who]
            oos = f"{r['oos_recall']:.4f}" if "oos_recall" in r else "-"
            print(
                f"{row['dataset']:10} {who:8} {r['accuracy']:6.4f} {r['in_scope_accuracy']:6.4f} {oos:>6} "
                f"{r['macro_f1']:6.4f} {r['train_s']:8.2f} {r['predict_ms_p50']:7.3f} {r['predict_ms_p95']:7.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
