"""One contact at a time: a lock per contact and channel, in Redis when configured, else in this process.

With PostgreSQL the conversation row is also locked (`SELECT ... FOR UPDATE`) inside the transaction,
so several processes without Redis still take turns; SQLite serialises writers by itself.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from flowstudio.settings import get_settings

LOCK_TIMEOUT_S = 30
LOCK_POLL_S = 0.01
"""How often a turn waiting for a busy Redis lock asks again. redis-py's default (0.1 s) made the second of
two messages a customer sends at once (common on WhatsApp) wait up to 100 ms after the first was done."""


class LockTimeout(RuntimeError):
    """The conversation stayed locked too long (a stuck worker?); the event can be retried."""


_STRIPES = 1024
_local_locks = [threading.Lock() for _ in range(_STRIPES)]  # striped: bounded memory, rare false sharing


@cache
def _redis(url: str):  # noqa: ANN202 - a redis.Redis
    import redis

    return redis.Redis.from_url(url)


@contextmanager
def conversation_lock(key: str) -> Iterator[None]:
    """Hold the lock named `key` (a contact on a channel, or a conversation) for the duration of the block."""
    url = get_settings().redis_url
    if url:
        lock = _redis(url).lock(f"flowstudio:lock:{key}", timeout=LOCK_TIMEOUT_S, sleep=LOCK_POLL_S,
                                blocking_timeout=LOCK_TIMEOUT_S)
        if not lock.acquire():
            raise LockTimeout(f"{key} is busy")
        try:
            yield
        finally:
            try:
                lock.release()
            except Exception:  # noqa: BLE001 - expired while we worked: the next holder is already in
                pass
        return
    lock = _local_locks[zlib.crc32(key.encode()) % _STRIPES]
    if not lock.acquire(timeout=LOCK_TIMEOUT_S):
        raise LockTimeout(f"{key} is busy")
    try:
        yield
    finally:
        lock.release()
