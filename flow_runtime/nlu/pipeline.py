"""Per-language spaCy tokenizers, lemma tables and message analysis."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from flow_runtime.nlu.lemmas import LemmaTable, lemma_table
from flow_runtime.nlu.normalize import LANGUAGES, expand, fold_accents

if TYPE_CHECKING:
    from spacy.language import Language

_lock = threading.Lock()
_pipelines: dict[str, Language] = {}


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


def spacy_pipeline(language: str) -> Language:
    """A blank spaCy pipeline of the language: its tokenizer is what the analysis uses; lemmas come from
    :func:`lemma_lookup` (the same table spaCy's lookup lemmatizer loads, held compact).

    Args:
        language: ``pt``, ``es`` or ``en`` (other codes fall back to a blank multi-language
            tokenizer without lemmas).

    Returns:
        The cached pipeline, built once per process even when many threads ask at once.
    """
    nlp = _pipelines.get(language)
    if nlp is None:
        with _lock:
            nlp = _pipelines.get(language)
            if nlp is None:
                nlp = _pipelines[language] = _build_pipeline(language)
    return nlp


def _build_pipeline(language: str) -> Language:
    import spacy  # lazy: heavy, and loaded only in processes that read messages

    return spacy.blank(language if language in LANGUAGES else "xx")


def lemma_lookup(language: str) -> LemmaTable:
    """The lemma lookup table of ``pt``, ``es`` or ``en`` (loaded once per process; loading takes about a second);
    empty for other codes, as their blank pipeline has no lemmatizer."""
    return lemma_table(language if language in LANGUAGES else "")


def analyze(text: str, *, language: str = "pt") -> Analysis:
    """Normalise, tokenise and lemmatise one message.

    Args:
        text: What the user typed.
        language: Language of the pipeline to use.

    Returns:
        The message's :class:`Analysis`.
    """
    expanded = expand(text, language=language)
    return _analysis(text, expanded, language)


def analyze_many(texts: list[str], *, language: str = "pt", expanded: list[str] | None = None) -> list[Analysis]:
    """Analyse a batch of messages of one language (``expanded``: their :func:`expand` forms,
    when already computed)."""
    if expanded is None:
        expanded = [expand(t, language=language) for t in texts]
    return [_analysis(text, exp, language) for text, exp in zip(texts, expanded)]


def _analysis(text: str, expanded: str, language: str) -> Analysis:
    words: list[str] = []
    lemmas: list[str] = []
    for chunk in expanded.lower().split(" "):
        if chunk:
            pairs = _chunk_words(chunk, language)
            words.extend(pairs[0])
            lemmas.extend(pairs[1])
    return Analysis(text, expanded, tuple(words), tuple(lemmas))


@lru_cache(maxsize=200_000)
def _chunk_words(chunk: str, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """ASCII words and lemmas of one space-free piece of a lower-cased expanded message.

    Tokenising the message is tokenising its pieces one by one: :func:`expand` leaves single
    spaces between tokens that hold no whitespace, and no tokenizer exception of pt, es or en
    holds a space and lower-case letters (es's ``EE. UU.`` is upper case), so spaCy's pieces of
    the whole text are its pieces of each chunk, and a chunk's words are cached (without a
    spaCy ``Token`` per word per message).
    """
    words, lemmas = [], []
    for token in spacy_pipeline(language).tokenizer(chunk):
        if token.is_punct or token.is_space:
            continue
        pair = _word_and_lemma(token.text, language)
        if pair is None:
            continue
        words.append(pair[0])
        lemmas.append(pair[1])
    return tuple(words), tuple(lemmas)


@lru_cache(maxsize=200_000)
def _word_and_lemma(token: str, language: str) -> tuple[str, str] | None:
    """ASCII word and lemma of one lower-case token (None when nothing alphanumeric is left)."""
    word = _ascii_word(token)
    if not word:
        return None
    lemma = lemma_lookup(language).get(token, token)
    return word, _ascii_word(lemma) or word


def _ascii_word(text: str) -> str:
    return "".join(ch for ch in fold_accents(text) if ch.isalnum())
