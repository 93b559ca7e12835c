"""One BLAS thread while scoring one message.

Scoring a message is a handful of small matrix products. OpenBLAS splits each of them over
every core once it passes a tiny size (a 15 x 1280 by 1280 x 256 product qualifies), and on a
busy machine each split waits for another core to come free: measured on a loaded two-core
machine, the 95th percentile went from about 3 ms on one thread to 60 ms on two.

OpenBLAS's thread count is process-wide (with the pthreads builds numpy ships, even
``openblas_set_num_threads_local`` sets it for every thread), so :func:`single_thread`
lowers it to one while any thread is inside a block and restores it when the last one
leaves. Another thread's batch work in that window runs on one thread too, which costs it
speed, never correctness. Without threadpoolctl or OpenBLAS it does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_libraries: list | None = None
_inside = 0
_saved: list[int] = []


def _blas_libraries() -> list:
    """threadpoolctl controllers of the loaded OpenBLAS libraries (looked up once)."""
    global _libraries
    if _libraries is None:
        try:
            import numpy  # noqa: F401  (its BLAS must be loaded to be found)
            from threadpoolctl import ThreadpoolController

            _libraries = [lib for lib in ThreadpoolController().lib_controllers if lib.internal_api == "openblas"]
        except Exception:  # no threadpoolctl, or a library it cannot drive: leave threads alone
            _libraries = []
    return _libraries


@contextmanager
def single_thread() -> Iterator[None]:
    """Run the block with OpenBLAS on one thread (the previous count is restored afterwards)."""
    global _inside, _saved
    libraries = _blas_libraries()
    if not libraries:
        yield
        return
    with _lock:
        if _inside == 0:
            _saved = [lib.get_num_threads() for lib in libraries]
            for lib, count in zip(libraries, _saved):
                if count != 1:
                    lib.set_num_threads(1)
        _inside += 1
    try:
        yield
    finally:
        with _lock:
            _inside -= 1
            if _inside == 0:
                for lib, count in zip(libraries, _saved):
                    if count != 1:
                        lib.set_num_threads(count)
