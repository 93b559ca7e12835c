"""What the sentence encoder reads of a text: its sentencepiece pieces, cached per chunk, without
punctuation-only chunks, at most ``MAX_TOKENS`` of them."""

from __future__ import annotations

import unicodedata

import numpy as np

MAX_TOKENS = 32
"""Pieces of a message the encoder reads (BOS and EOS included): the first ``HEAD_TOKENS`` and
the last ones. Every piece costs the two convolution layers (about 1.3 MFLOP), so a long message
would cost a turn milliseconds; chat messages rarely reach it (Banking77's longest 5% do, at 34+),
the TF-IDF view still reads every word, and Banking77's accuracy is the same with and without it."""
HEAD_TOKENS = 24
"""Pieces kept from the start of a long message (greetings and context); the rest of
``MAX_TOKENS`` comes from its end, where a long message usually asks its question."""


class CachedTokenizer:
    """The wheel's sentencepiece tokenizer with the pieces of each space-separated chunk cached.

    Two facts make per-chunk caching exact: no key of the normalizer's character map holds an
    ASCII space (checked when built), so normalising a text is normalising its chunks and
    joining them with one word boundary, the surplus whitespace collapsing either way; and no
    piece of the bundled vocabulary holds a word boundary (U+2581) except as its first
    character, so the unigram Viterbi segmentation is the concatenation of its words'.
    """

    def __init__(self, tokenizer, *, capacity: int = 200_000) -> None:
        self._tok = tokenizer
        self._chunks: dict[str, list[int]] = {}
        self._capacity = capacity
        self._exact = _no_space_keys(tokenizer._normalizer)

    def ids(self, text: str) -> list[int]:
        """Piece ids of a text with BOS and EOS, as ``encode(text, add_bos=True, add_eos=True)``,
        leaving out the space-separated chunks made of punctuation only (see :class:`~flow_runtime.nlu.encoder.UseEncoder`)."""
        tok = self._tok
        out = [tok._bos_id]
        if not self._exact:
            kept = " ".join(c for c in text.split(" ") if c and not _punctuation(c))
            out.extend(self._pieces(kept or text))
        else:
            cache = self._chunks
            marks: list[int] = []  # pieces of punctuation chunks, kept when the text has nothing else
            for chunk in text.split(" "):
                if not chunk:
                    continue
                entry = cache.get(chunk)
                if entry is None:
                    if len(cache) >= self._capacity:
                        cache.clear()
                    entry = cache[chunk] = (self._pieces(chunk), _punctuation(chunk))
                (marks if entry[1] else out).extend(entry[0])
            if len(out) == 1:
                out.extend(marks)
        if len(out) == 1:  # nothing left after normalisation
            return [tok._bos_id, tok._unk_id, tok._eos_id]
        out.append(tok._eos_id)
        return out

    def _pieces(self, text: str) -> list[int]:
        tok = self._tok
        out: list[int] = []
        for word in tok._normalizer.normalize(text).split("\u2581"):
            if word:
                out.extend(tok._viterbi("\u2581" + word))
        return out


def clip(ids: list[int]) -> list[int]:
    """The pieces of a tokenised text the encoder reads (see :data:`MAX_TOKENS`)."""
    if len(ids) <= MAX_TOKENS:
        return ids
    return ids[:HEAD_TOKENS] + ids[len(ids) - (MAX_TOKENS - HEAD_TOKENS) :]


def _punctuation(chunk: str) -> bool:
    """Whether a chunk holds punctuation only (symbols such as ``$`` or emoji are not punctuation)."""
    return all(unicodedata.category(ch).startswith("P") for ch in chunk)


def _no_space_keys(normalizer) -> bool:
    """Whether no key of the normalizer's trie holds an ASCII space (so none spans two chunks):
    no double-array unit is labelled with that byte."""
    units = getattr(normalizer, "_units", None)
    if units is None:
        return True
    labels = np.asarray(units, dtype=np.uint32) & np.uint32(0x800000FF)
    return not bool((labels == 0x20).any())
