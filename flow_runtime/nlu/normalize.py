"""Text normalisation per language: case, accents, repeated letters, chat abbreviations, typos.

Two views of a message come out of here: ``expand`` keeps accents and case-folds nothing
(it feeds the sentence encoder), ``fold`` is the lower-case ASCII form the TF-IDF
features and keyword triggers compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from flow_runtime.nlu.abbreviations import ABBREVIATIONS

LANGUAGES = ("pt", "es", "en")
"""Languages the NLU ships pipelines for."""

_TOKEN = re.compile(r"\w+(?:[@.'’-]\w+)*|[^\w\s]", re.UNICODE)
_REPEATS = re.compile(r"(\w)\1{2,}", re.UNICODE)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold_accents(text: str) -> str:
    """Lower-case ``text`` and strip diacritics (``"Você"`` becomes ``"voce"``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def squeeze_repeats(text: str, *, language: str = "pt") -> str:
    """Shorten runs of three or more equal letters (``"simmmm"`` -> ``"sim"``).

    English keeps two letters of a run (``"goooood"`` -> ``"good"``), since double letters
    are common there; Portuguese and Spanish keep one.
    """
    keep = 2 if language == "en" else 1
    return _REPEATS.sub(lambda m: m.group(1) * keep, text)


def split_tokens(text: str) -> list[str]:
    """Split text into words (keeping e-mails, decimals and contractions whole) and symbols."""
    return _TOKEN.findall(text)


def expand(text: str, *, language: str = "pt") -> str:
    """Squeeze repeated letters and expand chat abbreviations, keeping case and accents.

    A message written all in capitals is lowered first: shouting says nothing of the intent,
    and the encoder reads ``FAZER PEDIDO`` as unknown pieces, far from every trigger.

    Args:
        text: What the user typed.
        language: ``pt``, ``es`` or ``en`` (others get no abbreviation expansion).

    Returns:
        The text with abbreviations such as ``vc`` or ``xq`` replaced by full words.
    """
    if text.isupper():
        text = text.lower()
    return " ".join(
        [_expand_token(token, language) for token in split_tokens(squeeze_repeats(text, language=language))]
    )


@lru_cache(maxsize=100_000)
def _expand_token(token: str, language: str) -> str:
    return ABBREVIATIONS.get(language, {}).get(fold_accents(token), token)


@lru_cache(maxsize=8192)
def fold(text: str, *, language: str = "pt") -> str:
    """The comparison form of a text: expanded, lower-case ASCII words separated by spaces.

    Args:
        text: Any user or designer text.
        language: Language whose abbreviations apply.

    Returns:
        Normalised text, e.g. ``"Vcs tão abertos???"`` -> ``"voces estao abertos"``.
    """
    return _NON_WORD.sub(" ", fold_accents(expand(text, language=language))).strip()


class TypoCorrector:
    """Maps unknown words to a known word one edit away (symmetric-delete lookup).

    Built from the training vocabulary, so "pizaa" becomes "pizza" when the bot knows that
    word. Words shorter than ``min_length`` or containing digits are left alone.
    """

    def __init__(self, vocabulary: Iterable[str], *, min_length: int = 4) -> None:
        self.min_length = min_length
        self.words = frozenset(w for w in vocabulary if w.isalpha())
        index: dict[str, str] = {}
        for word in sorted(self.words):
            if len(word) < min_length:
                continue
            for variant in _deletes(word):
                index.setdefault(variant, word)
        self._index = index

    def correct(self, word: str) -> str:
        """Return the known word closest to ``word`` (``word`` itself when known or no match)."""
        if word in self.words or len(word) < self.min_length or not word.isalpha():
            return word
        if word in self._index:
            return self._index[word]
        for variant in _deletes(word):
            if variant in self.words and len(variant) >= self.min_length:
                return variant
            hit = self._index.get(variant)
            if hit is not None:
                return hit
        return word

    def correct_all(self, words: Iterable[str]) -> list[str]:
        """Correct every word of a sequence."""
        return [self.correct(w) for w in words]


def _deletes(word: str) -> list[str]:
    return [word[:i] + word[i + 1 :] for i in range(len(word))]
