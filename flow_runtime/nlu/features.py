"""Sparse TF-IDF features: word 1-2 grams, lemma 1-2 grams and character 2-5 grams.

Implemented here (not with scikit-learn's vectorisers) so a trained model is plain
arrays and strings, saved without pickle, and a single message is featurised in
microseconds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

from flow_runtime.nlu.pipeline import Analysis

BLOCKS = ("word", "lemma", "char")
"""Feature blocks, each L2-normalised on its own."""
CHAR_CACHE = 50_000
"""Most words whose known character n-grams a featurizer keeps (then it starts over)."""


def word_ngrams(words: Sequence[str]) -> list[str]:
    """Unigrams and bigrams of a word sequence."""
    grams = list(words)
    grams.extend(f"{a} {b}" for a, b in zip(words, words[1:]))
    return grams


def char_ngrams(words: Sequence[str], *, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside word boundaries (each word padded with spaces)."""
    grams: list[str] = []
    for word in words:
        grams.extend(_word_char_ngrams(word, low, high))
    return grams


@lru_cache(maxsize=100_000)
def _word_char_ngrams(word: str, low: int, high: int) -> tuple[str, ...]:
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if size < n:
            break
        grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return tuple(grams)


def block_terms(analysis: Analysis, words: Sequence[str], block: str) -> list[str]:
    """The terms of one block for an analysed message (``words`` may be typo-corrected)."""
    if block == "word":
        return word_ngrams(words)
    if block == "lemma":
        return word_ngrams(analysis.lemmas)
    return char_ngrams(words)


@dataclass(slots=True)
class TfidfBlock:
    """One vocabulary with smoothed IDF weights and sublinear term frequency."""

    vocabulary: dict[str, int]
    idf: np.ndarray

    @classmethod
    def fit(cls, documents: Sequence[Sequence[str]], *, min_df: int = 1) -> TfidfBlock:
        """Learn the vocabulary and IDF of tokenised documents."""
        df: Counter[str] = Counter()
        for terms in documents:
            df.update(set(terms))
        terms = sorted(t for t, c in df.items() if c >= min_df)
        n = len(documents)
        idf = np.array([math.log((1 + n) / (1 + df[t])) + 1.0 for t in terms], dtype=np.float32)
        return cls({t: i for i, t in enumerate(terms)}, idf)

    def vector(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Indices and L2-normalised TF-IDF values of one document's known terms."""
        known = [i for i in map(self.vocabulary.get, terms) if i is not None]
        if not known:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        idx, tf = np.unique(np.array(known, dtype=np.int64), return_counts=True)
        values = (1.0 + np.log(tf.astype(np.float32))) * self.idf[idx]
        values /= np.sqrt(np.dot(values, values))
        return idx, values

    def matrix(self, documents: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """A CSR matrix with one row per document (rows as :meth:`vector` makes them)."""
        vocabulary = self.vocabulary
        columns: list[int] = []
        indptr = [0]
        for terms in documents:
            columns.extend([i for i in map(vocabulary.get, terms) if i is not None])
            indptr.append(len(columns))
        counts = sparse.csr_matrix(
            (
                np.ones(len(columns), dtype=np.float32),
                np.array(columns, dtype=np.int64),
                np.array(indptr, dtype=np.int64),
            ),
            shape=(len(documents), len(self.idf)),
        )
        counts.sum_duplicates()  # sorted columns, term frequencies as values
        values = np.log(counts.data)
        values += 1.0
        values *= self.idf[counts.indices]
        rows = np.repeat(np.arange(len(documents)), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(documents))).astype(np.float32)
        values /= norms[rows]
        return sparse.csr_matrix((values, counts.indices, counts.indptr), shape=counts.shape, dtype=np.float32)

    @property
    def terms(self) -> list[str]:
        """Vocabulary terms in index order."""
        return sorted(self.vocabulary, key=self.vocabulary.__getitem__)


@dataclass(slots=True)
class SparseFeaturizer:
    """The three TF-IDF blocks side by side."""

    blocks: dict[str, TfidfBlock]
    offsets: dict[str, int] = field(init=False)
    size: int = field(init=False)
    _idf: np.ndarray = field(init=False, repr=False)
    _bounds: np.ndarray = field(init=False, repr=False)
    _char_ids: dict[str, list[int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.offsets, start = {}, 0
        for b in BLOCKS:
            self.offsets[b] = start
            start += len(self.blocks[b].idf)
        self.size = start
        self._idf = np.concatenate([self.blocks[b].idf for b in BLOCKS]).astype(np.float32)
        self._bounds = np.array([self.offsets[b] for b in BLOCKS[1:]], dtype=np.int64)
        self._char_ids = {}

    @classmethod
    def fit(cls, documents: Sequence[dict[str, list[str]]], *, min_df: int = 1) -> SparseFeaturizer:
        """Fit every block on per-block term lists."""
        return cls({b: TfidfBlock.fit([d[b] for d in documents], min_df=min_df) for b in BLOCKS})

    def matrix(self, documents: Sequence[dict[str, list[str]]]) -> sparse.csr_matrix:
        """Featurise many documents."""
        return sparse.hstack([self.blocks[b].matrix([d[b] for d in documents]) for b in BLOCKS]).tocsr()

    def vector(self, document: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
        """Featurise one document as (column indices, values)."""
        offsets = self.offsets
        parts = [self.blocks[b].vector(document[b]) for b in BLOCKS]
        idx = np.concatenate([p[0] + offsets[b] for p, b in zip(parts, BLOCKS)])
        return idx, np.concatenate([p[1] for p in parts])

    def message_vector(self, words: Sequence[str], lemmas: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`vector` of one message's (typo-corrected) words and lemmas, the fast way.

        Same features as ``vector({b: block_terms(...)})``, without building the character
        n-gram strings: each word's known n-gram columns are looked up once and cached.
        """
        ids: list[int] = []
        for block, sequence in (("word", words), ("lemma", lemmas)):
            vocabulary, offset = self.blocks[block].vocabulary, self.offsets[block]
            for term in word_ngrams(sequence):
                i = vocabulary.get(term)
                if i is not None:
                    ids.append(i + offset)
        cache = self._char_ids
        for word in words:
            known = cache.get(word)
            if known is None:
                if len(cache) >= CHAR_CACHE:
                    cache.clear()
                vocabulary, offset = self.blocks["char"].vocabulary, self.offsets["char"]
                known = [i + offset for i in map(vocabulary.get, _word_char_ngrams(word, 2, 5)) if i is not None]
                cache[word] = known
            ids.extend(known)
        if not ids:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        idx, tf = np.unique(np.array(ids, dtype=np.int64), return_counts=True)
        values = np.log(tf.astype(np.float32))
        values += 1.0
        values *= self._idf[idx]
        block = np.searchsorted(self._bounds, idx, side="right")
        norms = np.sqrt(np.bincount(block, weights=values * values, minlength=len(BLOCKS))).astype(np.float32)
        values /= norms[block]
        return idx, values
