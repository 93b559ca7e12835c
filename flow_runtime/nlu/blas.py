"""One BLAS (and OpenMP) thread in any process that runs the NLU.

Scoring a message is a handful of small matrix products, and a server runs many messages at
once in its own threads and processes. OpenBLAS splits each product over every core once it
passes a tiny size (a 15 x 1280 by 1280 x 256 product qualifies); on a busy machine each split
waits for another core to come free (the 95th percentile went from about 3 ms on one thread to
60 ms on two), and after every split OpenBLAS's helper threads spin for a while waiting for the
next one.

An earlier version lowered the count around each prediction and restored it afterwards. With the
OpenBLAS numpy ships (0.3.31), that does not hold for calls from a thread other than the main
one, where every web request is served: the products still ran on two threads, and the helper
thread spun between turns, burning 8-16 ms of CPU per turn on the second core, more than the
turn itself (measured with a per-thread CPU count). So :func:`one_thread` sets one thread for
the whole process, once: the libraries already loaded through threadpoolctl, the ones loaded
later (scipy's own OpenBLAS, scikit-learn's OpenMP runtime) through the environment variables
they read when they load. Parallel work comes from processes and concurrent turns instead.
Without threadpoolctl only the environment is set.
"""

from __future__ import annotations

import os
import threading

ENVIRONMENT = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")
"""What BLAS and OpenMP runtimes read when they load (and child processes inherit)."""
_lock = threading.Lock()
_done = False


def one_thread() -> None:
    """Limit BLAS and OpenMP to one thread in this process (the first call does it; later ones return at once)."""
    global _done
    if _done:
        return
    with _lock:
        if _done:
            return
        for name in ENVIRONMENT:
            os.environ[name] = "1"
        try:
            import numpy  # noqa: F401  (its BLAS must be loaded to be found)
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=1)  # applied now, for good (not used as a context manager)
        except Exception:
            pass
        _done = True
