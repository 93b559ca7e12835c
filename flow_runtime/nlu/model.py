"""The trained intent model: featurise, score, fuse, calibrate, decide; save and load.

Scores come from three views fused into one logit per intent:

* a linear SVM over TF-IDF word, lemma and character n-grams (exact wording, typos);
* a logistic regression over multilingual sentence embeddings (paraphrases);
* nearest-neighbour similarity to the training phrases of the best candidate intents.

A temperature fitted on held-out phrases turns the fused logits into calibrated
probabilities; below ``threshold`` a message counts as not understood.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from flow_runtime.nlu.blas import one_thread
from flow_runtime.nlu.encoder import SentenceEncoder, encoder_by_name
from flow_runtime.nlu.features import BLOCKS, SparseFeaturizer, TfidfBlock, block_terms
from flow_runtime.nlu.normalize import TypoCorrector
from flow_runtime.nlu.pipeline import Analysis, analyze
from flow_runtime.nlu.types import Prediction

FORMAT = "flowstudio-nlu/1"
TOP_K = 5
"""Candidate intents the nearest-neighbour view re-scores."""


@dataclass(slots=True)
class Weights:
    """Linear and neighbour parameters of a trained model (all numpy arrays)."""

    svm_coef: np.ndarray  # (features, classes)
    svm_bias: np.ndarray  # (classes,)
    lr_coef: np.ndarray | None = None  # (dim, classes)
    lr_bias: np.ndarray | None = None
    neighbours: np.ndarray | None = None  # (examples, dim), grouped by class
    class_starts: np.ndarray | None = None  # (classes + 1,) row offsets into neighbours


@dataclass(slots=True)
class Fusion:
    """How the views are weighed and how fused logits become probabilities."""

    weights: tuple[float, float, float] = (1.0, 1.5, 1.0)
    scales: tuple[float, float, float] = (1.0, 1.0, 1.0)
    temperature: float = 1.0
    threshold: float = 0.5
    reject: tuple[float, ...] = ()
    """Out-of-scope rule fitted on validation phrases with out-of-scope examples, as the
    coefficients of ``(log p_best, log p_oos, similarity, 1)``; empty: ``p_best < threshold``."""
    reject_threshold: float = 0.5


@dataclass(slots=True)
class IntentModel:
    """A trained classifier over a bot's intents. Build it with :func:`flow_runtime.nlu.train`.

    Attributes:
        classes: Intent labels, in column order.
        language: Default language of messages.
        featurizer: TF-IDF blocks.
        weights: Learned parameters.
        fusion: View weights, scales, temperature and threshold.
        encoder_name: Sentence encoder used, or ``None`` for a TF-IDF-only model.
        oos_label: Label meaning "out of scope" (never returned as understood), if any.
        lemma_of: Lemma of each training word (used after typo correction).
        meta: Free-form training facts (sizes, timings, calibration method).
    """

    classes: list[str]
    language: str
    featurizer: SparseFeaturizer
    weights: Weights
    fusion: Fusion = field(default_factory=Fusion)
    encoder_name: str | None = None
    oos_label: str | None = None
    lemma_of: dict[str, str] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    _corrector: TypoCorrector | None = None
    _encoder: SentenceEncoder | None = None

    @property
    def threshold(self) -> float:
        """Confidence below which a message is not understood."""
        return self.fusion.threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        self.fusion.threshold = float(value)

    @property
    def encoder(self) -> SentenceEncoder | None:
        """The sentence encoder (loaded on first use)."""
        if self._encoder is None and self.encoder_name:
            self._encoder = encoder_by_name(self.encoder_name)
        return self._encoder

    @property
    def corrector(self) -> TypoCorrector:
        """Typo corrector over the training vocabulary."""
        if self._corrector is None:
            vocab = self.featurizer.blocks["word"].vocabulary
            self._corrector = TypoCorrector(t for t in vocab if " " not in t)
        return self._corrector

    # ----- scoring -------------------------------------------------------------------------

    def corrected(self, analysis: Analysis) -> tuple[list[str], tuple[str, ...]]:
        """The message's words with unknown ones typo-corrected, and their lemmas."""
        original = analysis.words
        words = self.corrector.correct_all(original)
        if words == list(original):
            return words, analysis.lemmas
        lemmas = tuple(
            self.lemma_of.get(w, w) if w != o else lem for w, o, lem in zip(words, original, analysis.lemmas)
        )
        return words, lemmas

    def document(self, analysis: Analysis) -> dict[str, list[str]]:
        """Per-block terms of an analysed message, with unknown words typo-corrected."""
        words, lemmas = self.corrected(analysis)
        analysis = Analysis(analysis.text, analysis.expanded, tuple(words), lemmas)
        return {b: block_terms(analysis, words, b) for b in BLOCKS}

    def logits(self, text: str, *, language: str | None = None) -> np.ndarray:
        """Fused, temperature-scaled logits of one message (one per class)."""
        return self._score(text, language=language)[0]

    def _score(self, text: str, *, language: str | None = None) -> tuple[np.ndarray, float | None]:
        """Fused logits and the similarity to the training phrases (see :meth:`assess`)."""
        one_thread()
        analysis = analyze(text, language=language or self.language)
        idx, values = self.featurizer.message_vector(*self.corrected(analysis))
        w = self.weights
        svm = values @ w.svm_coef[idx] + w.svm_bias if len(idx) else w.svm_bias.copy()
        embedding = None
        if self.encoder is not None and w.lr_coef is not None:
            embedding = self.encoder.encode([analysis.expanded])
            lr = embedding[0] @ w.lr_coef + w.lr_bias
        else:
            lr = np.zeros_like(svm)
        fused, similarity = self._fuse(svm[None, :], lr[None, :], embedding)
        return fused[0], None if similarity is None else float(similarity[0])

    def assess(self, text: str, *, language: str | None = None, top: int = 5) -> tuple[Prediction, float | None]:
        """Classify one message and say how close it comes to anything the bot was trained on.

        Returns:
            The prediction and the best cosine similarity to a training phrase (None without an
            encoder): a closed-world classifier always ranks some intent first, the similarity tells
            whether the message is about the bot's subject at all.
        """
        logits, similarity = self._score(text, language=language)
        return self.decide(softmax(logits), top=top, similarity=similarity), similarity

    def _fuse(
        self, svm: np.ndarray, lr: np.ndarray, embeddings: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Temperature-scaled fused logits, and each row's similarity to the training phrases
        (best cosine among the candidate intents' phrases, out-of-scope ones excluded)."""
        (a, b, c), (sa, sb, sc) = self.fusion.weights, self.fusion.scales
        fused = a * svm / sa + b * lr / sb
        w = self.weights
        similarity = None
        if embeddings is not None and w.neighbours is not None and len(w.neighbours):
            nn, similarity = self._neighbour_scores(fused, embeddings)
            if c:
                fused = fused + c * nn / sc
        return fused / self.fusion.temperature, similarity

    def _neighbour_scores(self, fused: np.ndarray, embeddings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Best cosine to a training phrase for each row's top candidate classes (0 elsewhere),
        and the best of those over in-scope classes."""
        w = self.weights
        starts = w.class_starts.tolist()
        k = min(TOP_K, fused.shape[1])
        top = np.argpartition(-fused, k - 1, axis=1)[:, :k].tolist()
        out = np.zeros_like(fused)
        best = np.full(len(fused), -1.0, dtype=np.float32)
        oos = self.oos_index
        neighbours = w.neighbours
        for row, candidates in enumerate(top):
            vec, scores = embeddings[row], out[row]
            for cls in candidates:
                lo, hi = starts[cls], starts[cls + 1]
                if hi > lo:
                    scores[cls] = (neighbours[lo:hi] @ vec).max()
            known = [scores[c] for c in candidates if c != oos and starts[c + 1] > starts[c]]
            if known:
                best[row] = max(known)
        return out, best

    def probabilities(self, text: str, *, language: str | None = None) -> np.ndarray:
        """Calibrated probability of every class for one message."""
        return softmax(self.logits(text, language=language))

    def predict(self, text: str, *, language: str | None = None, top: int = 5) -> Prediction:
        """Classify one message.

        Args:
            text: What the user typed.
            language: Message language (defaults to the model's).
            top: How many ranked intents to return.

        Returns:
            The decision, its confidence and the ranked intents.
        """
        return self.assess(text, language=language, top=top)[0]

    def decide(self, probs: np.ndarray, *, top: int = 5, similarity: float | None = None) -> Prediction:
        """Turn class probabilities into a :class:`Prediction`.

        Without an out-of-scope rule, a message is understood when the best probability reaches
        :attr:`threshold`. With one (fitted when validation phrases held out-of-scope examples),
        the rule's in-scope score must reach ``fusion.reject_threshold`` instead.
        """
        order = np.argsort(-probs, kind="stable")[:top]
        ranking = tuple((self.classes[i], round(float(probs[i]), 6)) for i in order)
        best, confidence = ranking[0]
        if self.fusion.reject:
            score = float(self.in_scope_scores(probs[None, :], np.array([similarity or 0.0]))[0])
            cut = self.fusion.reject_threshold
        else:
            score, cut = confidence, self.threshold
        understood = score >= cut and best != self.oos_label
        return Prediction(best if understood else None, confidence, understood, ranking, cut)

    def in_scope_scores(self, probs: np.ndarray, similarity: np.ndarray) -> np.ndarray:
        """The out-of-scope rule's in-scope score (0..1) for rows of probabilities."""
        return in_scope_scores(self.fusion.reject, rejection_features(probs, similarity, self.oos_index))

    @property
    def oos_index(self) -> int | None:
        """Column of the out-of-scope label, if the model has one."""
        return self.classes.index(self.oos_label) if self.oos_label in self.classes else None

    # ----- persistence -----------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the model as one ``.npz`` file of plain arrays and JSON (no pickle).

        Args:
            path: Destination file (``.npz`` is appended by numpy when missing).

        Returns:
            The path written.
        """
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        f = self.fusion
        meta = {
            "format": FORMAT,
            "classes": self.classes,
            "language": self.language,
            "encoder": self.encoder_name,
            "oos_label": self.oos_label,
            "lemma_of": self.lemma_of,
            "fusion": {
                "weights": f.weights,
                "scales": f.scales,
                "temperature": f.temperature,
                "threshold": f.threshold,
                "reject": f.reject,
                "reject_threshold": f.reject_threshold,
            },
            "vocabularies": {b: self.featurizer.blocks[b].terms for b in BLOCKS},
            "meta": self.meta,
        }
        arrays = {"meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)}
        for b in BLOCKS:
            arrays[f"idf_{b}"] = self.featurizer.blocks[b].idf
        w = self.weights
        arrays.update(svm_coef=w.svm_coef, svm_bias=w.svm_bias)
        if w.lr_coef is not None:
            arrays.update(lr_coef=w.lr_coef, lr_bias=w.lr_bias)
        if w.neighbours is not None:
            arrays.update(neighbours=w.neighbours.astype(np.float16), class_starts=w.class_starts)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **arrays)
        return path

    @classmethod
    def load(cls, path: str | Path) -> IntentModel:
        """Read a model written by :meth:`save`.

        Raises:
            ValueError: The file is not a FlowStudio NLU model.
        """
        with np.load(Path(path), allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path}: not a {FORMAT} model")
            blocks = {}
            for b in BLOCKS:
                terms = meta["vocabularies"][b]
                blocks[b] = TfidfBlock({t: i for i, t in enumerate(terms)}, data[f"idf_{b}"])
            files = set(data.files)
            weights = Weights(
                data["svm_coef"],
                data["svm_bias"],
                data["lr_coef"] if "lr_coef" in files else None,
                data["lr_bias"] if "lr_bias" in files else None,
                data["neighbours"].astype(np.float32) if "neighbours" in files else None,
                data["class_starts"] if "class_starts" in files else None,
            )
        f = meta["fusion"]
        fusion = Fusion(
            tuple(f["weights"]),
            tuple(f["scales"]),
            float(f["temperature"]),
            float(f["threshold"]),
            tuple(f.get("reject", ())),
            float(f.get("reject_threshold", 0.5)),
        )
        return cls(
            classes=list(meta["classes"]),
            language=meta["language"],
            featurizer=SparseFeaturizer(blocks),
            weights=weights,
            fusion=fusion,
            encoder_name=meta["encoder"],
            oos_label=meta["oos_label"],
            lemma_of=dict(meta["lemma_of"]),
            meta=dict(meta["meta"]),
        )


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax (works on one vector or a matrix)."""
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / np.sum(exp, axis=-1, keepdims=True)


def rejection_features(probs: np.ndarray, similarity: np.ndarray, oos_index: int | None) -> np.ndarray:
    """``(log p_best, log p_oos, similarity)`` rows for the out-of-scope rule."""
    p_oos = probs[:, oos_index] if oos_index is not None else np.zeros(len(probs))
    return np.column_stack([np.log(np.clip(probs.max(axis=1), 1e-9, None)), np.log(p_oos + 1e-9), similarity])


def in_scope_scores(coefficients: Sequence[float], features: np.ndarray) -> np.ndarray:
    """Logistic in-scope score of rejection features (coefficients: weights, then bias)."""
    coef = np.asarray(coefficients, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-(features @ coef[:-1] + coef[-1])))


def batch_scores(
    model: IntentModel, documents: Sequence[dict[str, list[str]]], embeddings: np.ndarray | None, *, x=None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Fused logits and similarities for many featurised documents (training and evaluation);
    ``x``: their TF-IDF matrix, when already computed."""
    w = model.weights
    x = model.featurizer.matrix(documents) if x is None else x
    svm = np.asarray(x @ w.svm_coef) + w.svm_bias
    if embeddings is not None and w.lr_coef is not None:
        lr = embeddings @ w.lr_coef + w.lr_bias
    else:
        lr, embeddings = np.zeros_like(svm), None
    return model._fuse(svm, lr, embeddings)


def batch_logits(
    model: IntentModel, documents: Sequence[dict[str, list[str]]], embeddings: np.ndarray | None
) -> np.ndarray:
    """Fused logits for many featurised documents at once (training and evaluation)."""
    return batch_scores(model, documents, embeddings)[0]
