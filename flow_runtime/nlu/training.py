"""Training: ``train(examples) -> IntentModel``, with calibration and threshold tuning."""

from __future__ import annotations

import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from flow_runtime.nlu.blas import one_thread
from flow_runtime.nlu.calibration import fit_rejection, fit_temperature, set_scales, tune_threshold
from flow_runtime.nlu.encoder import SentenceEncoder, default_encoder
from flow_runtime.nlu.features import BLOCKS, SparseFeaturizer, block_terms
from flow_runtime.nlu.model import Fusion, IntentModel, Weights, batch_scores, softmax
from flow_runtime.nlu.normalize import expand
from flow_runtime.nlu.pipeline import Analysis, analyze_many
from flow_runtime.nlu.types import Example

log = logging.getLogger("flow_runtime.nlu.training")


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Knobs of :func:`train`; the defaults are what the benchmarks were tuned with.

    Attributes:
        language: Default language (else the most common ``lang`` of the examples, else ``pt``).
        use_encoder: Add the sentence-encoder views when the encoder is installed.
        svm_c: Regularisation of the TF-IDF SVM.
        lr_c: Regularisation of the embedding logistic regression.
        fusion_weights: Weights of the SVM, embedding and neighbour views.
        threshold: "Not understood" threshold when no out-of-scope examples tune it.
        oos_label: Label of out-of-scope examples (trained as a class, never "understood").
        calibrate: Fit the temperature (and scales) on held-out phrases.
        oos_recall: Out-of-scope recall the rejection rule must reach on validation phrases
            (deliberately above the 0.85 goal: a validation split holds few out-of-scope
            examples, so the cut it picks is noisy); ``None`` maximises in-scope accuracy plus recall.
        seed: Seed of every split and solver.
        workers: Threads fitting the SVMs beside the encoder and logistic regressions
            (``None``: two when the process may use two cores; 1: everything in order).
    """

    language: str | None = None
    use_encoder: bool = True
    svm_c: float = 0.5
    lr_c: float = 10.0
    fusion_weights: tuple[float, float, float] = (1.0, 1.5, 1.0)
    threshold: float = 0.5
    oos_label: str | None = None
    calibrate: bool = True
    oos_recall: float | None = 0.9
    seed: int = 13
    workers: int | None = None


@dataclass(slots=True)
class _Prepared:
    examples: list[Example]
    y: np.ndarray
    documents: list[dict[str, list[str]]]
    embeddings: np.ndarray | None
    lemmas: dict[str, str] = field(default_factory=dict)
    expanded: list[str] = field(default_factory=list)
    """What the encoder embeds (see :attr:`Analysis.expanded`)."""

    def subset(self, rows: np.ndarray) -> _Prepared:
        return _Prepared(
            [self.examples[i] for i in rows],
            self.y[rows],
            [self.documents[i] for i in rows],
            None if self.embeddings is None else self.embeddings[rows],
            self.lemmas,
            [self.expanded[i] for i in rows],
        )


class _Inline:
    """An executor that runs each task when it is submitted (``workers=1``)."""

    def submit(self, fn, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@contextmanager
def _executor(config: TrainConfig) -> Iterator[Executor | _Inline]:
    """Where the SVM fits run: a thread pool (liblinear releases the GIL) or inline."""
    workers = config.workers if config.workers is not None else min(2, _cpus())
    if workers <= 1:
        yield _Inline()
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nlu-train") as pool:
        yield pool


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def train(
    examples: Sequence[Example],
    *,
    val: Sequence[Example] | None = None,
    config: TrainConfig | None = None,
    encoder: SentenceEncoder | None = None,
) -> IntentModel:
    """Train an intent model from trigger phrases and any extra examples.

    Args:
        examples: Labelled phrases (at least two intents).
        val: Optional held-out phrases: the temperature and, when they contain
            ``config.oos_label``, the threshold are tuned on them.
        config: Training options.
        encoder: Sentence encoder to use (defaults to the bundled multilingual USE).

    Returns:
        The trained model.

    Raises:
        ValueError: Fewer than two intents.
    """
    config = config or TrainConfig()
    started = time.perf_counter()
    examples = [e for e in examples if e.text.strip()]
    classes = sorted({e.intent for e in examples})
    if len(classes) < 2:
        raise ValueError("an intent model needs examples of at least two intents")
    language = config.language or _majority_language(examples)
    if config.use_encoder and encoder is None:
        encoder = default_encoder()
    if not config.use_encoder:
        encoder = None
    method = "none"
    # one BLAS thread: the products are small and split badly. Instead the encoder starts at
    # once and the SVMs as soon as their features exist, each in a pool thread, while this one
    # analyses, featurises and fits the logistic regressions
    one_thread()
    with _executor(config) as pool:
        val_examples = [e for e in val if e.text.strip()] if val else []
        expanded, val_expanded = _expanded(examples, language), _expanded(val_examples, language)
        vectors = pool.submit(encoder.encode, expanded + val_expanded) if encoder is not None else None
        data = _prepare(examples, classes, language, expanded)
        if val_examples:
            featurizer, x = _featurize(data)
            svm = pool.submit(_fit_svm, x, data.y, len(classes), config)
            val_data = _prepare(val_examples, classes, language, val_expanded, strict=False)
            _embed(vectors, data, val_data)
            model = _fit(data, classes, language, config, encoder, featurizer=featurizer, x=x, svm=svm, scales=False)
            _calibrate(model, val_data, config)
            method = "validation"
        elif config.calibrate:
            model, method = _fit_calibrated(data, classes, language, config, encoder, pool, vectors)
        else:
            _embed(vectors, data)
            model = _fit(data, classes, language, config, encoder)
    model.meta.update(
        n_train=len(examples),
        n_classes=len(classes),
        calibration=method,
        train_seconds=round(time.perf_counter() - started, 3),
    )
    log.info("nlu.train.done", extra={"examples": len(examples), "classes": len(classes), "calibration": method})
    return model


def _majority_language(examples: Sequence[Example]) -> str:
    counts = Counter(e.lang for e in examples if e.lang)
    return counts.most_common(1)[0][0] if counts else "pt"


def _expanded(examples: Sequence[Example], language: str) -> list[str]:
    """What the encoder embeds of each example (see :attr:`Analysis.expanded`)."""
    return [expand(e.text, language=e.lang or language) for e in examples]


def _prepare(
    examples: list[Example], classes: list[str], language: str, expanded: list[str], *, strict: bool = True
) -> _Prepared:
    """Analyse and label examples (``expanded``: from :func:`_expanded`); embeddings come later,
    from :func:`_embed`."""
    index = {c: i for i, c in enumerate(classes)}
    analyses: list[Analysis | None] = [None] * len(examples)
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by_lang[e.lang or language].append(i)
    for lang, rows in by_lang.items():
        texts, forms = [examples[r].text for r in rows], [expanded[r] for r in rows]
        for row, analysis in zip(rows, analyze_many(texts, language=lang, expanded=forms)):
            analyses[row] = analysis
    documents = [{b: block_terms(a, a.words, b) for b in BLOCKS} for a in analyses]  # type: ignore[union-attr]
    y = np.array([index.get(e.intent, -1) for e in examples], dtype=np.int64)
    if strict and (y < 0).any():
        raise ValueError("unknown intent label")
    lemmas = {w: lem for a in analyses for w, lem in zip(a.words, a.lemmas)}  # type: ignore[union-attr]
    return _Prepared(list(examples), y, documents, None, lemmas, list(expanded))


def _embed(vectors: Future | None, *parts: _Prepared) -> None:
    """Hand the encoder's output (``vectors``: the parts' expanded texts, in order) to the parts."""
    if vectors is None:
        return
    embeddings, start = vectors.result(), 0
    for p in parts:
        p.embeddings, start = embeddings[start : start + len(p.expanded)], start + len(p.expanded)


def _featurize(data: _Prepared) -> tuple[SparseFeaturizer, object]:
    """TF-IDF vocabulary fitted on the examples, and their matrix."""
    featurizer = SparseFeaturizer.fit(data.documents, min_df=2 if len(data.documents) >= 5000 else 1)
    return featurizer, featurizer.matrix(data.documents)


def _fit_svm(x, y: np.ndarray, n_classes: int, config: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """The TF-IDF view: one-vs-rest linear SVM weights."""
    from sklearn.svm import LinearSVC

    return _one_vs_rest(LinearSVC(C=config.svm_c, random_state=config.seed), x, y, n_classes)


def _fit(
    data: _Prepared,
    classes: list[str],
    language: str,
    config: TrainConfig,
    encoder: SentenceEncoder | None,
    *,
    featurizer: SparseFeaturizer | None = None,
    x=None,
    warm: Weights | None = None,
    scales: bool = True,
    svm: Future | None = None,
) -> IntentModel:
    """Fit the views (``featurizer``, ``x``: reuse a featurisation; ``warm``: start the logistic
    regression from these weights; ``scales``: estimate scales on the training data; ``svm``:
    the SVM weights being fitted elsewhere, on ``x``)."""
    from sklearn.linear_model import LogisticRegression

    if featurizer is None:
        featurizer, x = _featurize(data)
    x = featurizer.matrix(data.documents) if x is None else x
    n_classes = len(classes)
    weights = Weights(np.zeros((0, n_classes), dtype=np.float32), np.zeros(n_classes, dtype=np.float32))
    if data.embeddings is not None:
        lr = LogisticRegression(C=config.lr_c, max_iter=1000, random_state=config.seed)
        _warm_start(lr, warm, data.y)
        weights.lr_coef, weights.lr_bias = _one_vs_rest(lr, data.embeddings, data.y, n_classes)
        order = np.argsort(data.y, kind="stable")
        weights.neighbours = np.ascontiguousarray(data.embeddings[order], dtype=np.float32)
        counts = np.bincount(data.y, minlength=n_classes)
        weights.class_starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    weights.svm_coef, weights.svm_bias = svm.result() if svm is not None else _fit_svm(x, data.y, n_classes, config)
    fusion = Fusion(weights=config.fusion_weights, threshold=config.threshold)
    model = IntentModel(
        classes=list(classes),
        language=language,
        featurizer=featurizer,
        weights=weights,
        fusion=fusion,
        encoder_name=encoder.name if encoder is not None and data.embeddings is not None else None,
        oos_label=config.oos_label,
        lemma_of=dict(data.lemmas),
    )
    model._encoder = encoder
    if scales:  # from the training data when no held-out phrases will set them
        set_scales(model, x, data.embeddings)
    return model


def _warm_start(lr, warm: Weights | None, y: np.ndarray) -> None:
    """Start ``lr`` from earlier weights over the same classes (a refit then takes a few iterations)."""
    if warm is None or warm.lr_coef is None:
        return
    present = np.unique(y)
    coef, bias = warm.lr_coef[:, present].T.astype(np.float64), warm.lr_bias[present].astype(np.float64)
    cut = 1 if len(present) == 2 else 0  # binary: one row, the second class's
    lr.set_params(warm_start=True)
    lr.coef_, lr.intercept_ = coef[cut:], bias[cut:]


def _one_vs_rest(estimator, x, y: np.ndarray, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """Fit and return (features x classes) weights, with zero columns for absent classes."""
    present = np.unique(y)
    estimator.fit(x, y)
    coef = np.asarray(estimator.coef_, dtype=np.float32)
    bias = np.asarray(estimator.intercept_, dtype=np.float32)
    if len(present) == 2:  # binary problems come back as one row
        coef, bias = np.vstack([-coef, coef]), np.concatenate([-bias, bias])
    full_coef = np.zeros((x.shape[1], n_classes), dtype=np.float32)
    full_bias = np.full(n_classes, -10.0, dtype=np.float32)
    full_coef[:, present] = coef.T
    full_bias[present] = bias
    return full_coef, full_bias


def _calibrate(model: IntentModel, held_out: _Prepared, config: TrainConfig, *, scorer=None, x=None) -> None:
    """Fit scales, temperature and (with out-of-scope examples) the threshold on held-out data
    (``x``: their features under ``scorer``'s featurizer, when already computed)."""
    scorer = scorer or model
    x = scorer.featurizer.matrix(held_out.documents) if x is None else x
    set_scales(scorer, x, held_out.embeddings)
    model.fusion.scales = scorer.fusion.scales
    scorer.fusion.temperature = 1.0
    logits, similarity = batch_scores(scorer, held_out.documents, held_out.embeddings, x=x)
    known = held_out.y >= 0
    model.fusion.temperature = fit_temperature(logits[known], held_out.y[known])
    probs = softmax(logits / model.fusion.temperature)
    oos = config.oos_label
    if oos is not None and any(e.intent == oos for e in held_out.examples):
        gold = np.array([e.intent for e in held_out.examples])
        model.fusion.threshold = tune_threshold(probs, gold, model.classes, oos_label=oos)
        if similarity is not None and oos in model.classes:
            fit_rejection(model, probs, similarity, gold, config)


def _fit_calibrated(
    data: _Prepared,
    classes: list[str],
    language: str,
    config: TrainConfig,
    encoder: SentenceEncoder | None,
    pool: Executor | _Inline,
    vectors: Future | None,
) -> tuple[IntentModel, str]:
    """Fit on all phrases, calibrated on a held-out slice (large data) or out-of-fold predictions
    (small data); the final logistic regression starts from a held-out scorer's weights.

    The SVMs go to ``pool`` as soon as their features exist, so they run while the encoder
    finishes ``vectors`` (the phrases' embeddings) and this thread fits the logistic regressions."""
    from sklearn.model_selection import StratifiedKFold, train_test_split

    n_classes = len(classes)
    counts = np.bincount(data.y, minlength=n_classes)
    rows = np.arange(len(data.y))
    eligible = rows[counts[data.y] >= 2]
    if len(eligible) < 2 * n_classes or len(np.unique(data.y[eligible])) < 2:
        _embed(vectors, data)
        return _fit(data, classes, language, config, encoder), "none"
    if len(data.y) >= 2000:
        fit_rows, held_rows = train_test_split(
            eligible, test_size=0.1, random_state=config.seed, stratify=data.y[eligible]
        )
        fit_rows = np.concatenate([fit_rows, rows[counts[data.y] < 2]])
        # one featurisation for all: terms seen only in the held-out slice get no weight anyway
        featurizer, x = _featurize(data)
        svm_scorer = pool.submit(_fit_svm, x[fit_rows], data.y[fit_rows], n_classes, config)
        svm_final = pool.submit(_fit_svm, x, data.y, n_classes, config)
        _embed(vectors, data)
        scorer = _fit(
            data.subset(fit_rows),
            classes,
            language,
            config,
            encoder,
            featurizer=featurizer,
            x=x[fit_rows],
            svm=svm_scorer,
            scales=False,
        )
        model = _fit(
            data,
            classes,
            language,
            config,
            encoder,
            featurizer=featurizer,
            x=x,
            warm=scorer.weights,
            svm=svm_final,
            scales=False,
        )
        _calibrate(model, data.subset(held_rows), config, scorer=scorer, x=x[held_rows])
        return model, "holdout"
    folds = int(min(5, counts[counts >= 2].min()))
    splitter = StratifiedKFold(n_splits=max(folds, 2), shuffle=True, random_state=config.seed)
    plans = []
    for fit_idx, held_idx in splitter.split(eligible, data.y[eligible]):
        fit_rows = np.concatenate([eligible[fit_idx], rows[counts[data.y] < 2]])
        featurizer, x = _featurize(data.subset(fit_rows))
        svm = pool.submit(_fit_svm, x, data.y[fit_rows], n_classes, config)
        plans.append((fit_rows, eligible[held_idx], featurizer, x, svm))
    featurizer, x = _featurize(data)
    svm_final = pool.submit(_fit_svm, x, data.y, n_classes, config)
    _embed(vectors, data)
    logits = np.zeros((len(data.y), n_classes), dtype=np.float32)
    raw_scales, warm = [], None
    for fit_rows, held_rows, fold_featurizer, fold_x, svm in plans:
        scorer = _fit(
            data.subset(fit_rows),
            classes,
            language,
            config,
            encoder,
            featurizer=fold_featurizer,
            x=fold_x,
            warm=warm,
            svm=svm,
            scales=False,
        )
        warm = scorer.weights
        held = data.subset(held_rows)
        held_x = scorer.featurizer.matrix(held.documents)
        set_scales(scorer, held_x, held.embeddings)
        raw_scales.append(scorer.fusion.scales)
        logits[held_rows] = batch_scores(scorer, held.documents, held.embeddings, x=held_x)[0]
    model = _fit(
        data, classes, language, config, encoder, featurizer=featurizer, x=x, warm=warm, svm=svm_final, scales=False
    )
    model.fusion.scales = tuple(float(v) for v in np.mean(raw_scales, axis=0))
    model.fusion.temperature = fit_temperature(logits[eligible], data.y[eligible])
    return model, f"{max(folds, 2)}-fold"
