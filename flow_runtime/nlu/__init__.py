"""Offline natural-language understanding for FlowStudio bots (pt, es, en).

Public API:

* :func:`train` / :class:`IntentModel` (``predict``, ``save``, ``load``): the intent classifier.
* :class:`KeywordTriggers`: designers' trigger phrases matched exactly as written.
* :func:`related_intents`, :func:`related_topics`: "did you mean" candidates.
* :mod:`flow_runtime.nlu.entities`: system entities and uploaded entity lists.
* :func:`detect_language`, :class:`LanguagePolicy`: offline language detection.
* :func:`find_confusable_intents`: design-time lint.
* :class:`NluMatcher`: the engine's ``Matcher`` port.
"""

from flow_runtime.nlu.keywords import KeywordTriggers
from flow_runtime.nlu.language import LanguagePolicy, detect_language
from flow_runtime.nlu.lint import ConfusablePair, find_confusable_intents
from flow_runtime.nlu.matcher import NluMatcher
from flow_runtime.nlu.model import IntentModel
from flow_runtime.nlu.normalize import fold, squeeze_repeats
from flow_runtime.nlu.related import related_intents, related_topics
from flow_runtime.nlu.training import TrainConfig, train
from flow_runtime.nlu.types import Example, Prediction, read_jsonl

__all__ = [
    "ConfusablePair",
    "Example",
    "IntentModel",
    "KeywordTriggers",
    "LanguagePolicy",
    "NluMatcher",
    "Prediction",
    "TrainConfig",
    "detect_language",
    "find_confusable_intents",
    "fold",
    "read_jsonl",
    "related_intents",
    "related_topics",
    "squeeze_repeats",
    "train",
]
