"""Design-time lint: intents whose triggers the classifier confuses, with the phrases to fix."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from flow_runtime.nlu.flows import examples_from_flow, flow_language
from flow_runtime.nlu.model import batch_logits, softmax
from flow_runtime.nlu.training import TrainConfig, _expanded, _fit, _prepare
from flow_runtime.nlu.types import Example


@dataclass(frozen=True, slots=True)
class Confusion:
    """A trigger that, held out, looked like another intent.

    Attributes:
        text: The trigger phrase.
        intent: The intent it belongs to.
        predicted: The intent it drifted to.
        probability: Probability given to ``predicted``.
    """

    text: str
    intent: str
    predicted: str
    probability: float


@dataclass(frozen=True, slots=True)
class ConfusablePair:
    """Two intents that are hard to tell apart from their triggers.

    Attributes:
        intents: The two intents (sorted).
        rate: Share of their triggers involved in a confusion (0..1).
        confusions: The phrases to rewrite or move, worst first.
    """

    intents: tuple[str, str]
    rate: float
    confusions: tuple[Confusion, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the canvas and the CLI."""
        return {
            "intents": list(self.intents),
            "rate": self.rate,
            "phrases": [
                {"text": c.text, "intent": c.intent, "predicted": c.predicted, "probability": c.probability}
                for c in self.confusions
            ],
        }


def find_confusable_intents(
    examples: Sequence[Example],
    *,
    folds: int = 5,
    min_rate: float = 0.1,
    margin: float = 0.3,
    config: TrainConfig | None = None,
) -> list[ConfusablePair]:
    """Cross-validate the bot's own triggers and report intent pairs that get mixed up.

    A held-out trigger counts as a confusion when another intent wins, or when the gap
    between its own intent and the runner-up is below ``margin``.

    Args:
        examples: The triggers, labelled by intent.
        folds: Cross-validation folds (fewer when intents have fewer triggers).
        min_rate: Report pairs whose confusion rate reaches this.
        margin: Probability gap under which a correct prediction still counts as confusable.
        config: Training options (calibration is skipped here).

    Returns:
        Pairs, most confusable first.
    """
    from sklearn.model_selection import StratifiedKFold

    examples = [e for e in examples if e.text.strip()]
    classes = sorted({e.intent for e in examples})
    if len(classes) < 2:
        return []
    config = replace(config or TrainConfig(), calibrate=False)
    language = config.language or (examples[0].lang or "pt")
    from flow_runtime.nlu.encoder import default_encoder

    encoder = default_encoder() if config.use_encoder else None
    expanded = _expanded(examples, language)
    data = _prepare(list(examples), classes, language, expanded)
    data.embeddings = encoder.encode(expanded) if encoder is not None else None
    counts = np.bincount(data.y, minlength=len(classes))
    rows = np.arange(len(data.y))
    eligible = rows[counts[data.y] >= 2]
    if len(np.unique(data.y[eligible])) < 2:
        return []
    k = int(max(2, min(folds, counts[counts >= 2].min())))
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=config.seed)
    found: dict[tuple[str, str], list[Confusion]] = defaultdict(list)
    for fit_idx, held_idx in splitter.split(eligible, data.y[eligible]):
        fit_rows = np.concatenate([eligible[fit_idx], rows[counts[data.y] < 2]])
        held = data.subset(eligible[held_idx])
        model = _fit(data.subset(fit_rows), classes, language, config, encoder)
        probs = softmax(batch_logits(model, held.documents, held.embeddings))
        for example, gold, p in zip(held.examples, held.y, probs):
            others = np.argsort(-p)
            rival = next(int(c) for c in others if c != gold)
            if p[rival] >= p[gold] or p[gold] - p[rival] < margin:
                pair = tuple(sorted((classes[gold], classes[rival])))
                found[pair].append(Confusion(example.text, classes[gold], classes[rival], round(float(p[rival]), 3)))
    totals = dict(zip(classes, counts.tolist()))
    pairs = []
    for (a, b), confusions in found.items():
        rate = round(len(confusions) / (totals[a] + totals[b]), 3)
        if rate >= min_rate:
            confusions.sort(key=lambda c: -c.probability)
            pairs.append(ConfusablePair((a, b), rate, tuple(confusions)))
    pairs.sort(key=lambda p: (-p.rate, p.intents))
    return pairs


def lint_flow(document: Any, **options: Any) -> list[ConfusablePair]:
    """Confusable intents of a flow document, reported by intent name.

    Args:
        document: Flow document (dict or ``FlowDocument``).
        **options: Passed to :func:`find_confusable_intents`.
    """
    config = options.pop("config", None) or TrainConfig(language=flow_language(document))
    return find_confusable_intents(examples_from_flow(document, label="name"), config=config, **options)
