"""NLU benchmark: FlowStudio's classifier next to a TF-IDF + logistic regression baseline.

Runs over the intent datasets in ``shared/data/nlu`` (train splits only; the official
test splits are held out elsewhere). Validation splits are carved with a fixed seed:

* banking77, hwu64: 15% of train, stratified, is the test proxy;
* clinc150: train + oos_train to train; the official val + oos_val halved, one half to
  tune the out-of-scope rule, the other as the test proxy, then the halves swapped (each
  half holds only 50 out-of-scope phrases, so one run's recall moves 2 points per phrase);
  ``--clinc-folds K`` instead pools every labelled clinc150 phrase (train, val and both
  out-of-scope sets) in K stratified folds, each the test proxy once, 20% of the rest tuning;
* the out-of-scope cut (ours and the baseline's, same objective: best in-scope accuracy at
  ``TrainConfig.oos_recall`` recall) is the median of 5 fold cuts over the tuning phrases; the
  held folds' figures are printed as "cross-validated", mean ± standard deviation;
* snips_es (15 per intent): 5-fold stratified cross-validation (12 train / 3 test per intent),
  repeated with ``--snips-repeats`` shuffles (seed 13, 14, ...): one 5-fold round predicts each
  of the 105 phrases once, so a single round moves 0.95 points per phrase.

Both models are trained and timed in the same run. Latency: every test message is predicted
one at a time, ``--passes`` times, alternating ours and the baseline pass by pass so both see
the same machine load; a dataset's p50/p95 are the median pass's, over all its runs' messages.
Ratios are ours / baseline (for errors: ``1 - accuracy``).

Usage: ``python bench/nlu.py [--data DIR] [--only banking77,clinc150] [--passes 3] [--snips-repeats 4]
[--clinc-folds 5]``
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

import numpy as np

from flow_runtime.nlu.calibration import CV_FOLDS, cross_validated_cut
from flow_runtime.nlu.evaluate import Trained, cv_figures, fit, passes_latency, score, timed_predictions
from flow_runtime.nlu.training import TrainConfig
from flow_runtime.nlu.types import Example, read_jsonl

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nlu"
SEED = 13
OOS = "oos"
OOS_RECALL = TrainConfig().oos_recall


def baseline(train: list[Example], test: list[Example], *, val: list[Example] | None, oos_label: str | None) -> Trained:
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
    extra: dict = {}
    has_oos = oos_label is not None and any(e.intent == oos_label for e in test)
    if has_oos and val:
        probs = clf.predict_proba(featurize([e.text for e in val]))
        gold = np.array([e.intent for e in val])
        # same chooser and objective as ours: k-fold over the validation phrases, median fold cut
        threshold, report = cross_validated_cut(
            probs.max(axis=1), clf.classes_[np.argmax(probs, axis=1)], gold, oos_label=oos_label, recall=OOS_RECALL
        )
        extra = cv_figures(report)
    train_s = time.perf_counter() - started

    def predict(example: Example) -> str:
        p = clf.predict_proba(featurize([example.text]))[0]
        best = int(np.argmax(p))
        if has_oos and p[best] < threshold:
            return oos_label  # type: ignore[return-value]
        return str(clf.classes_[best])

    return Trained(train_s, predict, extra)


def stratified_split(examples: list[Example], fraction: float, seed: int = SEED) -> tuple[list[Example], list[Example]]:
    """Split keeping each intent's share (fixed seed)."""
    from sklearn.model_selection import train_test_split

    keep, held = train_test_split(
        examples, test_size=fraction, random_state=seed, stratify=[e.intent for e in examples]
    )
    return list(keep), list(held)


def runs(
    name: str, data: Path, *, snips_repeats: int = 1, folds: int = 0
) -> list[tuple[list[Example], list[Example], list[Example] | None, str | None]]:
    """The (train, test, val, oos_label) runs of one dataset (``folds``: clinc150 k-fold over all its phrases)."""
    folder = data / name
    train = read_jsonl(folder / "train.jsonl")
    if name == "clinc150" and folds:
        # every labelled phrase (train, val and their out-of-scope sets) in k stratified folds: each
        # fold the test proxy once; of the rest, 20% (stratified) tunes the out-of-scope rule
        from sklearn.model_selection import StratifiedKFold

        pool = train + read_jsonl(folder / "oos_train.jsonl") + read_jsonl(folder / "val.jsonl")
        pool += read_jsonl(folder / "oos_val.jsonl")
        y = [e.intent for e in pool]
        out = []
        for rest, held in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(np.zeros(len(y)), y):
            fit_part, tune = stratified_split([pool[i] for i in rest], 0.2)
            out.append((fit_part, [pool[i] for i in held], tune, OOS))
        return out
    if name == "clinc150":
        official_val = read_jsonl(folder / "val.jsonl") + read_jsonl(folder / "oos_val.jsonl")
        tune, test = stratified_split(official_val, 0.5)
        train = train + read_jsonl(folder / "oos_train.jsonl")
        return [(train, test, tune, OOS), (train, tune, test, OOS)]
    if name == "snips_es":
        from sklearn.model_selection import StratifiedKFold

        y = [e.intent for e in train]
        out = []
        for repeat in range(snips_repeats):
            folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED + repeat)
            out += [
                ([train[i] for i in a], [train[i] for i in b], None, None) for a, b in folds.split(np.zeros(len(y)), y)
            ]
        return out
    keep, test = stratified_split(train, 0.15)
    return [(keep, test, None, None)]


def compare(
    train: list[Example], test: list[Example], val: list[Example] | None, oos: str | None, *, passes: int
) -> tuple[dict, dict]:
    """Train both models on one run, then time their predictions pass by pass, alternating."""
    ours = fit(train, test, val=val, oos_label=oos)
    base = baseline(train, test, val=val, oos_label=oos)
    has_oos = oos is not None and any(e.intent == oos for e in test)
    gold = [e.intent for e in test]
    results = []
    timings: dict[int, list[list[float]]] = {0: [], 1: []}
    labels: dict[int, list[str]] = {}
    for _ in range(passes):
        for who, trained in enumerate((ours, base)):
            predicted, millis = timed_predictions(trained.predict, test)
            labels.setdefault(who, predicted)
            timings[who].append(millis)
    for who, trained in enumerate((ours, base)):
        result = score(gold, labels[who], oos_label=oos if has_oos else None)
        result.update(train_s=round(trained.train_s, 2), n_train=len(train), n_test=len(test), **trained.extra)
        result["_millis"] = timings[who]
        results.append(result)
    return results[0], results[1]


def average(results: list[dict]) -> dict:
    """Mean of the metrics over a dataset's runs; latency percentiles over all their messages
    (pass k of every run pooled, then the median pass)."""
    out = {}
    for key in results[0]:
        if key != "_millis":
            out[key] = round(float(np.mean([r[key] for r in results if key in r])), 4)
    passes = len(results[0]["_millis"])
    out.update(passes_latency([[m for r in results for m in r["_millis"][k]] for k in range(passes)]))
    return out


def spread(results: list[dict]) -> dict:
    """Standard deviation across runs of the accuracy figures."""
    keys = ("accuracy", "in_scope_accuracy", "oos_recall")
    return {k: round(float(np.std([r[k] for r in results])), 4) for k in keys if all(k in r for r in results)}


def ratios(ours: dict, base: dict) -> dict:
    """Ours over the baseline: errors (1 - accuracy, 1 - in-scope accuracy), train time, latency."""

    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 3) if b else None

    out = {
        "error": ratio(1 - ours["accuracy"], 1 - base["accuracy"]),
        "in_scope_error": ratio(1 - ours["in_scope_accuracy"], 1 - base["in_scope_accuracy"]),
        "train_s": ratio(ours["train_s"], base["train_s"]),
        "predict_ms_p50": ratio(ours["predict_ms_p50"], base["predict_ms_p50"]),
        "predict_ms_p95": ratio(ours["predict_ms_p95"], base["predict_ms_p95"]),
    }
    if "oos_recall" in ours and "oos_recall" in base:
        out["oos_recall"] = ratio(ours["oos_recall"], base["oos_recall"])
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one JSON line per dataset, then a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default="banking77,clinc150,hwu64,snips_es")
    parser.add_argument("--passes", type=int, default=3, help="timing passes over each test split")
    parser.add_argument("--snips-repeats", type=int, default=4, help="shuffled 5-fold rounds on snips_es")
    parser.add_argument(
        "--clinc-folds", type=int, default=0, help="clinc150: k-fold over all labelled phrases (0: the val halves)"
    )
    args = parser.parse_args(argv)
    rows = []
    for name in args.only.split(","):
        ours, base = [], []
        for train, test, val, oos in runs(name, args.data, snips_repeats=args.snips_repeats, folds=args.clinc_folds):
            a, b = compare(train, test, val, oos, passes=args.passes)
            ours.append(a)
            base.append(b)
        row = {"dataset": name, "runs": len(ours), "ours": average(ours), "baseline": average(base)}
        if name == "snips_es" and len(ours) > 5:  # the first 5-fold round alone, as before repeats
            row["first_round"] = {"ours": average(ours[:5]), "baseline": average(base[:5])}
        row["ratio"] = ratios(row["ours"], row["baseline"])
        if len(ours) > 1:  # spread across runs (folds): standard deviation of each run's figures
            row["spread"] = {who: spread(results) for who, results in (("ours", ours), ("baseline", base))}
        rows.append(row)
        print(json.dumps(row), flush=True)
    header = (
        f"{'dataset':10} {'':8} {'acc':>6} {'in-sc':>6} {'oos-r':>6} {'mF1':>6} {'train s':>8} "
        f"{'p50 ms':>7} {'p95 ms':>7}"
    )
    print(header)
    for row in rows:
        for who in ("ours", "baseline"):
            r = row[who]
            oos = f"{r['oos_recall']:.4f}" if "oos_recall" in r else "-"
            print(
                f"{row['dataset']:10} {who:8} {r['accuracy']:6.4f} {r['in_scope_accuracy']:6.4f} {oos:>6} "
                f"{r['macro_f1']:6.4f} {r['train_s']:8.2f} {r['predict_ms_p50']:7.3f} {r['predict_ms_p95']:7.3f}"
            )
        for who in ("ours", "baseline"):
            r = row[who]
            if "cv_oos_recall" in r:
                print(
                    f"{row['dataset']:10} {who:8} cross-validated ({CV_FOLDS} folds of the tuning phrases, mean ± sd): "
                    f"in-scope {r['cv_in_scope_accuracy']:.4f} ± {r['cv_in_scope_accuracy_std']:.4f}, "
                    f"oos recall {r['cv_oos_recall']:.4f} ± {r['cv_oos_recall_std']:.4f}"
                )
        for who, sd in row.get("spread", {}).items():
            print(
                f"{row['dataset']:10} {who:8} sd across {row['runs']} runs: "
                + ", ".join(f"{k} {v:.4f}" for k, v in sd.items())
            )
        q = row["ratio"]
        fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
        print(
            f"{row['dataset']:10} {'ratio':8} error x{fmt(q['error'])}, train x{fmt(q['train_s'])}, "
            f"p50 x{fmt(q['predict_ms_p50'])}, p95 x{fmt(q['predict_ms_p95'])}"
            + (f", oos recall x{fmt(q['oos_recall'])}" if "oos_recall" in q else "")
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
