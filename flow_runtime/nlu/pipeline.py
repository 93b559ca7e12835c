"""Per-language spaCy pipelines (blank tokenizer + lookup lemmatizer) and message analysis."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from flow_runtime.nlu.normalize import LANGUAGES, expand, fold_accents

if TYPE_CHECKING:
    from spacy.language import Language

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class Analysis:
    """One message seen by the NLU.

    Attributes:
        text: The original text.
        expanded: Abbreviations expanded and repeated letters squeezed, accents kept.
        words: Lower-case ASCII word tokens (no punctuation).
        lemmas: Lower-case ASCII lemmas, aligned with ``words``.
    """

    text: str
    expanded: str
    words: tuple[str, ...]
    lemmas: tuple[str, ...]

    @property
    def folded(self) -> str:
        """The words joined by spaces."""
        return " ".join(self.words)


@lru_cache(maxsize=None)
def spacy_pipeline(language: str) -> Language:
    """A blank spaCy pipeline with the lookup lemmatizer from ``spacy-lookups-data``.

    Args:
        language: ``pt``, ``es`` or ``en`` (other codes fall back to a blank multi-language
            tokenizer without lemmas).

    Returns:
        The cached pipeline (built once per process; loading the lookup tables takes a second).
    """
    import spacy

    with _lock:
        if language not in LANGUAGES:
            return spacy.blank("xx")
        nlp = spacy.blank(language)
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        return nlp


def analyze(text: str, *, language: str = "pt") -> Analysis:
    """Normalise, tokenise and lemmatise one message.

    Args:
        text: What the user typed.
        language: Language of the pipeline to use.

    Returns:
        The message's :class:`Analysis`.
    """
    return analyze_many([text], language=language)[0]


def analyze_many(texts: list[str], *, language: str = "pt") -> list[Analysis]:
    """Analyse a batch of messages of one language (faster than one by one)."""
    nlp = spacy_pipeline(language)
    expanded = [expand(t, language=language) for t in texts]
    out = []
    for text, exp, doc in zip(texts, expanded, nlp.pipe([e.lower() for e in expanded])):
        words, lemmas = [], []
        for token in doc:
            if token.is_punct or token.is_space:
                continue
            word = _ascii_word(token.text)
            if not word:
                continue
            words.append(word)
            lemmas.append(_ascii_word(token.lemma_) or word)
        out.append(Analysis(text, exp, tuple(words), tuple(lemmas)))
    return out


def _ascii_word(text: str) -> str:
    return "".join(ch for ch in fold_accents(text) if ch.isalnum())
