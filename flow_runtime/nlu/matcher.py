"""The engine's ``Matcher`` port backed by the trained NLU.

``NluMatcher.match`` merges two sources per intent and returns the higher score:

* keyword triggers (exact phrase: 1.0; every keyword of a trigger: 0.9), so what
  designers wrote keeps working whatever the classifier says: the intents a message's triggers
  hit come first in the ranking, the classifier's picks after them;
* the classifier's calibrated probability, mapped so that the model's own threshold
  lands on the engine's ``MATCH_THRESHOLD`` (0.6): the engine's related-topic (0.4) and
  "did you mean" (0.3) cut-offs then mean "somewhat below the model's threshold".
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable

from flow_runtime.matching import IntentIndex, IntentScore
from flow_runtime.nlu.keywords import KeywordTriggers
from flow_runtime.nlu.model import IntentModel
from flow_runtime.nlu.training import TrainConfig, train
from flow_runtime.nlu.types import Example

try:
    from flow_runtime.routing import MATCH_THRESHOLD
except ImportError:  # the engine may move it; 0.6 is the documented default
    MATCH_THRESHOLD = 0.6

log = logging.getLogger("flow_runtime.nlu.matcher")

MIN_SIMILARITY = 0.45
"""Seen on the pizzaria bot: paraphrases score 0.58-0.90 against the triggers, unrelated chat
("asdfgh qwerty", "qual o preço do carro?", "meu cachorro fugiu") 0.14-0.32."""


def engine_score(probability: float, threshold: float, *, take_at: float = MATCH_THRESHOLD) -> float:
    """Map a calibrated probability to the engine's score scale.

    Args:
        probability: The model's probability for an intent.
        threshold: The model's "understood" threshold.
        take_at: The engine's score for taking an intent outright.

    Returns:
        A score in 0..1, equal to ``take_at`` exactly at ``threshold``.
    """
    threshold = min(max(threshold, 1e-6), 1 - 1e-6)
    if probability >= threshold:
        return take_at + (1 - take_at) * (probability - threshold) / (1 - threshold)
    return take_at * probability / threshold


class NluMatcher:
    """Ranks a flow's intents with keyword triggers plus a trained classifier.

    Give it the model trained when the flow version was published (labels = intent node
    ids). Without one it trains a model from the index's trigger phrases on first use
    and keeps it (a few seconds for a typical bot), which suits the designer's emulator.
    """

    def __init__(
        self,
        model: IntentModel | None = None,
        *,
        train_on_demand: bool = True,
        config: TrainConfig | None = None,
        trainer: Callable[..., IntentModel] = train,
        cache_size: int = 16,
        min_similarity: float = MIN_SIMILARITY,
    ) -> None:
        """Create the matcher.

        Args:
            model: A trained model whose classes are intent node ids.
            train_on_demand: Train from the index when no model fits it.
            config: Options for on-demand training.
            trainer: The training function (injectable for tests).
            cache_size: How many flows' on-demand models and keyword indexes to keep.
            min_similarity: Below this cosine to every training phrase (and with no keyword
                hit) a message is off-topic and the classifier's ranking is ignored.
        """
        self.min_similarity = min_similarity
        self.model = model
        self.train_on_demand = train_on_demand
        self.config = config
        self._trainer = trainer
        self._cache: OrderedDict[int, tuple[IntentIndex, KeywordTriggers, IntentModel | None]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def match(self, text: str, index: IntentIndex, *, language: str = "pt") -> list[IntentScore]:
        """Rank intents for ``text``.

        Args:
            text: What the user typed.
            index: The compiled flow's intent index.
            language: Conversation language.

        Returns:
            Scores above zero, best first.
        """
        keywords, model = self._for(index, language)
        scores: dict[str, float] = {}
        for intent, score in keywords.match(text, language=language):
            scores[intent] = max(scores.get(intent, 0.0), score)
        triggered = set(scores)
        if model is not None and text.strip():
            prediction, similarity = model.assess(text, language=language, top=len(model.classes))
            if similarity is not None and similarity < self.min_similarity and not scores:
                return []  # nothing like the bot's subject: not understood, no "did you mean" either
            for intent, probability in prediction.ranking:
                if intent in index.entries:
                    score = round(engine_score(probability, model.threshold), 4)
                    scores[intent] = max(scores.get(intent, 0.0), score)
        ranked = [IntentScore(i, s) for i, s in scores.items() if s > 0]
        # a trigger the message hits outranks whatever the classifier prefers (even at 0.99 or a tie at 1.0):
        # designers' triggers work as written, the classifier covers the messages no trigger fits
        ranked.sort(key=lambda s: (s.intent_id not in triggered, -s.score, s.intent_id))
        return ranked

    def _for(self, index: IntentIndex, language: str) -> tuple[KeywordTriggers, IntentModel | None]:
        key = id(index)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[0] is index:
                self._cache.move_to_end(key)
                return cached[1], cached[2]
        pairs = [(node_id, phrase) for node_id, entry in index.entries.items() for phrase in entry.phrases]
        keywords = KeywordTriggers(pairs, language=language)
        model = self.model if self._fits(self.model, index) else None
        if model is None and self.train_on_demand:
            model = self._train(pairs, language)
        with self._lock:
            self._cache[key] = (index, keywords, model)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return keywords, model

    @staticmethod
    def _fits(model: IntentModel | None, index: IntentIndex) -> bool:
        return model is not None and bool(set(model.classes) & set(index.entries))

    def _train(self, pairs: list[tuple[str, str]], language: str) -> IntentModel | None:
        examples = [Example(phrase, node_id, language) for node_id, phrase in pairs]
        if len({e.intent for e in examples}) < 2:
            return None
        try:
            return self._trainer(examples, config=self.config or TrainConfig(language=language))
        except Exception:  # a failed training degrades to keyword matching, never a crash
            log.exception("nlu.matcher.train_failed")
            return None
