"""Large read-only arrays kept in a cache file and memory-mapped, instead of held in each process's heap.

The sentence encoder's embedding table (65 MB of uint8, one row per sentencepiece id) is read only when a
message holds a piece the encoder has not met yet (each piece's results are cached, ``encoder._CachedUse``).
In the heap it cost every process that reads messages 65 MB; mapped from a file, a process holds only the
pages of the rows it has read, and processes share them through the page cache (a server's web workers, the
Celery worker when it trains a model).

The file is written once, atomically, and named by the array's CRC-32 and shape, so a process only maps a
file holding the bytes it has just computed itself. Where no cache folder can be written the array stays in
memory, as before. The folder: ``FLOWSTUDIO_NLU_CACHE``, else ``$XDG_CACHE_HOME/flowstudio``, else
``~/.cache/flowstudio``.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import numpy as np

CACHE_ENV = "FLOWSTUDIO_NLU_CACHE"


def cache_dir() -> Path | None:
    """Where mapped arrays are kept (None when there is no home to put them in)."""
    if configured := os.environ.get(CACHE_ENV):
        return Path(configured)
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg) / "flowstudio"
    try:
        return Path.home() / ".cache" / "flowstudio"
    except RuntimeError:
        return None


def mapped(array: np.ndarray, name: str) -> np.ndarray:
    """``array`` as a read-only memory map of a cache file holding the same bytes, or ``array`` itself when the
    file cannot be written or read. The caller drops its in-memory copy for the map."""
    folder = cache_dir()
    if folder is None:
        return array
    contiguous = np.ascontiguousarray(array)
    shape = "x".join(map(str, contiguous.shape))
    path = folder / f"{name}-{contiguous.dtype}-{shape}-{zlib.crc32(contiguous.data):08x}.npy"
    try:
        if not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
            with partial.open("wb") as out:
                np.save(out, contiguous, allow_pickle=False)
            os.replace(partial, path)
        loaded = np.load(path, mmap_mode="r", allow_pickle=False)
    except (OSError, ValueError):
        return array
    if loaded.shape != contiguous.shape or loaded.dtype != contiguous.dtype:
        return array
    return loaded
