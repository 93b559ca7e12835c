"""A web process's tuning, in one place: applied once when the app starts (its lifespan task, `on_app_start`),
never at import time nor inside a service.

Two interpreter settings, each bought by a measurement of webhook turns (`bench/turns.py`):

* the GIL switch interval (`GIL_SWITCH_INTERVAL_S`);
* the long-lived heap taken out of the collector's full passes (`freeze_long_lived`), once the NLU warm-up
  has loaded it.

And one of the C allocator, bought by a measurement of memory (`bench/memory.py`): the heap the warm-up freed
given back to the system (`release_freed_heap`).
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
import threading

from flowstudio.services.studio import nlu

log = logging.getLogger("flowstudio.nlu")  # the warm-up's events, as they were named

GIL_SWITCH_INTERVAL_S = 0.001
"""A web process runs its event loop and the channel turns' threads (`api.channels.common.take_turn`). With
CPython's default 5 ms switch interval, a thread whose PostgreSQL or Redis reply has arrived waits up to 5 ms
behind a turn busy in the NLU before it may run again; 1 ms cut the tail latency of paced webhook turns
(bench/turns.py) without costing throughput."""


def set_switch_interval() -> None:
    """Let a thread whose I/O has completed take the GIL back sooner (see `GIL_SWITCH_INTERVAL_S`)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


def freeze_long_lived() -> None:
    """Take everything loaded so far out of the garbage collector's full passes.

    The spaCy lookup tables, the sentence encoder and the imported app are hundreds of thousands of
    long-lived objects: a full (generation 2) collection walks them all, about 200 ms with the GIL held,
    during which every turn of the process waits. They are never garbage, so after one last collection they
    are frozen (``gc.freeze``) and later full passes only walk what requests allocate.
    """
    gc.collect()
    gc.freeze()


def release_freed_heap() -> None:
    """Give the memory freed so far back to the system (glibc's ``malloc_trim``; elsewhere nothing happens).

    Loading the NLU frees more than it keeps: the lemma tables' loader builds a dict of every form, the
    encoder's weights are decompressed. glibc keeps freed heap for the process to reuse (about 40 MiB after the
    Portuguese table alone), which a web worker would hold at rest for nothing.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


def warm_up_and_freeze() -> list[str]:
    """Load what a first NLU message would otherwise wait seconds for (`nlu.warm_up`), then freeze it all and
    return the memory the loading freed. Returns the languages loaded."""
    languages = nlu.warm_up()
    freeze_long_lived()
    release_freed_heap()
    return languages


def on_app_start() -> None:
    """The app's start-up hook: set the switch interval now, warm up and freeze in a background thread (the
    app serves meanwhile; an NLU message arriving first waits for the same single load instead of starting
    its own)."""
    set_switch_interval()

    def run() -> None:
        try:
            log.info("nlu.warm_up.done", extra={"languages": warm_up_and_freeze()})
        except Exception:
            log.exception("nlu.warm_up.failed")

    threading.Thread(target=run, name="nlu-warm-up", daemon=True).start()
